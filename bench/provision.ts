import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { createApp } from '../src/app.js';
import { specFromFlags } from '../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../src/config.js';
import { removeCluster } from '../src/docker/docker-backend.js';
import { LABELS } from '../src/docker/labels.js';
import { buildLocalImages } from '../src/docker/local-images.js';
import { clusterRoles } from '../src/docker/roles.js';
import { startRedisServer } from '../src/local/redis-server.js';
import { createLogger } from '../src/logger.js';
import { startBackgroundWork } from '../src/queue/processors.js';

/**
 * npm run bench:provision -- --clusters K
 * K clusters requested at once through the queue (to all ready), against the floor: creating and
 * starting the same containers directly with dockerode, all in parallel, with no health waits.
 */
const { values } = parseArgs({ options: { clusters: { type: 'string', default: '10' }, agents: { type: 'string', default: '1' }, runs: { type: 'string', default: '3' } } });
const count = Number(values.clusters);
const agents = Number(values.agents);
const runs = Number(values.runs);
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
/** Everything this benchmark creates carries this deployment label, so an interrupted run is cleaned up by the next. */
const DEPLOYMENT = 'bench';
await buildLocalImages(docker);
await removeDeployment();

async function removeDeployment(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.deployment}=${DEPLOYMENT}`] } });
  await Promise.all([...new Set(containers.map((container) => container.Labels[LABELS.cluster]!))].map((clusterId) => removeCluster(docker, clusterId)));
}
const spec = specFromFlags({ agents });

async function viaQueue(): Promise<number> {
  const redis = await startRedisServer();
  const app = createApp(loadConfig({ REDIS_URL: redis.url, WORKSHOP_KEY_PREFIX: DEPLOYMENT, CLUSTER_IMAGES: 'local', CLUSTER_ISOLATION: 'shared', HOST_MAX_CLUSTERS: String(count) }, 'local'), { log: createLogger('warn', { pretty: false, destination: 2 }) });
  const workers = await startBackgroundWork(app);
  const attendees = Array.from({ length: count }, (_, i) => `UBENCH${i}`);
  const started = performance.now();
  await Promise.all(attendees.map((attendee) => app.services.clusters.up(attendee, spec, async () => ({ channel: 'C', ts: '1' }))));
  for (;;) {
    const records = await Promise.all(attendees.map((attendee) => app.services.clusters.get(attendee)));
    if (records.every((record) => record?.status === 'ready')) break;
    const failed = records.find((record) => record?.status === 'failed');
    if (failed) throw new Error(`a cluster failed: ${failed.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsed = performance.now() - started;
  await Promise.all(attendees.map((attendee) => app.services.clusters.down(attendee)));
  await Promise.all(workers.map((worker) => worker.close()));
  await app.close();
  await redis.stop();
  return elapsed;
}

async function directly(): Promise<number> {
  const ids = Array.from({ length: count }, (_, i) => `bench-floor-${Date.now()}-${i}`);
  const started = performance.now();
  await Promise.all(
    ids.map(async (clusterId) => {
      const network = `minimesos-${clusterId}`;
      await docker.createNetwork({ Name: network, Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: DEPLOYMENT, [LABELS.cluster]: clusterId } });
      // Each cluster's containers start in minimesos' order, as the queue's builds do.
      for (const role of clusterRoles(spec, clusterId, 'local')) {
        const container = await docker.createContainer({
          Image: role.image,
          ...(role.cmd ? { Cmd: role.cmd } : {}),
          Env: role.env,
          Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: DEPLOYMENT, [LABELS.cluster]: clusterId },
          HostConfig: { NetworkMode: network, Memory: role.memoryMb * 1024 * 1024 },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [role.alias] } } },
        });
        await container.start();
      }
    }),
  );
  const elapsed = performance.now() - started;
  await Promise.all(ids.map((clusterId) => removeCluster(docker, clusterId)));
  return elapsed;
}

/** This machine's timings vary by ±15 % from run to run: alternate the two and compare medians. */
const floors: number[] = [];
const queued: number[] = [];
for (let run = 1; run <= runs; run++) {
  process.stderr.write(`run ${run}/${runs}: floor (${count} clusters straight through dockerode)…\n`);
  floors.push(await directly());
  process.stderr.write(`run ${run}/${runs}: queue (${count} clusters through /cluster up's queue and workers)…\n`);
  queued.push(await viaQueue().finally(removeDeployment));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (values: number[]) => values.map((value) => (value / 1000).toFixed(1)).join(', ');
console.log(`${count} clusters of ${agents} agent${agents === 1 ? '' : 's'} (${clusterRoles(spec, 'x', 'local').length * count} containers), ${runs} run${runs === 1 ? '' : 's'}, medians`);
console.log(`through the queue, to all ready   ${(median(queued) / 1000).toFixed(1)} s   (${seconds(queued)})`);
console.log(`dockerode directly, in parallel   ${(median(floors) / 1000).toFixed(1)} s   (${seconds(floors)}; the floor: no health waits)`);
console.log(`ratio                             ${(median(queued) / median(floors)).toFixed(2)}×   (goal ≤ 1.25× for 10 clusters)`);
