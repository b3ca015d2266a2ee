import { ALL_COMMANDS } from '../commands/index.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
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
}

/**
 * Wires the bot from its config: every connection to the outside is made here and handed to the
 * commands, so tests run the same code against their own private services. Nothing connects
 * until a command needs it.
 */
export function createApp(config: Config, options: CreateAppOptions = {}): BotApp {
  const log = options.log ?? createLogger(config.logLevel);
  const services: AppServices = {
    config,
    log,
    store: new Store(config.redisUrl, config.keyPrefix, log),
    queues: new Queues(config.redisUrl, config.keyPrefix, log),
  };
  const router = new CommandRouter(options.commands ?? ALL_COMMANDS, services);
  return {
    config,
    services,
    router,
    async close() {
      await Promise.all([services.queues.close(), services.store.close()]);
    },
  };
}
