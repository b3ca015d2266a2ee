import { Redis, type RedisOptions } from 'ioredis';

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
  ) {}

  get redis(): Redis {
    this.connection ??= new Redis(this.url, {
      ...FAIL_FAST,
      keyPrefix: `${this.prefix}:`,
    });
    return this.connection;
  }

  async close(): Promise<void> {
    if (!this.connection) return;
    await this.connection.quit().catch(() => this.connection?.disconnect());
    this.connection = undefined;
  }
}

/** Options for connections that answer users: give up quickly when Redis is unreachable. */
export const FAIL_FAST: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 2000,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 200, 2000),
};

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Reached the max retries per request/.test(error.message)
  );
}
