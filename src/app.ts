import { ALL_COMMANDS } from '../commands/index.js';
import { slackNotifierFromConfig } from './adapters/slack/notifier.js';
import { ClusterAccess } from './clusters/access.js';
import { BuildStats } from './clusters/build-stats.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterService } from './clusters/service.js';
import type { Config } from './config.js';
import { type Faq, loadFaq } from './faq/faq.js';
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
  /** Default: the course's topics from src/faq/topics. */
  faq?: Faq;
}

/**
 * Wires the bot from its config: every connection to the outside is made here and handed to the
 * commands, so tests run the same code against their own private services. Nothing connects
 * until a command needs it.
 */
export function createApp(config: Config, options: CreateAppOptions = {}): BotApp {
  const log = options.log ?? createLogger(config.logLevel);
  const store = new Store(config.redisUrl, config.keyPrefix, log);
  const queues = new Queues(config.redisUrl, config.keyPrefix, log);
  const services: AppServices = {
    config,
    log,
    store,
    queues,
    clusters: new ClusterService(new ClusterRegistry(() => store.redis), queues, new BuildStats(() => store.redis)),
    access: new ClusterAccess(),
    notifier: options.notifier ?? slackNotifierFromConfig(config) ?? new LogNotifier(log),
    faq: options.faq ?? loadFaq(),
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
