import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectDockerHosts } from '../../src/docker/hosts.js';
import { HostPool } from '../../src/docker/pool/host-pool.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

const silent = createLogger('silent', { pretty: false });

/** The web process alone (router, real Redis and queue, no workers), on its own keys. */
function webBot(name: string, env: Record<string, string> = {}): BotApp {
  const config = loadConfig(
    { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix(name).slice(0, -1), LOG_LEVEL: 'silent', ...env },
    'local',
  );
  return createApp(config, { log: silent });
}

/** `/cluster up` as `user`, through the router: the replies to the user, and what was posted in the channel. */
async function up(bot: BotApp, user: string): Promise<{ reply: string; posts: string[] }> {
  const events: TerminalEvent[] = [];
  await bot.router.dispatch(
    { user, channel: 'C1', command: 'cluster', text: 'up' },
    new TerminalResponder('C1', (event) => events.push(event)),
  );
  const texts = (kind: TerminalEvent['kind']) => events.filter((event) => event.kind === kind).map((event) => messageToText(event.payload));
  return { reply: texts('reply').join('\n'), posts: texts('post') };
}

/** The first reply to /cluster up must agree with the progress message about whether a host has room. */
describe.skipIf(!testRedisUrl())('/cluster up first reply (router, real Redis and queue, no workers)', () => {
  let bot: BotApp;
  beforeAll(() => {
    bot = webBot('upreply');
  });
  afterAll(async () => bot?.close());

  it('with nothing ahead, says it is next — not that it is already being built', async () => {
    const { reply } = await up(bot, 'U0FIRST');
    expect(reply).toContain('Your cluster is queued.');
    expect(reply).toContain('It is next');
    expect(reply).not.toContain('building it now');
  });

  it('while builds wait for a Docker host with room, says so instead of "building it now"', async () => {
    // What a worker leaves behind when no host has room: the build moved to delayed, retried every 5 s.
    await bot.services.queues.get('clusters').add('up', { attendee: 'U0WAITING', clusterId: '1', spec: {} }, { delay: 60_000 });
    await bot.services.queues.get('clusters').add('up', { attendee: 'U0WAITING2', clusterId: '2', spec: {} }, { delay: 60_000 });
    const { reply } = await up(bot, 'U0LATE');
    expect(reply).not.toContain('building it now');
    expect(reply).toContain('No Docker host has room right now: 2 builds are waiting for one, and yours waits behind them');
  });
});

describe.skipIf(!testRedisUrl())('/cluster up when no Docker host answers (router, real Redis, the pool measuring a dead host)', () => {
  it('says nothing can be built until a host answers, not "it is next"', async () => {
    const bot = webBot('updead', { DOCKER_HOSTS: 'tcp://127.0.0.1:1' });
    try {
      // Not measured yet: nothing is known against the host.
      expect((await up(bot, 'U0BEFORE')).reply).toContain('It is next');
      // What a worker's health check records: the host does not answer.
      const pool = new HostPool(
        connectDockerHosts(bot.config.dockerHosts),
        () => bot.services.store.redis,
        { maxClustersPerHost: 1, memoryShare: 0.8, cpuOvercommit: 4, deployment: 'test-updead', minFreeDiskBytes: 0 },
        silent,
      );
      await pool.start();
      const { reply } = await up(bot, 'U0AFTER');
      expect(reply).toContain('No Docker host answers right now, so nothing can be built yet. It starts as soon as one answers again');
      expect(reply).not.toContain('It is next');
    } finally {
      await bot.close();
    }
  });
});
