import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/free-port.js';
import { BROADCAST_TAG, broadcastWorkerOptions, REPORT_TAG } from '../../src/workshop/broadcast.js';
import { FakeSlack, SLACK_POST_LIMITS, scaledLimits } from '../support/fake-slack.js';
import { SERVE_START_MS } from '../support/processes.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';
import { until } from '../support/until.js';

const INSTRUCTOR = 'U0TEACH';
const ROOM = 'C0ROOM';
const ROOM_SIZE = 500;
/** Slack's limits, twice as fast (10 posts a second): slow enough that even a busy machine meets them. */
const SPEED_UP = 2;

/**
 * The real `workshop-bot serve` (Bolt's receiver and the queue workers in one process) against a
 * fake Slack that enforces chat.postMessage's limits with 429s; the bot is told it may post faster
 * than that, so it meets them. 500 attendees register by using a command, then one broadcast.
 */
describe.skipIf(!testRedisUrl())('/workshop broadcast --dm to a room of 500, through serve, within Slack limits', () => {
  let fake: FakeSlack;
  let serve: ChildProcess;
  let eventsUrl = '';
  let stderr = '';
  let sequence = 0;
  const attendees = Array.from({ length: ROOM_SIZE }, (_, i) => `U0A${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    fake = await new FakeSlack().start();
    fake.limit('chat.postMessage', scaledLimits(SLACK_POST_LIMITS, SPEED_UP));
    // users.info is Tier 4 (100+ a minute): display names arrive late for some, which must not matter.
    fake.limit('users.info', { workspace: { perSecond: (100 / 60) * SPEED_UP, burst: 20 } });
    for (const user of attendees) fake.addUser(user, { display_name: `attendee ${user}` });
    const port = await freePort();
    serve = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('serve-bc').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        CLUSTER_ISOLATION: 'shared',
        // Twice what the fake allows.
        BROADCAST_PER_MINUTE: String(SLACK_POST_LIMITS.workspace.perSecond * 60 * SPEED_UP * 2),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    serve.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    await until(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (response) => response.ok,
          () => false,
        ),
      SERVE_START_MS,
    );
  }, SERVE_START_MS + 30_000);
  afterAll(async () => {
    serve?.kill('SIGTERM');
    await fake?.stop();
  });

  async function slash(user: string, command: string, text = '') {
    const responseUrl = fake.responseUrl(`s${++sequence}`);
    const sent = await postSigned(eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command, text, user_id: user, channel_id: ROOM, response_url: responseUrl }),
    });
    return { ...sent, answer: () => fake.waitFor((call) => call.path === new URL(responseUrl).pathname, 15_000) };
  }

  it('acks at once, DMs every attendee exactly once, waits out the 429s, and reports to the instructor', async () => {
    for (let i = 0; i < attendees.length; i += 25) {
      await Promise.all(attendees.slice(i, i + 25).map(async (user) => (await slash(user, '/help')).answer()));
    }

    const started = await slash(INSTRUCTOR, '/workshop', 'broadcast --dm Exercise 4 (frameworks) starts now. Run `/cluster up` first!');
    expect(started.status).toBe(200);
    expect(started.elapsedMs).toBeLessThan(3000);
    expect(JSON.stringify((await started.answer()).body)).toContain(`Broadcasting to <#${ROOM}> and ${ROOM_SIZE} attendees by DM`);

    const isReport = () => fake.dmsTo(INSTRUCTOR).find((message) => message.metadata?.event_type === REPORT_TAG);
    await until(async () => isReport() !== undefined, 120_000, 200).catch(() => {
      throw new Error(`no report; serve said: ${stderr.slice(-2000)}`);
    });
    expect(isReport()!.text).toBe(`:white_check_mark: Broadcast delivered: all ${ROOM_SIZE + 1} sent`);

    const broadcasts = fake.messages.filter((message) => message.metadata?.event_type === BROADCAST_TAG);
    expect(broadcasts).toHaveLength(ROOM_SIZE + 1);
    expect(broadcasts.filter((message) => message.channel === ROOM)).toHaveLength(1);
    for (const user of attendees)
      expect(fake.dmsTo(user).filter((message) => message.metadata?.event_type === BROADCAST_TAG)).toHaveLength(1);

    const posts = fake.calls.filter((call) => call.method === 'chat.postMessage');
    const limited = posts.filter((call) => call.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Posts already under way when Slack said 429 cannot be called back (the worker holds at most
    // `concurrency`); nothing else may reach Slack until Retry-After has passed.
    const underWay = broadcastWorkerOptions({ broadcastPerMinute: 1 }).concurrency!;
    for (const refusal of limited) {
      const until = refusal.at + refusal.retryAfter! * 1000 - 50;
      expect(posts.filter((call) => call.at > refusal.at && call.at < until).length).toBeLessThanOrEqual(underWay);
    }
  }, 240_000);
});
