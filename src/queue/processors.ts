import { clusterMessages } from '../../commands/render/cluster-messages.js';
import type { BotApp } from '../app.js';
import { clusterJobProcessor } from '../clusters/provision-job.js';
import { DockerBackend } from '../docker/docker-backend.js';
import { parseDockerHosts } from '../docker/hosts.js';
import type { Processors } from './queues.js';

/** The processor for each queue, bound to the app's services. */
export function createProcessors(bot: BotApp): Processors {
  const { config, log, clusters, notifier } = bot.services;
  const backend = new DockerBackend({ hosts: parseDockerHosts(config.dockerHosts), images: config.clusterImages, log: log.child({ component: 'docker' }) });
  return {
    clusters: {
      processor: clusterJobProcessor({ registry: clusters.registry, backend, notifier, messages: clusterMessages, log: log.child({ component: 'clusters' }) }),
      // Two cores do about one container start per 0.7 s; more parallel builds only queue inside Docker.
      options: { concurrency: 3 },
    },
  };
}
