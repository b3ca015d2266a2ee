import type { Redis } from 'ioredis';
import type { Queues } from '../queue/queues.js';

/**
 * The line for room the host pool keeps (CapacityLedger.reserve): cluster ids scored by when their
 * attendee asked, and what each needs and when it last looked for room (`mem cpu disk seenAt`).
 */
export const LINE_KEY = 'pool:line';
export const LINE_NEEDS_KEY = 'pool:line:needs';
/** A build in line looks for room every 5 s; one silent this long is gone (or its worker is) and keeps nobody waiting. */
export const LINE_STALE_MS = 60_000;

/**
 * Builds that tried and found no Docker host with room: the worker moves such a build to BullMQ's
 * delayed set and tries again every few seconds. /cluster up reads this so that its first reply
 * says what the progress message will say, rather than promising a build that cannot start.
 */
export class WaitingRoom {
  constructor(
    private readonly queues: Queues,
    private readonly redis: () => Redis,
  ) {}

  /** Builds waiting for room (delayed `clusters` jobs; a retry after a failure waits there too). */
  async waitingForRoom(): Promise<number> {
    return this.queues.get('clusters').getDelayedCount();
  }

  /** How many builds still looking for room asked before this one; null when it is not in line. */
  async aheadInLine(clusterId: string, now = Date.now()): Promise<number | null> {
    const redis = this.redis();
    const score = await redis.zscore(LINE_KEY, clusterId);
    if (score === null) return null;
    const earlier = await redis.zrangebyscore(LINE_KEY, '-inf', `(${score}`);
    if (earlier.length === 0) return 0;
    const needs = await redis.hmget(LINE_NEEDS_KEY, ...earlier);
    return needs.filter((entry) => Number(entry?.split(' ')[3]) >= now - LINE_STALE_MS).length;
  }
}
