import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/app.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local/free-port.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack } from '../support/fake-slack.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';

/** A request as any HTTP client may send it (fetch refuses some methods and malformed paths). */
function send(base: string, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        // An event stream never ends by itself: its first lines are enough.
        if (body.includes('\n\n')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ODD_PATHS = (token: string) => [`/board/%${token}`, '/board/%E0%A4%A', `/board/${token}%zz/events`];

/** What browsers, proxies and scanners send to `serve` besides the board's GET: answered plainly, never logged with the link. */
describe.skipIf(!testRedisUrl())('odd requests to the board (Bolt’s HTTP receiver)', () => {
  let slack: SlackBotUnderTest;
  let token: string;
  const logFile = join(mkdtempSync(join(tmpdir(), 'board-requests-')), 'bot.log');

  beforeAll(async () => {
    slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('board-req').slice(0, -1), LOG_LEVEL: 'debug' },
      app: { log: createLogger('debug', { destination: logFile }) },
    });
    token = await slack.bot.services.boardLink.token();
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it('a malformed %-escape in the board’s address is a 404, not a server error', async () => {
    for (const path of ODD_PATHS(token)) expect((await send(slack.baseUrl, 'GET', path)).status, path).toBe(404);
    expect((await send(slack.baseUrl, 'GET', `/board/${token}`)).status).toBe(200);
  });

  it('other methods on the board get 405 with the methods it takes (OPTIONS: 204), and change nothing', async () => {
    for (const method of ['PUT', 'POST', 'DELETE', 'PATCH', 'TRACE']) {
      const answer = await send(slack.baseUrl, method, `/board/${token}`);
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
    expect((await send(slack.baseUrl, 'OPTIONS', `/board/${token}`)).status).toBe(204);
    const events = await send(slack.baseUrl, 'HEAD', `/board/${token}/events`);
    expect(events.status).toBe(405);
    expect(events.headers.allow).toBe('GET');
    expect((await send(slack.baseUrl, 'GET', `/board/${token}`)).status).toBe(200);
    // Slack's own endpoint still goes to Bolt.
    expect((await send(slack.baseUrl, 'GET', '/slack/events')).status).toBe(404);
  });

  it('never writes the board’s secret link into the log, whatever was asked', async () => {
    for (const [method, path] of [
      ['OPTIONS', `/board/${token}`],
      ['PUT', `/board/${token}`],
      ['GET', `/board/${token}//`],
      ['GET', `/board/${token}/nothing/here`],
      ['GET', `/board/%${token}`],
      ['GET', `/board/${token}?x=1`],
    ] as const)
      await send(slack.baseUrl, method, path);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('/board/<secret>');
    expect(log).not.toContain(token);
  });
});

/** In Socket Mode `serve` still answers the board on PORT: one malformed address must not end the process. */
describe.skipIf(!testRedisUrl())('the board under Socket Mode', () => {
  let fake: FakeSlack;
  let bot: BotApp;
  let adapter: SlackAdapter;
  let base: string;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    fake = await new FakeSlack().start();
    // Slack refuses the websocket: only the HTTP side is under test here.
    fake.fail('apps.connections.open', 'invalid_auth', 100);
    const port = await freePort();
    const config = loadConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APP_TOKEN: 'xapp-test-token',
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('board-sm').slice(0, -1),
        LOG_LEVEL: 'silent',
      },
      'slack',
    );
    bot = createApp(config, { log: createLogger('silent', { pretty: false }) });
    adapter = createSlackAdapter(bot, { identity: { botId: 'B0BOT', botUserId: 'U0BOT' } });
    await adapter.start().catch(() => undefined);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await adapter?.stop().catch(() => undefined);
    await bot?.close();
    await fake?.stop();
  });

  it('a malformed %-escape is a 404, and the board and /healthz keep answering', async () => {
    const token = await bot.services.boardLink.token();
    for (const path of ODD_PATHS(token)) expect((await send(base, 'GET', path)).status, path).toBe(404);
    expect((await send(base, 'GET', `/board/${token}`)).status).toBe(200);
    expect((await send(base, 'GET', '/healthz')).status).toBe(200);
    expect(rejections.map(String)).toEqual([]);
  });
});
