import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { freePort } from '../src/local/free-port.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { BROADCAST_TAG, REPORT_TAG } from '../src/workshop/broadcast.js';
import { FakeSlack, SLACK_POST_LIMITS, scaledLimits } from '../test/support/fake-slack.js';
import { postSigned, slashCommandBody } from '../test/support/slack-requests.js';

/**
 * npm run bench:broadcast [-- --attendees N --speed-up F --runs R]
 * `/workshop broadcast --dm` to N registered attendees through the real `workshop-bot serve`, against
 * a fake Slack enforcing chat.postMessage's limits (Slack's, F times faster), timed from the command
 * to the instructor's delivery report. The ideal is the least time those limits allow for the same
 * posts (the room's channel, N DMs, the report), starting with a full burst. Goal: at most 1.2×.
 */
const { values } = parseArgs({
  options: {
    attendees: { type: 'string', default: '500' },
    'speed-up': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const attendeeCount = Number(values.attendees);
const speedUp = Number(values['speed-up']);
const runs = Number(values.runs);
const limits = scaledLimits(SLACK_POST_LIMITS, speedUp);
const SECRET = 'bench-signing-secret';
const INSTRUCTOR = 'U0TEACH';
const ROOM = 'C0ROOM';

const redis = await startRedisServer();
const fake = await new FakeSlack().start();
const attendees = Array.from({ length: attendeeCount }, (_, i) => `U0B${String(i).padStart(5, '0')}`);
for (const user of attendees) fake.addUser(user, { display_name: `attendee ${user}` });
const port = await freePort();
const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
const serve: ChildProcess = spawn(process.execPath, ['dist/src/cli/main.js', 'serve'], {
  env: {
    ...process.env,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    REDIS_URL: redis.url,
    WORKSHOP_KEY_PREFIX: 'bench-broadcast',
    INSTRUCTORS: INSTRUCTOR,
    CLUSTER_ISOLATION: 'shared',
    // The deployment is told the workspace's limit, as it would be told Slack's.
    BROADCAST_PER_MINUTE: String(limits.workspace.perSecond * 60),
    LOG_LEVEL: 'error',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

let sequence = 0;
async function slash(user: string, command: string, text = ''): Promise<void> {
  const id = `b${++sequence}`;
  const body = slashCommandBody({ command, text, user_id: user, channel_id: ROOM, response_url: fake.responseUrl(id) });
  const sent = await postSigned(eventsUrl, { secret: SECRET, contentType: 'application/x-www-form-urlencoded', body });
  if (sent.status !== 200) throw new Error(`${command} ${text}: HTTP ${sent.status}`);
  await fake.waitFor((call) => call.path === `/response/${id}`, 30_000);
}

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

try {
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.stderr.write(`registering ${attendeeCount} attendees (each runs /help)…\n`);
  for (let i = 0; i < attendees.length; i += 25) await Promise.all(attendees.slice(i, i + 25).map((user) => slash(user, '/help')));
  fake.limit('chat.postMessage', limits);

  const posts = attendeeCount + 2; // the room, every attendee, the report
  const idealMs = (Math.max(0, posts - limits.workspace.burst) / limits.workspace.perSecond) * 1000;
  const ratios: number[] = [];
  for (let run = 1; run <= runs; run++) {
    // A full burst to start from, as the ideal assumes.
    await new Promise((resolve) => setTimeout(resolve, (limits.workspace.burst / limits.workspace.perSecond) * 1000 + 100));
    const reportsBefore = fake.dmsTo(INSTRUCTOR).filter((message) => message.metadata?.event_type === REPORT_TAG).length;
    const callsBefore = fake.calls.length;
    const started = Date.now();
    await slash(INSTRUCTOR, '/workshop', `broadcast --dm Run ${run}: exercise 3 starts now`);
    const report = await waitFor(
      () => fake.dmsTo(INSTRUCTOR).filter((message) => message.metadata?.event_type === REPORT_TAG)[reportsBefore],
      10 * idealMs + 60_000,
    );
    const totalMs = report.at - started;
    const calls = fake.calls.slice(callsBefore).filter((call) => call.method === 'chat.postMessage');
    const delivered = fake.messages.filter((message) => message.metadata?.event_type === BROADCAST_TAG && message.at >= started).length;
    ratios.push(totalMs / idealMs);
    console.log(
      `run ${run}: ${delivered} broadcast posts + report in ${seconds(totalMs)}; ideal ${seconds(idealMs)}; ${(totalMs / idealMs).toFixed(2)}×; ${calls.filter((call) => call.status === 429).length} answered 429`,
    );
  }
  const ratio = median(ratios);
  console.log(
    `broadcast to ${attendeeCount} attendees by DM, Slack's chat.postMessage limits ×${speedUp} (workspace ${limits.workspace.perSecond}/s, burst ${limits.workspace.burst}; ${limits.perChannel!.perSecond}/s per channel)`,
  );
  console.log(`median ${ratio.toFixed(2)}× the rate-limit ideal over ${runs} runs; goal ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'NOT met'}`);
} finally {
  serve.kill('SIGTERM');
  await fake.stop();
  await redis.stop();
}
