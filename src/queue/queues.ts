import { Queue, QueueEvents, Worker, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { FAIL_FAST, watchErrors } from '../store/redis.js';

/** Every queue the bot uses; one place, so producers and workers agree on names and defaults. */
export const QUEUE_NAMES = ['clusters'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Retries with backoff for passing failures (a Docker host restarting), and bounded history:
 * BullMQ keeps finished jobs forever unless told otherwise.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

/** Producer side: queues created lazily, on a connection that fails fast when Redis is down. */
export class Queues {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();
  private connection: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    readonly prefix: string,
    private readonly log: Logger,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.connection ??= watchErrors(new Redis(this.redisUrl, { ...FAIL_FAST, lazyConnect: false }), this.log);
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Completion/progress events of a queue (Redis streams; a blocking connection of its own). */
  eventsOf(name: QueueName): QueueEvents {
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, { connection: watchErrors(new Redis(this.redisUrl, { maxRetriesPerRequest: null }), this.log), prefix: this.prefix });
      this.events.set(name, events);
    }
    return events;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values(), ...this.events.values()].map((closable) => closable.close()));
    this.queues.clear();
    this.events.clear();
    if (this.connection) await this.connection.quit().catch(() => this.connection?.disconnect());
    this.connection = undefined;
  }
}

export type Processors = Partial<Record<QueueName, { processor: Processor; options?: Partial<WorkerOptions> }>>;

/**
 * Starts one worker per queue that has a processor. Workers block on Redis, so each gets its own
 * connection with `maxRetriesPerRequest: null` (BullMQ requires it: a worker must wait out outages).
 */
export function startWorkers(redisUrl: string, prefix: string, processors: Processors, log: Logger): Worker[] {
  return Object.entries(processors).map(([name, entry]) => {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const worker = new Worker(name, entry!.processor, { connection, prefix, concurrency: 4, ...entry!.options });
    worker.on('failed', (job, err) => log.warn({ queue: name, jobId: job?.id, err }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: name, err }, 'worker error'));
    return worker;
  });
}
