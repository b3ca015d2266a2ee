import { type ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForBotIdentity } from '../../../src/adapters/slack/identity.js';
import { freePort } from '../../../src/local/free-port.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { SERVE_START_MS } from '../../support/processes.js';
import { testRedisUrl } from '../../support/services.js';
import { until } from '../../support/until.js';

/** `serve` in a child process against `slackApiUrl`, as deployed; what it prints and how it ended. */
async function startServe(slackApiUrl: string, token: string, port: number) {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', '--no-workers'], {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: token,
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
      SLACK_API_URL: slackApiUrl,
      PORT: String(port),
      REDIS_URL: testRedisUrl()!,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: { child: ChildProcess; output: string; exited?: number | null } = { child, output: '' };
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (chunk: Buffer) => {
      run.output += chunk.toString();
    });
  child.on('exit', (code) => {
    run.exited = code;
  });
  return run;
}

describe('a bot token Slack refuses', () => {
  let fake: FakeSlack | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await fake?.stop();
  });

  it('is logged once with the fix and checked again until Slack accepts it; no crash', async () => {
    fake = await new FakeSlack().start();
    fake.fail('auth.test', 'token_revoked', 3);
    const logged: Array<Record<string, unknown>> = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(line, _encoding, done) {
          logged.push(JSON.parse(String(line)) as Record<string, unknown>);
          done();
        },
      }),
    );
    const client = new WebClient('xoxb-revoked', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    expect(await waitForBotIdentity(client, log, { recheckMs: 20 })).toEqual({ botId: 'B0BOT', botUserId: 'U0BOT' });
    expect(fake.calls.filter((call) => call.method === 'auth.test')).toHaveLength(4);
    expect(logged).toEqual([
      expect.objectContaining({
        reason: 'token_revoked',
        fix: 'reinstall the app to the workspace, put the new bot token in SLACK_BOT_TOKEN and restart the bot',
        msg: expect.stringContaining("Slack refuses SLACK_BOT_TOKEN: Slack no longer accepts the bot's token"),
      }),
    ]);
  });

  it.skipIf(!testRedisUrl())(
    'keeps `serve` up, saying why once, instead of a stack trace and a restart loop; SIGTERM ends it',
    async () => {
      fake = await new FakeSlack().start();
      fake.fail('auth.test', 'invalid_auth', 1000);
      const serve = await startServe(fake.apiUrl, 'xoxb-revoked', await freePort());
      child = serve.child;
      await until(async () => serve.output.includes('Slack refuses SLACK_BOT_TOKEN') || serve.exited !== undefined, SERVE_START_MS, 50);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(serve.exited).toBeUndefined();
      expect(serve.output).toContain('"reason":"invalid_auth"');
      expect(serve.output).toContain('reinstall the app to the workspace, put the new bot token in SLACK_BOT_TOKEN and restart the bot');
      expect(serve.output).not.toContain('WebAPIPlatformError');
      expect(serve.output.match(/Slack refuses SLACK_BOT_TOKEN/g)).toHaveLength(1);
      child.kill('SIGTERM');
      await until(async () => serve.exited !== undefined, 10_000, 50);
      expect(serve.exited).toBe(0);
    },
    SERVE_START_MS + 20_000,
  );

  it.skipIf(!testRedisUrl())(
    'does not keep `serve` from answering /healthz when Slack cannot be reached at start-up',
    async () => {
      const port = await freePort();
      // Nothing listens at this Slack API address: every call fails to connect.
      const serve = await startServe(`http://127.0.0.1:${await freePort()}/api/`, 'xoxb-offline', port);
      child = serve.child;
      const health = async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status;
      await until(async () => (await health()) === 200, SERVE_START_MS, 200).catch(() => {
        throw new Error(`serve did not answer /healthz:\n${serve.output}`);
      });
      expect(serve.output).toContain('Slack could not be reached to check SLACK_BOT_TOKEN; serving anyway');
      expect(serve.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    },
    SERVE_START_MS + 15_000,
  );
});
