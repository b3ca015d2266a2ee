import type { ClusterAccess } from './clusters/access.js';
import type { ClusterService } from './clusters/service.js';
import type { Config } from './config.js';
import type { Faq } from './faq/faq.js';
import type { Logger } from './logger.js';
import type { Notifier } from './notify/notifier.js';
import type { Queues } from './queue/queues.js';
import type { Store } from './store/redis.js';

/** What commands and jobs may use; created once in createApp from the config. */
export interface AppServices {
  config: Config;
  log: Logger;
  store: Store;
  queues: Queues;
  clusters: ClusterService;
  /** Mesos/Marathon/ZooKeeper clients for a cluster's endpoints. */
  access: ClusterAccess;
  /** Posts/edits visible messages outside a command's own responder (workers, reapers). */
  notifier: Notifier;
  /** The course FAQ (/faq, questions in DMs and mentions). */
  faq: Faq;
}
