import type { Worker } from 'bullmq';
import { checkinMessages } from '../commands/render/checkin-messages.js';
import { clusterMessages, reaperMessages } from '../commands/render/cluster-messages.js';
import { reconcileMessages } from '../commands/render/reconcile-messages.js';
import { broadcastReportMessage } from '../commands/render/room-messages.js';
import { prepullMessage } from '../commands/render/workshop-messages.js';
import type { BotApp } from './app.js';
import { BUILDS_PER_WORKER } from './clusters/build-stats.js';
import { clusterJobProcessor } from './clusters/provision-job.js';
import { reap, WARN_BEFORE_MS } from './clusters/reaper.js';
import { reconcile } from './clusters/reconciler.js';
import { WARM_REFILL_JOB } from './clusters/warm-pool.js';
import type { Config } from './config.js';
import { DindEngines } from './docker/dind.js';
import { DockerBackend } from './docker/docker-backend.js';
import { connectDockerHosts, type DockerHost } from './docker/hosts.js';
import { localImage } from './docker/image-names.js';
import { deploymentFilter, deploymentId, LABELS } from './docker/labels.js';
import { HostPool } from './docker/pool/host-pool.js';
import { WarmKeeper } from './docker/pool/warm-keeper.js';
import { prepullImages } from './docker/prepull.js';
import type { Logger } from './logger.js';
import { ProgressMessage } from './notify/progress.js';
import { type Processors, startWorkers } from './queue/queues.js';
import { isRedisUnavailable } from './store/redis.js';
import { broadcastProcessor, broadcastWorkerOptions } from './workshop/broadcast.js';
import { checkinProcessor, checkinWorkerOptions } from './workshop/checkins.js';
import type { PrepullJobData } from './workshop/prepull.js';

/** How often the reaper sweeps. */
export const REAPER_EVERY_MS = 60_000;
/** A cluster reserves CPU requests (a quarter CPU a container), and workshop clusters idle most of the time. */
const CPU_OVERCOMMIT = 16;

/** The processor for each queue, bound to the app's services and the pool of Docker hosts. */
export function createProcessors(bot: BotApp, pool: HostPool, deployment: string): Processors {
  const { config, log, clusters, notifier, warm, queues } = bot.services;
  const dockerLog = log.child({ component: 'docker' });
  const dind =
    config.isolation === 'dind'
      ? new DindEngines({
          image: config.dindImage,
          ...(config.dindRuntime ? { runtime: config.dindRuntime } : {}),
          appPorts: config.appPorts,
          deployment,
          log: dockerLog,
        })
      : undefined;
  const backend = new DockerBackend({
    hosts: pool.hosts,
    images: config.clusterImages,
    log: dockerLog,
    deployment,
    pool,
    evict: warm,
    ...(dind ? { dind } : {}),
  });
  const keeper = new WarmKeeper({
    hosts: pool.hosts,
    deployment,
    warm,
    registry: clusters.registry,
    queue: queues.get('clusters'),
    backend,
    room: (host, spec) => pool.room(host, backend.needFor(spec)),
    log: log.child({ component: 'warm' }),
  });
  return {
    clusters: {
      processor: clusterJobProcessor({
        warm,
        registry: clusters.registry,
        backend,
        notifier,
        messages: clusterMessages,
        log: log.child({ component: 'clusters' }),
        ttlMs: config.clusterTtlMs,
        stats: clusters.stats,
        isStoreUnavailable: isRedisUnavailable,
      }),
      // A dead worker's build is taken over within ~25 s (lock expiry + stall check), even several times in a row.
      options: { concurrency: BUILDS_PER_WORKER, lockDuration: 15_000, stalledInterval: 10_000, maxStalledCount: 5 },
    },
    maintenance: {
      processor: async (job) => {
        if (job.name === 'prepull') return runPrepull(bot, pool, job.data as PrepullJobData);
        if (job.name === WARM_REFILL_JOB) return keeper.refill();
        await pool.checkHealth();
        const reaped = await reap({
          registry: clusters.registry,
          backend,
          notifier,
          messages: reaperMessages,
          log: log.child({ component: 'reaper' }),
          runningClusterIds: () => backend.clusterIds(),
          unassigned: () => warm.allIds(),
          warnBeforeMs: WARN_BEFORE_MS,
        });
        return { ...reaped, ...(await reconcileBuilds(bot)), warm: await keeper.refill() };
      },
      options: { concurrency: 1 },
    },
    broadcasts: {
      processor: broadcastProcessor({
        broadcasts: bot.services.broadcasts,
        notifier,
        messages: { report: broadcastReportMessage },
        log: log.child({ component: 'broadcasts' }),
      }),
      options: broadcastWorkerOptions(config),
    },
    checkins: checkinWork(bot),
  };
}

/** The `checkins` queue's processor and options: the sweeps need only the app's engines, no Docker host. */
export function checkinWork(bot: BotApp): NonNullable<Processors['checkins']> {
  const { log, notifier, checkins, store } = bot.services;
  return {
    processor: checkinProcessor({
      checkins,
      notifier,
      messages: checkinMessages,
      redis: () => store.redis,
      log: log.child({ component: 'checkins' }),
    }),
    options: checkinWorkerOptions(),
  };
}

/** Builds whose record and job disagree after a crash are queued again (or reported), and their attendees told. */
function reconcileBuilds(bot: BotApp) {
  const { clusters, queues, notifier, log } = bot.services;
  return reconcile({
    registry: clusters.registry,
    queue: queues.get('clusters'),
    notifier,
    messages: reconcileMessages,
    log: log.child({ component: 'reconciler' }),
  });
}

/** `/workshop prepull`: every image on every host, the instructor's message edited as it goes. */
async function runPrepull(bot: BotApp, pool: HostPool, data: PrepullJobData) {
  const { notifier, log } = bot.services;
  const progress = data.message ? new ProgressMessage(notifier, data.message, log) : undefined;
  const lines = await prepullImages(pool.hosts, data.images, (snapshot) => progress?.show(prepullMessage(snapshot, false)));
  await progress?.finish(prepullMessage(lines, true));
  return { failed: lines.filter((line) => line.state === 'failed').length };
}

/** An image with `df` that every host has: the engine image (dind) or the ZooKeeper stand-in. */
function diskProbe(config: Config): { diskProbeImage?: string } {
  if (config.isolation === 'dind') return { diskProbeImage: config.dindImage };
  return config.clusterImages === 'local' ? { diskProbeImage: localImage('zookeeper') } : {};
}

/**
 * Containers labelled with the bare key prefix were made before deployments had ids (or by another
 * bot with the same prefix): no sweep of this deployment touches them, and the log says how to remove them.
 */
async function noteUnlabelledBefore(hosts: DockerHost[], prefix: string, deployment: string, log: Logger): Promise<void> {
  if (prefix === deployment) return;
  for (const host of hosts) {
    const containers = await host.docker.listContainers({ all: true, filters: deploymentFilter(prefix) }).catch(() => []);
    if (containers.length === 0) continue;
    log.warn(
      { host: host.id, containers: containers.length, label: `${LABELS.deployment}=${prefix}` },
      `${containers.length} containers labelled ${LABELS.deployment}=${prefix} are not this deployment's (${deployment}) and are left alone; when no bot needs them: docker rm -f $(docker ps -aq --filter label=${LABELS.deployment}=${prefix})`,
    );
  }
}

/** Workers for every queue, and the reaper's schedule (one scheduler, however many workers run). */
export async function startBackgroundWork(bot: BotApp): Promise<Worker[]> {
  const { config, log, queues, store } = bot.services;
  const deployment = await deploymentId(store.redis, config.keyPrefix);
  log.info({ deployment }, `deployment ${deployment}: the workshop.deployment label of everything these workers create`);
  const hosts = connectDockerHosts(config.dockerHosts);
  await noteUnlabelledBefore(hosts, config.keyPrefix, deployment, log);
  const pool = new HostPool(
    hosts,
    () => store.redis,
    {
      maxClustersPerHost: config.hostMaxClusters,
      memoryShare: 0.8,
      cpuOvercommit: CPU_OVERCOMMIT,
      deployment,
      minFreeDiskBytes: config.hostMinFreeDiskBytes,
      ...diskProbe(config),
    },
    log.child({ component: 'pool' }),
  );
  await pool.start();
  const workers = startWorkers(config.redisUrl, config.keyPrefix, createProcessors(bot, pool, deployment), log);
  // What a crash left behind is repaired now, not a sweep later; the warm pool is filled (or found again) now too.
  await reconcileBuilds(bot).catch((err: unknown) => log.error({ err }, 'could not reconcile cluster records with their jobs'));
  await bot.services.warm.requestRefill();
  await queues
    .get('maintenance')
    .upsertJobScheduler('reaper', { every: REAPER_EVERY_MS }, { name: 'reap', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  return workers;
}
