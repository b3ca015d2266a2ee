import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventToText } from '../../../src/adapters/terminal/responder.js';
import { say } from '../../../src/adapters/terminal/say.js';
import { runShell } from '../../../src/adapters/terminal/shell.js';
import { type BotApp, createApp } from '../../../src/app.js';
import { installNginxCommand } from '../../../src/cli/demo.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { section } from '../../../src/render/blocks.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';

describe.skipIf(!testRedisUrl())('terminal adapter with a simulated cluster', () => {
  let bot: BotApp;
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    // The simulated cluster listens on loopback, which attached clusters may only use when ATTACH_ALLOW says so.
    const env = { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('term').slice(0, -1), ATTACH_ALLOW: '127.0.0.0/8' };
    bot = createApp(loadConfig(env, 'local'), {
      log: createLogger('silent', { pretty: false }),
    });
    await bot.services.clusters.attach('U_TERM', { master: cluster.masterUrl, marathon: cluster.marathonUrl });
  });
  afterAll(async () => {
    await bot?.close();
    await cluster?.stop();
  });

  it('prints the top message and every thread reply, indented under it', async () => {
    const events = await say(bot, '/state resources', { user: 'U_TERM' });
    expect(events.map((event) => event.kind)).toEqual(['post', 'post']);
    const [top, reply] = events.map((event) => eventToText(event));
    expect(top).toContain('cluster has 4 cpus and 1024 MB memory free on 1 agent');
    expect(reply!.split('\n').every((line) => line.startsWith('  │ '))).toBe(true);
    expect(reply).toContain('cpus  4 total · 0 used · *4 free*');
  });

  it('prints a link shown as its own address as the bare address, ready to copy; other links as their label and address', () => {
    const payload = {
      response_type: 'ephemeral' as const,
      text: 'links',
      blocks: [section('<http://127.0.0.1:8080/board/abc|http://127.0.0.1:8080/board/abc>\n<https://a.example|the docs>')],
    };
    expect(eventToText({ kind: 'reply', payload })).toBe('http://127.0.0.1:8080/board/abc\nthe docs (https://a.example)');
  });

  /** What a shell session prints for these typed lines. */
  async function typed(lines: string[]): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const session = runShell(bot, { user: 'U_TERM', input, output });
    for (const line of lines) input.write(`${line}\n`);
    await session;
    return printed;
  }

  it('runs an interactive session: slash commands, bare questions go to /faq, exit leaves', async () => {
    const printed = await typed(['/cluster info', 'exit']);
    expect(printed).toContain('You are U_TERM');
    expect(printed).toContain('Your cluster (attached): ready');
    expect(printed).toContain(cluster.masterUrl);
  });

  it('takes a code block pasted over several lines as one command, as Slack does', async () => {
    const printed = await typed([
      '/cluster install ```{\n  "id": "/pasted",\n  "cmd": "sleep 1000",\n  "cpus": 0.1,\n  "mem": 16\n}```',
      '/state marathon',
      '/cluster install ```{"id": "/never"',
      'exit',
    ]);
    expect(printed).toContain('Installed app `/pasted`');
    expect(printed).not.toContain('not valid JSON');
    expect(printed).toContain('*/pasted*');
    expect(printed).toContain('The code block was never closed');
    expect(printed).not.toContain('/never`');
  });

  it("takes a terminal's output pasted without ``` as one question, and a command after it as a command", async () => {
    const printed = await typed([
      '$ minimesos up',
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'any idea?',
      '/help',
      'exit',
    ]);
    expect(printed.split('cannot connect to the Docker daemon?')).toHaveLength(2);
    expect(printed).not.toContain("I don't know that one yet");
    expect(printed).toContain('/faq');
  });

  it("the demo banner's install, typed as printed, starts nginx on the cluster", async () => {
    const command = installNginxCommand();
    expect(command).not.toContain('\n');
    const [reply] = (await say(bot, command, { user: 'U_TERM' })).map((event) => eventToText(event));
    expect(reply).toContain('Installed app `/nginx`');
    const { app } = (await (await fetch(`${cluster.marathonUrl}/v2/apps/nginx`)).json()) as {
      app: { container: { docker: { image: string } } };
    };
    expect(app.container.docker.image).toBe('nginx');
  });
});
