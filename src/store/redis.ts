import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * The bot's Redis connection for its own keys (all under `<prefix>:`). It connects on first use,
 * so commands that need no Redis (/help, /faq) work while Redis is down, and commands that do
 * fail fast instead of hanging.
 */
export class Store {
  private connection: Redis | undefined;

  constructor(
    private readonly url: string,
    readonly prefix: string,
    private readonly log: Logger,
  ) {}

  get redis(): Redis {
    this.connection ??= watchErrors(new Redis(this.url, { ...FAIL_FAST, keyPrefix: `${this.prefix}:` }), this.log);
    return this.connection;
  }

  /**
   * True the first time `key` is claimed within `ttlSeconds` (one SET NX EX, atomic across
   * processes): for things that must happen once, like answering one Slack delivery.
   */
  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(key, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    if (!this.connection) return;
    await this.connection.quit().catch(() => this.connection?.disconnect());
    this.connection = undefined;
  }
}

/**
 * Options for connections that answer users: give up quickly when Redis is unreachable. A refused
 * connection fails the command after one retry; `commandTimeout` bounds the other case, a Redis that
 * accepts the connection and then says nothing (stopped, or a black-holed address), where the ready
 * check and every queued command would otherwise wait forever.
 */
export const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 2000,
  commandTimeout: 2000,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 200, 2000),
  // Closing a connection whose socket already failed (Redis unreachable) waits this long for a
  // 'close' event that has already happened: ioredis' 2 s default kept every CLI run that could
  // not reach Redis (`workshop-bot say /help`) alive 2 s after its answer.
  disconnectTimeout: 200,
};

/** Connection errors also reach the failing command; without a listener ioredis would print them raw. */
export function watchErrors(connection: Redis, log: Logger): Redis {
  connection.on('error', (err: Error) => log.debug({ err }, 'redis connection error'));
  return connection;
}

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Reached the max retries per request|^Command timed out$/.test(
      error.message,
    )
  );
}
