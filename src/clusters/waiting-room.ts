import type { Redis } from 'ioredis';
import { hostKey, LINE_KEY, LINE_NEEDS_KEY, LINE_STALE_MS } from '../docker/pool/capacity-ledger.js';
import type { Queues } from '../queue/queues.js';

/**
 * Builds that tried and found no Docker host with room: the worker moves such a build to BullMQ's
 * delayed set and tries again every few seconds. /cluster up reads this so that its first reply
 * says what the progress message will say, rather than promising a build that cannot start.
 */
export class WaitingRoom {
  constructor(
    private readonly queues: Queues,
    private readonly redis: () => Redis,
    /** The pool's Docker hosts (their ids), whose health the workers record every minute. */
    private readonly hostIds: string[],
  ) {}

  /** Whether every Docker host stopped answering when the workers last looked (then no build can start). */
  async noHostAnswers(): Promise<boolean> {
    if (this.hostIds.length === 0) return false;
    const pipeline = this.redis().pipeline();
    for (const id of this.hostIds) pipeline.hget(hostKey(id), 'down');
    const down = (await pipeline.exec()) ?? [];
    return down.every(([, value]) => value === '1');
  }

  /** Builds waiting for room (delayed `clusters` jobs; a retry after a failure waits there too). */
  async waitingForRoom(): Promise<number> {
    return this.queues.get('clusters').getDelayedCount();
  }

  /** How many builds still looking for room asked before this one; null when it is not in line. */
  async aheadInLine(clusterId: string): Promise<number | null> {
    const redis = this.redis();
    const score = await redis.zscore(LINE_KEY, clusterId);
    if (score === null) return null;
    const earlier = await redis.zrangebyscore(LINE_KEY, '-inf', `(${score}`);
    if (earlier.length === 0) return 0;
    const needs = await redis.hmget(LINE_NEEDS_KEY, ...earlier);
    const since = Date.now() - LINE_STALE_MS;
    return needs.filter((entry) => Number(entry?.split(' ')[3]) >= since).length;
  }
}
