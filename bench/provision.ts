import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { specFromFlags } from '../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../src/config.js';
import { sharedEngine } from '../src/docker/cluster-engine.js';
import { DindEngines } from '../src/docker/dind.js';
import { CONTAINER_LIMITS, containerOptions, engineLimits, removeCluster } from '../src/docker/docker-backend.js';
import { parseDockerHosts } from '../src/docker/host-address.js';
import { connectDockerHosts, type DockerHost } from '../src/docker/hosts.js';
import { localImage } from '../src/docker/image-names.js';
import { DEPLOYMENT_KEY, LABELS } from '../src/docker/labels.js';
import { buildLocalImages } from '../src/docker/local-images.js';
import { clusterRoles } from '../src/docker/roles.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { createLogger } from '../src/logger.js';
import { startBackgroundWork } from '../src/worker.js';

/**
 * npm run bench:provision -- [--isolation shared|dind] --clusters K
 * K clusters requested at once through the queue (to all ready), against the floor: creating and
 * starting the same containers (in dind, the same attendee engines first) directly with dockerode,
 * all in parallel, with no health waits. In dind also a warm run: K attendees at once with K warm
 * clusters waiting, each timed from /cluster up to its master answering.
 */
const { values } = parseArgs({
  options: {
    isolation: { type: 'string', default: 'shared' },
    clusters: { type: 'string', default: '10' },
    agents: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
  },
});
const isolation = values.isolation === 'dind' ? 'dind' : 'shared';
if (values.isolation !== isolation) throw new Error(`--isolation must be shared or dind, not ${values.isolation}`);
const count = Number(values.clusters);
const agents = Number(values.agents);
const runs = Number(values.runs);
const [host] = connectDockerHosts(parseDockerHosts(undefined)) as [DockerHost];
const docker = host.docker;
/** Everything this benchmark creates carries this deployment label, so an interrupted run is cleaned up by the next. */
const DEPLOYMENT = 'bench';
await buildLocalImages(docker);
await removeDeployment();

async function removeDeployment(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.deployment}=${DEPLOYMENT}`] } });
  await Promise.all(
    [...new Set(containers.map((container) => container.Labels[LABELS.cluster]!))].map((clusterId) => removeCluster(docker, clusterId)),
  );
}
const spec = specFromFlags({ agents });

/** Seconds all cores spent busy since boot (Linux): shows whether a run was bound by CPU. */
function busySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

type Timing = { ms: number; busyShare: number };

/** Started now; calling it gives the time since, and the share of all cores busy meanwhile. */
function stopwatch(): () => Timing {
  const started = performance.now();
  const busyBefore = busySeconds();
  return () => {
    const ms = performance.now() - started;
    return { ms, busyShare: (busySeconds() - busyBefore) / (ms / 1000) / os.availableParallelism() };
  };
}

/** The bot and its workers on a private Redis; `warm` clusters kept on the host. */
async function startBot(warm: number) {
  const redis = await startRedisServer();
  const app = createApp(
    loadConfig(
      {
        REDIS_URL: redis.url,
        WORKSHOP_KEY_PREFIX: DEPLOYMENT,
        CLUSTER_IMAGES: 'local',
        CLUSTER_ISOLATION: isolation,
        HOST_MAX_CLUSTERS: String(count + warm),
        WARM_CLUSTERS: String(warm),
      },
      'local',
    ),
    { log: createLogger('warn', { pretty: false, destination: 2 }) },
  );
  // The queue's containers carry the same deployment label as the floor's, so an interrupted run is cleaned up by the next.
  await app.services.store.redis.set(DEPLOYMENT_KEY, DEPLOYMENT);
  const workers = await startBackgroundWork(app);
  return {
    app,
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await app.close();
      await redis.stop();
    },
  };
}

const attendees = Array.from({ length: count }, (_, i) => `UBENCH${i}`);

async function viaQueue(): Promise<Timing> {
  const { app, stop } = await startBot(0);
  const elapsed = stopwatch();
  await Promise.all(attendees.map((attendee) => app.services.clusters.up(attendee, spec, async () => ({ channel: 'C', ts: '1' }))));
  for (;;) {
    const records = await Promise.all(attendees.map((attendee) => app.services.clusters.get(attendee)));
    if (records.every((record) => record?.status === 'ready')) break;
    const failed = records.find((record) => record?.status === 'failed');
    if (failed) throw new Error(`a cluster failed: ${failed.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const timing = elapsed();
  await Promise.all(attendees.map((attendee) => app.services.clusters.down(attendee)));
  await stop();
  return timing;
}

/**
 * K attendees at once, each with a warm cluster waiting for them (built beforehand, not timed): from
 * `/cluster up` to its master answering, for each attendee.
 */
async function warmHits(): Promise<number[]> {
  const { app, stop } = await startBot(count);
  while ((await app.services.warm.status())[0]!.ready < count) await new Promise((resolve) => setTimeout(resolve, 500));
  const times = await Promise.all(
    attendees.map(async (attendee) => {
      const started = performance.now();
      const result = await app.services.clusters.up(attendee, spec, async () => ({ channel: 'C', ts: '1' }));
      if (!('warm' in result)) throw new Error(`${attendee} got no warm cluster`);
      await fetch(`${result.warm.endpoints!.master}/state`).then((response) => response.json());
      return performance.now() - started;
    }),
  );
  await Promise.all(attendees.map((attendee) => app.services.clusters.down(attendee)));
  await app.services.warm.setTarget({ count: 0, agents });
  while ((await app.services.warm.allIds()).length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  await stop();
  return times;
}

const log = createLogger('warn', { pretty: false, destination: 2 });
const dind = new DindEngines({ image: localImage('dind'), appPorts: loadConfig({}, 'local').appPorts, deployment: DEPLOYMENT, log });

async function directly(): Promise<Timing> {
  const ids = Array.from({ length: count }, (_, i) => `bench-floor-${Date.now()}-${i}`);
  const elapsed = stopwatch();
  await Promise.all(
    ids.map(async (clusterId) => {
      const roles = clusterRoles(spec, clusterId, 'local');
      const owner = { deployment: DEPLOYMENT, clusterId, attendee: 'UFLOOR', reserved: {} };
      // dind: the attendee's engine, made as the builds make it (from the host's template), answering.
      const engine =
        isolation === 'dind'
          ? await dind.ensure(
              host,
              { owner, roles, limits: engineLimits(roles, CONTAINER_LIMITS), images: [...new Set(roles.map((role) => role.image))] },
              new AbortController().signal,
              () => undefined,
            )
          : sharedEngine(host);
      const network = `minimesos-${clusterId}`;
      await engine.docker.createNetwork({
        Name: network,
        Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: DEPLOYMENT, [LABELS.cluster]: clusterId },
      });
      // The same containers the queue's builds make (ports, limits, labels), in minimesos' order.
      for (const role of roles) {
        const container = await engine.docker.createContainer(containerOptions(role, { owner, network, engine, limits: CONTAINER_LIMITS }));
        await container.start();
      }
    }),
  );
  const timing = elapsed();
  await Promise.all(ids.map((clusterId) => removeCluster(docker, clusterId)));
  return timing;
}

if (isolation === 'dind') {
  // The host's engine template is made once per host and set of images, before any timing.
  process.stderr.write("making the host's engine template (once per host, not timed)…\n");
  await directly();
}

/** This machine's timings drift by ±20 % between runs: alternate the two and compare medians. */
const floors: number[] = [];
const queued: number[] = [];
const busy: number[] = [];
for (let run = 1; run <= runs; run++) {
  process.stderr.write(`run ${run}/${runs}: floor (${count} clusters straight through dockerode)…\n`);
  const floor = await directly();
  process.stderr.write(`run ${run}/${runs}: queue (${count} clusters through /cluster up's queue and workers)…\n`);
  const queue = await viaQueue().finally(removeDeployment);
  floors.push(floor.ms);
  queued.push(queue.ms);
  busy.push(floor.busyShare, queue.busyShare);
}
const warm = isolation === 'dind' ? await warmHits().finally(removeDeployment) : [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * share) - 1]!;
const seconds = (values: number[]) => values.map((value) => (value / 1000).toFixed(1)).join(', ');
console.log(
  `${isolation}: ${count} clusters of ${agents} agent${agents === 1 ? '' : 's'} (${clusterRoles(spec, 'x', 'local').length * count} containers${isolation === 'dind' ? ` in ${count} attendee engines` : ''}), ${runs} run${runs === 1 ? '' : 's'}, medians`,
);
console.log(`through the queue, to all ready   ${(median(queued) / 1000).toFixed(1)} s   (${seconds(queued)})`);
console.log(`dockerode directly, in parallel   ${(median(floors) / 1000).toFixed(1)} s   (${seconds(floors)}; the floor: no health waits)`);
console.log(
  `ratio                             ${(median(queued) / median(floors)).toFixed(2)}×   (goal ≤ 1.25×: 10 clusters shared, 5 dind)`,
);
if (warm.length > 0)
  console.log(
    `warm: ${count} attendees at once   p50 ${(percentile(warm, 0.5) / 1000).toFixed(2)} s, p95 ${(percentile(warm, 0.95) / 1000).toFixed(2)} s   (/cluster up to the master answering; goal p50 < 5 s, p95 < 10 s)`,
  );
console.log(
  `CPU busy during the runs          ${Math.round(Math.min(...busy) * 100)}–${Math.round(Math.max(...busy) * 100)} % of ${os.availableParallelism()} cores   (near 100 %: both are bound by CPU, and the clusters' own start-up is not in the floor)`,
);
