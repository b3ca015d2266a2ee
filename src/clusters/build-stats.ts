import type { Redis } from 'ioredis';

/**
 * Builds one worker runs at once (its BullMQ concurrency). Five keep Docker busy while others wait
 * on health checks; ten measured no faster in bench:provision (two cores are already saturated).
 */
export const BUILDS_PER_WORKER = 5;
/** Before any build has finished: what a local cluster takes on these machines, rounded up. */
const FIRST_GUESS_MS = 60_000;
const KEPT = 20;
/** Finishes older than this say nothing about how fast the room moves now. */
const RECENT_MS = 15 * 60_000;

/**
 * How long recent builds took and when they finished, kept in Redis so every process estimates
 * alike: "you are number 12 (about 4 minutes)" instead of a bare position.
 */
export class BuildStats {
  constructor(private readonly redis: () => Redis) {}

  async record(durationMs: number, finishedAt = Date.now()): Promise<void> {
    await this.redis()
      .multi()
      .lpush(DURATIONS, Math.round(durationMs))
      .ltrim(DURATIONS, 0, KEPT - 1)
      .lpush(FINISHES, finishedAt)
      .ltrim(FINISHES, 0, KEPT - 1)
      .exec();
  }

  /**
   * Time until the build at `position` (1 = next) starts and finishes: from the pace at which
   * builds have been finishing lately when the room is busy, else from their average length.
   */
  async estimateMs(position: number, now = Date.now()): Promise<number> {
    const [durations, finishes] = await Promise.all([this.redis().lrange(DURATIONS, 0, -1), this.redis().lrange(FINISHES, 0, -1)]);
    const average = durations.length > 0 ? durations.map(Number).reduce((sum, value) => sum + value, 0) / durations.length : FIRST_GUESS_MS;
    const recent = finishes.map(Number).filter((at) => now - at < RECENT_MS);
    const byAverage = Math.ceil(position / BUILDS_PER_WORKER) * average + average;
    if (recent.length < 3) return byAverage;
    const interval = (Math.max(...recent) - Math.min(...recent)) / (recent.length - 1);
    return Math.max(average, position * interval + average);
  }
}

const DURATIONS = 'stats:build-durations';
const FINISHES = 'stats:build-finishes';

/** `about 3 minutes`, `under a minute` */
export function describeWait(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
}
