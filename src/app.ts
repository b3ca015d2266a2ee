import { ALL_COMMANDS } from '../commands/index.js';
import { slackNotifierFromConfig } from './adapters/slack/notifier.js';
import type { Exercise } from './checks/exercise.js';
import { loadExercises } from './checks/loader.js';
import { CheckService } from './checks/service.js';
import { HttpClient } from './clients/http.js';
import { ClusterAccess } from './clusters/access.js';
import { BuildStats } from './clusters/build-stats.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterService } from './clusters/service.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { LogNotifier } from './notify/log-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { Queues } from './queue/queues.js';
import { CommandRouter } from './router/router.js';
import type { CommandSpec } from './router/types.js';
import type { AppServices } from './services.js';
import { Store } from './store/redis.js';

export interface BotApp {
  config: Config;
  services: AppServices;
  router: CommandRouter;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  log?: Logger;
  commands?: readonly CommandSpec[];
  /** Where jobs show progress; default: Slack when a bot token is configured, else the log. */
  notifier?: Notifier;
  /** The exercises /check uses; default: read and validated from config.exercisesDir (or exercises/). */
  exercises?: Exercise[];
  /** The HTTP client for every cluster endpoint (the check benchmark records what it asks). */
  http?: HttpClient;
}

/**
 * Wires the bot from its config: every connection to the outside is made here and handed to the
 * commands, so tests run the same code against their own private services. Nothing connects
 * until a command needs it.
 */
export function createApp(config: Config, options: CreateAppOptions = {}): BotApp {
  const log = options.log ?? createLogger(config.logLevel);
  // A broken exercise file stops the bot here, before it serves anyone.
  const exercises = options.exercises ?? loadExercises(config.exercisesDir);
  const store = new Store(config.redisUrl, config.keyPrefix, log);
  const queues = new Queues(config.redisUrl, config.keyPrefix, log);
  const http = options.http ?? new HttpClient();
  const access = new ClusterAccess(http);
  const clusters = new ClusterService(new ClusterRegistry(() => store.redis), queues, new BuildStats(() => store.redis));
  const services: AppServices = {
    config,
    log,
    store,
    queues,
    clusters,
    access,
    checks: new CheckService({ exercises, clusters, access, http, redis: () => store.redis, log }),
    notifier: options.notifier ?? slackNotifierFromConfig(config) ?? new LogNotifier(log),
  };
  const router = new CommandRouter(options.commands ?? ALL_COMMANDS, services);
  return {
    config,
    services,
    router,
    async close() {
      await Promise.all([services.queues.close(), services.store.close(), services.access.close()]);
    },
  };
}
