import { Job, type JobsOptions, type Processor, Queue, Worker, type WorkerOptions } from 'bullmq';
import { type ChainableCommander, Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { FAIL_FAST, watchErrors } from '../store/redis.js';

/** Every queue the bot uses; one place, so producers and workers agree on names and defaults. */
export const QUEUE_NAMES = ['clusters', 'maintenance', 'broadcasts', 'checkins'] as const;
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

  /**
   * Adds a job in one MULTI with the commands `alongside` queues (a claim on the record the job is
   * for): both happen or neither, whenever the process dies. The MULTI runs on the queue's own
   * connection, which has no key prefix. Returns the results of `alongside`'s commands.
   */
  async addWith(
    name: QueueName,
    job: { name: string; data: unknown; opts: JobsOptions & { jobId: string } },
    alongside: (transaction: ChainableCommander) => void,
  ): Promise<unknown[]> {
    const queue = this.get(name);
    // The queue's client wraps the connection's MULTI so BullMQ's scripts can join it; it is ioredis underneath.
    const transaction = (await queue.getBackend().client).multi();
    alongside(transaction as unknown as ChainableCommander);
    const ownCommands = (transaction as unknown as ChainableCommander).length;
    await new Job(queue, job.name, job.data, { ...queue.defaultJobOptions, ...job.opts }, job.opts.jobId).addJob(transaction);
    const results = await transaction.exec();
    if (!results) throw new Error(`could not add the ${job.name} job: the transaction was aborted`);
    const failed = results.find(([error]: [Error | null, unknown]) => error);
    if (failed) throw failed[0];
    return results.slice(0, ownCommands).map(([, value]: [Error | null, unknown]) => value);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    if (this.connection) await this.connection.quit().catch(() => this.connection?.disconnect());
    this.connection = undefined;
  }
}

/**
 * Waits for a job to finish by polling its state: QueueEvents would miss a job that completes before
 * its stream reader starts, and a short job often does.
 */
/** A job no worker finished in time: it is still queued (or running), not failed. */
export class JobTimeoutError extends Error {
  constructor(name: string, timeoutMs: number) {
    super(`job ${name} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'JobTimeoutError';
  }
}

export async function waitForJob(queue: Queue, job: Job, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await job.getState();
    if (state === 'completed') return;
    if (state === 'failed') throw new Error(`job ${job.name} failed: ${(await queue.getJob(job.id!))?.failedReason ?? 'unknown reason'}`);
    if (Date.now() > deadline) throw new JobTimeoutError(job.name, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export type Processors = Partial<Record<QueueName, { processor: Processor; options?: Partial<WorkerOptions> }>>;

/**
 * Starts one worker per queue that has a processor. Workers block on Redis, so each gets its own
 * connection with `maxRetriesPerRequest: null` (BullMQ requires it: a worker must wait out outages).
 */
export function startWorkers(redisUrl: string, prefix: string, processors: Processors, log: Logger): Worker[] {
  return Object.entries(processors).map(([name, entry]) => {
    const connection = watchErrors(new Redis(redisUrl, { maxRetriesPerRequest: null }), log);
    const worker = new Worker(name, entry!.processor, { connection, prefix, concurrency: 4, ...entry!.options });
    // BullMQ leaves a connection it was given open; this one is the worker's alone.
    worker.on('closed', () => connection.disconnect());
    worker.on('failed', (job, err) => log.warn({ queue: name, jobId: job?.id, err }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: name, err }, 'worker error'));
    return worker;
  });
}
