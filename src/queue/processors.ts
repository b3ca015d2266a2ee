import type { Worker } from 'bullmq';
import { clusterMessages, reaperMessages } from '../../commands/render/cluster-messages.js';
import type { BotApp } from '../app.js';
import { clusterJobProcessor } from '../clusters/provision-job.js';
import { reap } from '../clusters/reaper.js';
import { DockerBackend } from '../docker/docker-backend.js';
import { parseDockerHosts } from '../docker/hosts.js';
import { HostPool } from '../pool/host-pool.js';
import { startWorkers, type Processors } from './queues.js';

/** How often the reaper sweeps, and how long before expiry attendees are warned. */
export const REAPER_EVERY_MS = 60_000;
export const WARN_BEFORE_MS = 15 * 60_000;
/** CPU limits are caps, not reservations, and a workshop cluster idles most of the time; memory binds first. */
const CPU_OVERCOMMIT = 16;

/** The processor for each queue, bound to the app's services and the pool of Docker hosts. */
export function createProcessors(bot: BotApp, pool: HostPool): Processors {
  const { config, log, clusters, notifier } = bot.services;
  const backend = new DockerBackend({ hosts: pool.hosts, images: config.clusterImages, log: log.child({ component: 'docker' }), deployment: config.keyPrefix, pool });
  return {
    clusters: {
      processor: clusterJobProcessor({ registry: clusters.registry, backend, notifier, messages: clusterMessages, log: log.child({ component: 'clusters' }), ttlMs: config.clusterTtlMs }),
      // Two cores do about one container start per 0.7 s; more parallel builds only queue inside Docker.
      options: { concurrency: 3 },
    },
    maintenance: {
      processor: async () => {
        await pool.checkHealth();
        return reap({ registry: clusters.registry, backend, notifier, messages: reaperMessages, log: log.child({ component: 'reaper' }), runningClusterIds: () => backend.clusterIds(), warnBeforeMs: WARN_BEFORE_MS });
      },
      options: { concurrency: 1 },
    },
  };
}

/** Workers for every queue, and the reaper's schedule (one scheduler, however many workers run). */
export async function startBackgroundWork(bot: BotApp): Promise<Worker[]> {
  const { config, log, queues, store } = bot.services;
  const pool = new HostPool(parseDockerHosts(config.dockerHosts), () => store.redis, { maxClustersPerHost: config.hostMaxClusters, memoryShare: 0.8, cpuOvercommit: CPU_OVERCOMMIT }, log.child({ component: 'pool' }));
  await pool.start();
  const workers = startWorkers(config.redisUrl, config.keyPrefix, createProcessors(bot, pool), log);
  await queues.get('maintenance').upsertJobScheduler('reaper', { every: REAPER_EVERY_MS }, { name: 'reap', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  return workers;
}
