import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { say } from '../src/adapters/terminal/say.js';
import { createApp } from '../src/app.js';
import { MarathonClient } from '../src/clients/marathon.js';
import { MesosClient } from '../src/clients/mesos.js';
import { ZookeeperClient } from '../src/clients/zookeeper.js';
import { loadConfig } from '../src/config.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { startZookeeperServer } from '../src/local/zookeeper-server.js';
import { createLogger } from '../src/logger.js';
import { messageToText } from '../src/render/text.js';
import { startSimulatedCluster } from '../src/sim/cluster.js';
import { inWaves, RecordingHttpClient, recorder } from './recorded-calls.js';

/**
 * npm run bench:check — one attendee's full `/check frameworks --again` (every step checked, progress
 * recorded in Redis, the reply rendered) on a simulated five-agent cluster running Mesos
 * Elasticsearch, p50/p95 over 50 runs, against the floor: the same HTTP calls made directly with
 * undici, in the same waves (a call that needs another's answer waits for it), plus the same
 * ZooKeeper reads. Goal: at most 1.5× the floor, p95 under 1 s.
 */
const RUNS = 50;
const USER = 'U_BENCH';

const redis = await startRedisServer();
const zookeeper = await startZookeeperServer();
const cluster = await startSimulatedCluster({ agents: 5, taskStartDelayMs: 50, zookeeper: zookeeper.connectString });
const http = new RecordingHttpClient();
// The simulated cluster is attached and listens on loopback.
const bot = createApp(loadConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'silent', ATTACH_ALLOW: '127.0.0.0/8' }, 'local'), {
  log: createLogger('silent'),
  httpClient: (timeouts, options) => new RecordingHttpClient(timeouts, options),
});
const direct = new Agent({ connections: 8 });
try {
  await bot.services.clusters.attach(USER, {
    master: cluster.masterUrl,
    marathon: cluster.marathonUrl,
    agents: cluster.agentUrls,
    zookeeper: zookeeper.connectString,
  });
  // Asked for 6 nodes on 5 agents: 5 run, one per agent, so every step of the exercise holds at once.
  const scheduler = JSON.parse(bot.services.checks.find('frameworks').files.marathon[0]!.text.replace('"1"', '"6"')) as object;
  await new MarathonClient(http, cluster.marathonUrl).createApp(scheduler);
  const mesos = new MesosClient(http, { masterUrl: cluster.masterUrl });
  for (;;) {
    const es = (await mesos.state()).frameworks.find((framework) => framework.name === 'elasticsearch');
    if (es?.tasks.filter((task) => task.state === 'TASK_RUNNING').length === 5) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const check = async (): Promise<string> => {
    const [reply] = await say(bot, '/check frameworks --again', { user: USER });
    return messageToText(reply!.payload);
  };
  const first = await check();
  if (!first.includes('7 of 7 steps done')) throw new Error(`the cluster is not what the bench expects:\n${first}`);
  recorder.calls = [];
  await check();
  const waves = inWaves(recorder.calls);
  recorder.calls = undefined;

  /** The floor: each wave's calls at once, waves one after the other, with the ZooKeeper reads alongside. */
  const floor = async (): Promise<void> => {
    const zk = (async () => {
      const client = await ZookeeperClient.connect(zookeeper.connectString);
      try {
        if (await client.exists('/elasticsearch/mesos-ha')) await client.children('/elasticsearch/mesos-ha');
      } finally {
        client.close();
      }
    })();
    for (const wave of waves)
      await Promise.all(
        wave.map(async (url) => {
          const response = await request(url, { dispatcher: direct });
          await response.body.text();
        }),
      );
    await zk;
  };

  // Floor and check alternate run by run (each first in turn), so a shared machine's load weighs on both alike.
  const floorSamples: number[] = [];
  const checkSamples: number[] = [];
  const timed = async (work: () => Promise<unknown>, samples: number[]) => {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  };
  for (let run = 0; run < 5; run++) await Promise.all([floor(), check()]); // warm both paths up
  for (let run = 0; run < RUNS; run++) {
    if (run % 2 === 0) await timed(floor, floorSamples).then(() => timed(check, checkSamples));
    else await timed(check, checkSamples).then(() => timed(floor, floorSamples));
  }
  floorSamples.sort((a, b) => a - b);
  checkSamples.sort((a, b) => a - b);
  const percentile = (samples: number[], p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const row = (name: string, samples: number[]) =>
    `${name.padEnd(10)} p50 ${fmt(percentile(samples, 50))}  p95 ${fmt(percentile(samples, 95))}  max ${fmt(samples.at(-1)!)}`;
  const ratio = (p: number) => percentile(checkSamples, p) / percentile(floorSamples, p);
  console.log(`/check frameworks (7 steps) on a simulated 5-agent cluster with Mesos Elasticsearch, ${RUNS} runs each`);
  console.log(
    `HTTP calls per check: ${waves.flat().length} in ${waves.length} waves (${waves.map((wave) => wave.length).join(' + ')}), plus a ZooKeeper session`,
  );
  console.log(row('/check', checkSamples));
  console.log(row('floor', floorSamples));
  const met = ratio(50) <= 1.5 && percentile(checkSamples, 95) < 1000;
  console.log(`ratio      p50 ${ratio(50).toFixed(2)}×  p95 ${ratio(95).toFixed(2)}×`);
  console.log(`goal: p50 at most 1.5× the floor, p95 under 1 s: ${met ? 'met' : 'NOT met'}`);
} finally {
  await bot.close();
  await direct.close();
  await cluster.stop();
  await zookeeper.stop();
  await redis.stop();
}
