import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { createApp } from '../src/app.js';
import { CURRENT_EXERCISE_KEY, type PreparedCheck } from '../src/checks/service.js';
import { loadConfig } from '../src/config.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { createLogger } from '../src/logger.js';
import { startWorkers } from '../src/queue/queues.js';
import { type SimulatedCluster, startSimulatedCluster } from '../src/sim/cluster.js';
import { checkinWork } from '../src/worker.js';
import { SUMMARY_TAG } from '../src/workshop/checkins.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { inWaves, RecordingHttpClient, recorder } from './recorded-calls.js';

/**
 * npm run bench:checkin [-- --attendees N --clusters K --concurrency C --runs R --latency MS]
 * One check-in sweep (`/workshop checkins now`) of N attendees on K simulated clusters, through the
 * `checkins` queue and an in-process worker checking C at a time, timed from the command to the
 * instructor's summary; against the floor: the same HTTP calls made directly with undici, C
 * attendees at a time, each attendee's calls in the same waves (a call that needs another's answer
 * waits for it). Every sweep checks every step (passes are reset before it) and nobody is stuck
 * (no nudges: those are paced Slack posts, not checks). Goal: at most 1.5× the floor. `--latency`
 * delays every answer of the simulated clusters (default 0: in-process answers in well under a
 * millisecond), as a network and a busy Mesos master would: the same fixed costs then weigh less.
 */
const { values } = parseArgs({
  options: {
    attendees: { type: 'string', default: '200' },
    clusters: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '10' },
    runs: { type: 'string', default: '7' },
    latency: { type: 'string', default: '0' },
  },
});
const attendeeCount = Number(values.attendees);
const clusterCount = Number(values.clusters);
const concurrency = Number(values.concurrency);
const runs = Number(values.runs);
const latencyMs = Number(values.latency);
const EXERCISE = 'mesos-ui';
const INSTRUCTOR = 'U0TEACH';

const redis = await startRedisServer();
const fake = await new FakeSlack().start();
const clusters: SimulatedCluster[] = [];
const bot = createApp(
  loadConfig(
    {
      REDIS_URL: redis.url,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_API_URL: fake.apiUrl,
      INSTRUCTORS: INSTRUCTOR,
      LOG_LEVEL: 'silent',
      ATTACH_ALLOW: '127.0.0.0/8',
      CHECKIN_CONCURRENCY: String(concurrency),
      CHECKIN_STUCK_MINUTES: '240',
      // A sweep ends with the instructor's summary, a DM paced like every DM (one per 200 ms by default).
      // Sweeps of a room are minutes apart; run back to back here, each summary would wait out the
      // previous run's pacing, which is Slack's limit, not check work (this fake Slack enforces none).
      BROADCAST_PER_MINUTE: '60000',
    },
    'local',
  ),
  { log: createLogger('silent'), httpClient: (timeouts, options) => new RecordingHttpClient(timeouts, options) },
);
const direct = new Agent({ connections: concurrency * 2 });
const workers = startWorkers(bot.config.redisUrl, bot.config.keyPrefix, { checkins: checkinWork(bot) }, bot.services.log);
try {
  const { services } = bot;
  for (let i = 0; i < clusterCount; i++) clusters.push(await startSimulatedCluster({ agents: 1, responseDelayMs: latencyMs }));
  const attendees = Array.from({ length: attendeeCount }, (_, i) => `U0C${String(i).padStart(5, '0')}`);
  const clusterOf = (index: number) => clusters[index % clusters.length]!;
  for (const [index, user] of attendees.entries()) {
    const cluster = clusterOf(index);
    await services.attendees.register(user);
    await services.clusters.attach(user, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
  }
  await services.store.redis.set(CURRENT_EXERCISE_KEY, EXERCISE);
  const forget = () => Promise.all(attendees.map((user) => services.checks.progress.resetPasses(user, EXERCISE)));

  // One check per cluster, recorded: the waves of calls an attendee's check makes there.
  const waves: string[][][] = [];
  for (const [index] of clusters.entries()) {
    recorder.calls = [];
    const result = await services.checks.checkAttendee(attendees[index]!, EXERCISE, { again: true });
    if (result.passed !== 3)
      throw new Error(`the simulated cluster is not what the bench expects: ${result.passed} of ${result.total} pass`);
    waves.push(inWaves(recorder.calls));
    recorder.calls = undefined;
  }

  const sweep = async (): Promise<void> => {
    const before = fake.dmsTo(INSTRUCTOR).filter((message) => message.metadata?.event_type === SUMMARY_TAG).length;
    await services.checkins.sweepNow(INSTRUCTOR);
    for (;;) {
      if (fake.dmsTo(INSTRUCTOR).filter((message) => message.metadata?.event_type === SUMMARY_TAG).length > before) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  /** The check engine alone, as /check runs it (progress in Redis), `concurrency` at a time: no queue, no summary. */
  const engine = async (): Promise<void> => {
    let next = 0;
    const runner = async () => {
      for (let index = next++; index < attendees.length; index = next++) await services.checks.checkAttendee(attendees[index]!, EXERCISE);
    };
    await Promise.all(Array.from({ length: concurrency }, runner));
  };
  /** The same checks' HTTP calls and verdicts only: what each attendee starts from is read before the clock starts, nothing is recorded. */
  let prepared: Map<string, PreparedCheck> = new Map();
  const exercise = services.checks.find(EXERCISE);
  const probes = async (): Promise<void> => {
    let next = 0;
    const runner = async () => {
      for (let index = next++; index < attendees.length; index = next++)
        await services.checks.probe(attendees[index]!, exercise, prepared.get(attendees[index]!)!);
    };
    await Promise.all(Array.from({ length: concurrency }, runner));
  };
  const prepare = async () => {
    prepared = await services.checks.prepare(attendees, exercise);
  };
  /** The floor: `concurrency` attendees at a time, each one's waves in order, each wave's calls at once. */
  const floor = async (): Promise<void> => {
    let next = 0;
    const runner = async () => {
      for (let index = next++; index < attendees.length; index = next++) {
        for (const wave of waves[index % clusters.length]!) {
          await Promise.all(
            wave.map(async (url) => {
              const response = await request(url, { dispatcher: direct });
              await response.body.text();
            }),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runner));
  };
  const measure = async (work: () => Promise<void>, setup?: () => Promise<void>) => {
    await forget();
    await setup?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await work();
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };

  // Warm both paths up: the first sweeps run cold code (JIT), as the first /check of a day does.
  for (let run = 0; run < 3; run++) {
    await measure(sweep);
    await measure(engine);
    await measure(floor);
    await measure(probes, prepare);
  }
  const sweeps: Array<{ ms: number; cpuMs: number }> = [];
  const floors: Array<{ ms: number; cpuMs: number }> = [];
  const engines: Array<{ ms: number; cpuMs: number }> = [];
  const probeRuns: Array<{ ms: number; cpuMs: number }> = [];
  // Floor and sweep alternate run by run (each first in turn), so a shared machine's load weighs on both alike.
  for (let run = 0; run < runs; run++) {
    if (run % 2 === 0) {
      floors.push(await measure(floor));
      sweeps.push(await measure(sweep));
    } else {
      sweeps.push(await measure(sweep));
      floors.push(await measure(floor));
    }
    engines.push(await measure(engine));
    probeRuns.push(await measure(probes, prepare));
    console.log(
      `run ${run + 1}: sweep ${fmt(sweeps.at(-1)!.ms)} (CPU ${fmt(sweeps.at(-1)!.cpuMs)}), floor ${fmt(floors.at(-1)!.ms)} (CPU ${fmt(floors.at(-1)!.cpuMs)})`,
    );
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const sweepMs = median(sweeps.map((sample) => sample.ms));
  const floorMs = median(floors.map((sample) => sample.ms));
  const cpu = (samples: Array<{ ms: number; cpuMs: number }>) => {
    const cpuMs = median(samples.map((sample) => sample.cpuMs));
    return `${fmt(cpuMs)} (${Math.round((cpuMs / median(samples.map((sample) => sample.ms))) * 100)} % of one core)`;
  };
  const calls = waves[0]!.flat().length;
  console.log(
    `check-in sweep of ${attendeeCount} attendees on ${clusterCount} simulated clusters answering after ${latencyMs} ms, ${concurrency} at a time; ${calls} HTTP calls per attendee in ${waves[0]!.length} waves (${waves[0]!.map((wave) => wave.length).join(' + ')})`,
  );
  console.log(`sweep  median ${fmt(sweepMs)}  CPU ${cpu(sweeps)}  (command → summary: queue, checks, progress in Redis, the summary DM)`);
  console.log(
    `engine median ${fmt(median(engines.map((sample) => sample.ms)))}  CPU ${cpu(engines)}  (the same checks through CheckService directly: no queue)`,
  );
  console.log(
    `probes median ${fmt(median(probeRuns.map((sample) => sample.ms)))}  CPU ${cpu(probeRuns)}  (the same checks' HTTP calls and verdicts only: no Redis, no queue)`,
  );
  console.log(`floor  median ${fmt(floorMs)}  CPU ${cpu(floors)}  (the same HTTP calls with undici)`);
  console.log(`CPU counts this process: the bot, its worker and the ${clusterCount} simulated clusters alike`);
  const ratio = sweepMs / floorMs;
  console.log(`ratio ${ratio.toFixed(2)}× the floor over ${runs} runs; goal ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
} finally {
  await Promise.all(workers.map((worker) => worker.close()));
  await bot.close();
  await direct.close();
  for (const cluster of clusters) await cluster.stop();
  await fake.stop();
  await redis.stop();
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
