import type { Queues } from '../queue/queues.js';

/**
 * Builds that tried and found no Docker host with room: the worker moves such a build to BullMQ's
 * delayed set and tries again every few seconds. /cluster up reads this so that its first reply
 * says what the progress message will say, rather than promising a build that cannot start.
 */
export class WaitingRoom {
  constructor(private readonly queues: Queues) {}

  /** Builds waiting for room (delayed `clusters` jobs; a retry after a failure waits there too). */
  async waitingForRoom(): Promise<number> {
    return this.queues.get('clusters').getDelayedCount();
  }
}
