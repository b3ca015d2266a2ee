import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { Redis } from 'ioredis';
import { createSlackAdapter } from '../src/adapters/slack/app.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { freePort } from '../src/local/free-port.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { startZookeeperServer } from '../src/local/zookeeper-server.js';
import { createLogger } from '../src/logger.js';
import { type SimulatedCluster, startSimulatedCluster } from '../src/sim/cluster.js';
import { startBackgroundWork } from '../src/worker.js';
import { REPORT_TAG } from '../src/workshop/broadcast.js';
import { SUMMARY_TAG } from '../src/workshop/checkins.js';
import { FakeSlack, type RecordedCall } from '../test/support/fake-slack.js';
import { eventBody, postSigned, slashCommandBody } from '../test/support/slack-requests.js';

/**
 * npm run bench:soak [-- --cycles N --attendees A --concurrency C]
 * A workshop day, compressed: the real bot in this process (`serve`'s Slack adapter over HTTP, its
 * in-process workers, a private Redis and ZooKeeper, the fake Slack) goes through N cycles of a
 * workshop hour. Each cycle A attendees attach simulated clusters on fresh ports (new origins),
 * run /check, /state (over ZooKeeper too) and /faq, the instructor sweeps check-ins and broadcasts,
 * board pages open their event stream and close (some before it is even answered), App Home tabs
 * open; then every cluster is detached and stopped. After each cycle, once the bot has been idle a
 * few seconds and after a full GC: heap used, open handles by type, sockets, Redis clients. A leak is
 * what keeps growing from cycle 2 on; a cache that plateaus is not one. Needs node --expose-gc.
 */
const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '20' },
    attendees: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '6' },
  },
});
const cycles = Number(values.cycles);
const attendeeCount = Number(values.attendees);
const concurrency = Number(values.concurrency);
const SECRET = 'soak-signing-secret-0123456789abcdef';
const INSTRUCTOR = 'U0TEACH';
const ROOM = 'C0ROOM';
const EXERCISE = 'mesos-ui';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:soak does)');

const redis = await startRedisServer();
const zookeeper = await startZookeeperServer();
const fake = await new FakeSlack().start();
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const config = loadConfig(
  {
    SLACK_BOT_TOKEN: 'xoxb-soak',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    REDIS_URL: redis.url,
    WORKSHOP_KEY_PREFIX: 'soak',
    INSTRUCTORS: INSTRUCTOR,
    ATTACH_ALLOW: '127.0.0.0/8',
    CLUSTER_ISOLATION: 'shared',
    CHECKIN_STUCK_MINUTES: '240',
    BROADCAST_PER_MINUTE: '60000',
    LOG_LEVEL: 'silent',
  },
  'slack',
);
const bot = createApp(config, { log: createLogger('silent'), homeThrottleMs: 100 });
const adapter = createSlackAdapter(bot, { retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 } });
await adapter.start();
const workers = await startBackgroundWork(bot);
const watcher = new Redis(redis.url);
const attendees = Array.from({ length: attendeeCount }, (_, i) => `U0S${String(i).padStart(5, '0')}`);
for (const user of [INSTRUCTOR, ...attendees]) fake.addUser(user, { display_name: `person ${user}` });

let sequence = 0;
/**
 * A signed slash command through Bolt's receiver, done when its answer has come: the reply on its
 * response_url, or (`threaded`: /state, which answers in the room) the thread about the invoker.
 */
async function slash(user: string, command: string, text = '', threaded = false): Promise<void> {
  const id = `s${++sequence}`;
  const before = fake.calls.length;
  const body = slashCommandBody({ command, text, user_id: user, channel_id: ROOM, response_url: fake.responseUrl(id) });
  const sent = await postSigned(`${baseUrl}/slack/events`, { secret: SECRET, contentType: 'application/x-www-form-urlencoded', body });
  if (sent.status !== 200) throw new Error(`${command} ${text}: HTTP ${sent.status}`);
  const answered = threaded
    ? (call: RecordedCall) =>
        call.method === 'chat.postMessage' &&
        typeof call.body.thread_ts === 'string' &&
        String(call.body.text).includes(user) &&
        fake.calls.indexOf(call) >= before
    : (call: RecordedCall) => call.path === `/response/${id}`;
  await fake.waitFor(answered, 30_000).catch(() => {
    throw new Error(`${user}'s ${command} ${text} got no answer within 30 s`);
  });
}

async function homeOpened(user: string): Promise<void> {
  const body = eventBody({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(Date.now() / 1000) });
  const sent = await postSigned(`${baseUrl}/slack/events`, { secret: SECRET, contentType: 'application/json', body });
  if (sent.status !== 200) throw new Error(`app_home_opened: HTTP ${sent.status}`);
}

/** A projector or a phone: the page, then its stream until the first board arrives, then closed. */
async function boardVisit(token: string): Promise<void> {
  const page = await fetch(`${baseUrl}/board/${token}`);
  await page.text();
  if (page.status !== 200) throw new Error(`board page: HTTP ${page.status}`);
  const closing = new AbortController();
  const events = await fetch(`${baseUrl}/board/${token}/events`, { signal: closing.signal });
  const reader = events.body!.getReader();
  let seen = '';
  while (!seen.includes('event: board')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('board stream ended before the board');
    seen += Buffer.from(value).toString('utf8');
  }
  closing.abort();
  await reader.cancel().catch(() => {});
}

/** A phone that closes the tab before the stream is even answered. */
async function boardDropped(token: string): Promise<void> {
  const closing = new AbortController();
  const events = fetch(`${baseUrl}/board/${token}/events`, { signal: closing.signal });
  closing.abort();
  await events.catch(() => {});
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    for (let index = next++; index < items.length; index = next++) await work(items[index]!);
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
}

async function hour(): Promise<void> {
  const clusters = new Map<string, SimulatedCluster>();
  for (const user of attendees) clusters.set(user, await startSimulatedCluster({ agents: 1, zookeeper: zookeeper.connectString }));
  try {
    await inParallel(attendees, async (user) => {
      const cluster = clusters.get(user)!;
      await slash(
        user,
        '/cluster',
        `attach master=${cluster.masterUrl} marathon=${cluster.marathonUrl} zookeeper=${zookeeper.connectString}`,
      );
      await slash(user, '/check', '--again');
      await slash(user, '/state', 'tasks', true);
      await slash(user, '/state', 'leader', true);
      await slash(user, '/faq', 'how do I see the Mesos UI?');
      await slash(user, '/check');
    });
    const token = await bot.services.boardLink.token();
    await instructorWaitsFor(SUMMARY_TAG, () => slash(INSTRUCTOR, '/workshop', 'checkins now'));
    await Promise.all([
      inParallel(attendees.slice(0, 10), () => boardVisit(token)),
      inParallel(attendees.slice(0, 5), () => boardDropped(token)),
      inParallel(attendees.slice(0, 10), homeOpened),
    ]);
    await instructorWaitsFor(REPORT_TAG, () => slash(INSTRUCTOR, '/workshop', 'broadcast --dm Break: back in ten minutes.'));
    await instructorWaitsFor(SUMMARY_TAG, () => slash(INSTRUCTOR, '/workshop', 'checkins now'));
    await inParallel(attendees, (user) => slash(user, '/cluster', 'detach'));
  } finally {
    for (const cluster of clusters.values()) await cluster.stop();
  }
}

/** Runs `command` and waits for the DM it ends with (a check-in summary, a broadcast's delivery report). */
async function instructorWaitsFor(tag: string, command: () => Promise<void>): Promise<void> {
  const tagged = () => fake.dmsTo(INSTRUCTOR).filter((message) => message.metadata?.event_type === tag).length;
  const before = tagged();
  await command();
  const deadline = Date.now() + 60_000;
  while (tagged() === before) {
    if (Date.now() > deadline) throw new Error(`no ${tag} DM within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function redisClients(): Promise<number> {
  const list = (await watcher.client('LIST')) as string;
  return list.trim().split('\n').length - 1; // not the watcher's own
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const rows: string[] = [];
try {
  await slash(INSTRUCTOR, '/workshop', `start ${EXERCISE}`);
  console.log(`soak: ${cycles} cycles of ${attendeeCount} attendees, ${concurrency} at a time (node ${process.version})`);
  console.log('cycle  seconds  heap MB  handles  sockets  timers  fds  redis clients  http pools  handle types');
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const started = Date.now();
    await hour();
    // What the fake Slack recorded (calls, posted messages) is the bench's memory, not the bot's.
    fake.calls.length = 0;
    fake.messages.length = 0;
    // Idle long enough for keep-alive sockets (undici: 4 s) and the board's settle timers to end.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    gc();
    gc();
    const counts = handles();
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const row = [
      String(cycle).padStart(5),
      ((Date.now() - started) / 1000).toFixed(1).padStart(7),
      (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1).padStart(8),
      String(total).padStart(8),
      String(counts.TCPSocketWrap ?? 0).padStart(8),
      String(counts.Timeout ?? 0).padStart(7),
      String(readdirSync('/proc/self/fd').length).padStart(4),
      String(await redisClients()).padStart(14),
      String(bot.services.access.origins().length).padStart(11),
      ` ${JSON.stringify(counts)}`,
    ].join('  ');
    rows.push(row);
    if (process.env.SOAK_SNAPSHOTS) writeHeapSnapshot(`${process.env.SOAK_SNAPSHOTS}/cycle-${cycle}.heapsnapshot`);
    console.log(row);
  }
} finally {
  await adapter.stop();
  await Promise.all(workers.map((worker) => worker.close()));
  await bot.close();
  watcher.disconnect();
  await fake.stop();
  await zookeeper.stop();
  await redis.stop();
}
