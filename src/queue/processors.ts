import type { BotApp } from '../app.js';
import type { Processors } from './queues.js';

/** The processor for each queue, bound to the app's services. */
export function createProcessors(_bot: BotApp): Processors {
  return {};
}
