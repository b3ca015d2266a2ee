import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { cpuMsSince } from '../support/cpu-time.js';
import { testRedisUrl, testZookeeper, uniquePrefix, zookeeperChroot } from '../support/services.js';

const needs = testRedisUrl() && testZookeeper();
const GENERIC = 'something went wrong on my side';

/** What an attendee who types hostile things sees, through the real router, Redis and a simulated cluster. */
describe.skipIf(!needs)('hostile command lines (router, real Redis, simulated cluster)', () => {
  let bot: BotApp;
  let cluster: SimulatedCluster;
  const user = 'U0HOSTILE';

  beforeAll(async () => {
    // Its own chroot, so its master never leads another test file's /mesos.
    cluster = await startSimulatedCluster({ zookeeper: await zookeeperChroot('hostile'), taskStartDelayMs: 50 });
    const config = loadConfig(
      {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('hostile').slice(0, -1),
        LOG_LEVEL: 'silent',
        ATTACH_ALLOW: '127.0.0.0/8',
      },
      'local',
    );
    bot = createApp(config, { log: createLogger('silent', { pretty: false }) });
    await bot.services.clusters.attach(user, { master: cluster.masterUrl, marathon: cluster.marathonUrl, zookeeper: cluster.zookeeper! });
  });
  afterAll(async () => {
    await bot?.close();
    await cluster?.stop();
  });

  async function run(command: string, text: string): Promise<string> {
    const events: TerminalEvent[] = [];
    await bot.router.dispatch({ user, channel: 'C1', command, text }, new TerminalResponder('C1', (event) => events.push(event)));
    return events.map((event) => messageToText(event.payload)).join('\n');
  }

  /** Presses a button; what the bot sent, as its payloads. */
  async function press(actionId: string, value: string): Promise<TerminalEvent[]> {
    const events: TerminalEvent[] = [];
    await bot.router.dispatchAction({ user, channel: 'C1', actionId, value }, new TerminalResponder('C1', (event) => events.push(event)));
    return events;
  }
  const shownText = (events: TerminalEvent[]) => events.map((event) => messageToText(event.payload)).join('\n');

  it.each([
    ['.', '.'],
    ['..', '..'],
    ['//', '//'],
    ['/a/../b', '/a/../b'],
    ['/mesos/./x', '/mesos/./x'],
    ['a', 'a'],
    ['/a\u0001b', '/a\\u0001b'],
    ['/mesos/', '/mesos/'],
  ])('/state zk %j explains what a znode path looks like', async (path, shown) => {
    const reply = await run('state', `zk "${path}"`);
    expect(reply).not.toContain(GENERIC);
    expect(reply).toContain(`"${shown}" is not a znode path`);
    expect(reply).toContain('/mesos');
  });

  it('/state zk with a 10,000-character path refuses it without echoing it whole', async () => {
    const reply = await run('state', `zk /${'x'.repeat(10_000)}`);
    expect(reply).not.toContain(GENERIC);
    expect(reply).toContain('is not a znode path');
    expect(reply.length).toBeLessThan(1000);
  });

  it('/check with a right-to-left override in the exercise name repeats it visibly, not reversing the rest of the answer', async () => {
    const reply = await run('check', 'marathon\u202E.exe');
    expect(reply).not.toContain(GENERIC);
    expect(reply).toContain('"marathon\\u202e.exe"');
    expect(reply).not.toContain('\u202E');
  });

  it.each([
    'null',
    '5',
    '[]',
    JSON.stringify({ o: user, e: ['minimesos-basics'], s: 1 }),
    JSON.stringify({ o: '<!channel>', e: 'minimesos-basics' }),
    JSON.stringify({ e: 'minimesos-basics' }),
  ])('a /check button whose value was tampered with (%s) says it is out of date, never the generic apology', async (value) => {
    const reply = shownText(await press('check.again', value));
    expect(reply).toBe(':warning: That button is from an older version of me.\nRun `/check` for a fresh result.');
  });

  it.each(['cluster.up', 'cluster.down'])(
    'a Home %s button whose owner was tampered into markup says it is out of date, and mentions nobody',
    async (actionId) => {
      const sent = JSON.stringify((await press(actionId, 'U0X> <!channel')).map((event) => event.payload));
      expect(sent).toContain('That button is from an older version of me.');
      expect(sent).not.toContain('<!channel');
      expect((await bot.services.clusters.get(user))?.status).toBe('ready');
    },
  );

  it('/state zk with a path ZooKeeper accepts still reads the tree', async () => {
    const reply = await run('state', 'zk /mesos');
    expect(reply).toContain('ZooKeeper under /mesos');
  });

  it.each(['--__proto__', '--constructor', '--toString', '--hasOwnProperty=1', '__proto__=x', 'constructor=x'])(
    '/cluster up %s is refused by name, never a generic error',
    async (flag) => {
      const reply = await run('cluster', `up ${flag}`);
      expect(reply).not.toContain(GENERIC);
      expect(reply).toMatch(/Unknown option "--|I don't understand|already have a cluster/);
    },
  );

  it.each(['--__proto__', '--constructor x', '--toString'])('/cluster state %s names the unknown option', async (flag) => {
    const reply = await run('cluster', `state ${flag}`);
    expect(reply).not.toContain(GENERIC);
    expect(reply).toContain('Unknown option "--');
  });

  it.each(['cluster.__proto__', 'cluster.constructor', 'faq.toString', 'faq.hasOwnProperty', '__proto__.x', 'constructor.constructor'])(
    'a button with action id %s answers that it does nothing here',
    async (actionId) => {
      expect(shownText(await press(actionId, 'x'))).toContain('That button no longer does anything here.');
    },
  );

  it('refuses a 1 MB command text before parsing it, saying how much is allowed', async () => {
    const text = `install ${'{"id": "x", '.repeat(100_000)}`;
    const started = process.cpuUsage();
    const reply = await run('cluster', text);
    expect(cpuMsSince(started)).toBeLessThan(500);
    expect(reply).toMatch(/That command is \d+ KB long; I read at most \d+ KB/);
    expect(reply.length).toBeLessThan(1000);
  });

  it.each([
    ['cluster', `${'z'.repeat(50_000)}`],
    ['cluster', `up --${'n'.repeat(50_000)}`],
    ['cluster', `up --agents ${'9'.repeat(50_000)}`],
    ['cluster', `up ${'w'.repeat(50_000)}`],
    ['cluster', `up --mesos ${'1'.repeat(50_000)}`],
    ['state', `marathon ${'x'.repeat(50_000)}`],
    ['help', `${'h'.repeat(50_000)}`],
    [`${'c'.repeat(50_000)}`, ''],
  ])('a reply that quotes a huge input stays short (case %#)', async (command, text) => {
    const reply = await run(command, text);
    expect(reply).not.toContain(GENERIC);
    expect(reply.length).toBeLessThan(2000);
  });

  it.each([
    ['a property named constructor', 'minimesos {\n  constructor = 1\n  agent {\n  }\n}', "'constructor' is not a property of minimesos"],
    ['a block named toString', 'minimesos {\n  toString {\n  }\n}', "Block 'toString' not supported"],
    [
      'a resource block named __proto__',
      'minimesos {\n  agent {\n    resources {\n      __proto__ {\n      }\n    }\n  }\n}',
      "Block '__proto__' not supported",
    ],
    [
      'an agent property named hasOwnProperty',
      'minimesos {\n  agent {\n    hasOwnProperty = 2\n  }\n}',
      "'hasOwnProperty' is not a property of agent",
    ],
  ])('a pasted minimesosFile with %s gets its line and what is wrong', async (_what, file, expected) => {
    const reply = await run('cluster', `up \`\`\`${file}\`\`\``);
    expect(reply).not.toContain(GENERIC);
    expect(reply).toContain(expected);
  });

  it('limits --name to what a minimesos cluster name may be, saying why', async () => {
    const reply = await run('cluster', `up --name ${'n'.repeat(200)}`);
    expect(reply).toContain('A cluster name may be at most 63 characters');
    const control = await run('cluster', 'up --name "a\u0007b"');
    expect(control).toContain('A cluster name may be at most 63 characters');
  });
});
