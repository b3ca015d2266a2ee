import { isDeepStrictEqual } from 'node:util';
import { DelayedError, type Job, type JobsOptions, type Processor, UnrecoverableError } from 'bullmq';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { Message } from '../render/blocks.js';
import { type ClusterBackend, NoCapacityError, type ProvisionStep } from './backend.js';
import type { BuildStats } from './build-stats.js';
import { ClusterProgress } from './cluster-progress.js';
import type { ClusterRecord } from './cluster-record.js';
import type { ClusterSpec } from './cluster-spec.js';
import type { ClusterRegistry } from './registry.js';
import { WARM_ATTENDEE, WARM_PRIORITY, type WarmPool, warmJobId } from './warm-pool.js';

export interface UpJobData {
  attendee: string;
  clusterId: string;
  spec: ClusterSpec;
}

/** One job id per cluster: what `/cluster down` cancels, and what the reconciler looks for. */
export const upJobId = (attendee: string, clusterId: string) => `up-${attendee}-${clusterId}`;

/** Builds wait behind removals (which carry no priority, BullMQ's highest): a full pool must not block `down`. */
export function upJob(data: UpJobData): { name: 'up'; data: UpJobData; opts: JobsOptions & { jobId: string } } {
  return { name: 'up', data, opts: { jobId: upJobId(data.attendee, data.clusterId), priority: 10 } };
}

/** A cluster for the warm pool, built on its host and handed out ready. */
export interface WarmJobData {
  clusterId: string;
  host: string;
  spec: ClusterSpec;
}

export function warmJob(data: WarmJobData): { name: 'warm'; data: WarmJobData; opts: JobsOptions & { jobId: string } } {
  return {
    name: 'warm',
    data,
    opts: { jobId: warmJobId(data.clusterId), priority: WARM_PRIORITY, removeOnComplete: true, removeOnFail: true },
  };
}

export interface DownJobData {
  attendee: string;
  clusterId: string;
  /** The attendee's record as it was removed: its progress message in the channel then says the cluster is gone. */
  record?: ClusterRecord;
}

/** How cluster progress looks to the attendee; the /cluster command renders it. */
export interface ClusterMessages {
  progress(record: ClusterRecord, step: ProvisionStep, detail?: string): Message;
  /** The channel's last word: ready, with no address in it. */
  ready(record: ClusterRecord): Message;
  /** Where it answers and the export lines, sent to its owner alone. */
  endpoints(record: ClusterRecord): Message;
  failed(record: ClusterRecord, error: string): Message;
  /** The progress message's last word when the cluster is removed (`/cluster down`, a session's end), built or not. */
  removed(record: ClusterRecord): Message;
}

export interface ClusterJobDeps {
  registry: ClusterRegistry;
  backend: ClusterBackend;
  notifier: Notifier;
  messages: ClusterMessages;
  log: Logger;
  /** Where finished builds are timed, for the queue's estimates. */
  stats?: BuildStats;
  /** How long a ready cluster lives before the reaper removes it. */
  ttlMs: number;
  /** How often a running `up` checks whether its cluster was removed (`/cluster down` meanwhile). */
  cancelPollMs?: number;
  /** How long the web process has to post the progress message before the worker posts it. */
  announceDeadlineMs?: number;
  /** The warm pool, for `warm` jobs. */
  warm?: WarmPool;
  /** Which errors mean the bot's own database did not answer (ioredis' "Command timed out" would read like the attendee's command). */
  isStoreUnavailable?: (error: unknown) => boolean;
}

/** The `clusters` queue: `up` builds an attendee's cluster, `down` removes one. */
export function clusterJobProcessor(deps: ClusterJobDeps): Processor<UpJobData | DownJobData | WarmJobData> {
  return async (job, token, signal) => {
    if (job.name === 'down') {
      const { clusterId, record } = job.data as DownJobData;
      await deps.backend.destroy(clusterId);
      // Else the channel goes on saying "queued…", "agents…" or "ready" about a cluster that is gone.
      if (record?.progressMessage)
        await deps.notifier
          .update(record.progressMessage, deps.messages.removed(record))
          .catch((err: unknown) => deps.log.warn({ err, clusterId }, 'could not say the cluster was removed'));
      return { destroyed: clusterId };
    }
    if (job.name === 'warm') return runWarm(deps, job as Job<WarmJobData>, signal);
    return runUp(deps, job as Job<UpJobData>, token, signal);
  };
}

/** How long a build waits for room before trying the pool again. */
const CAPACITY_RETRY_MS = 5000;

async function runUp(deps: ClusterJobDeps, job: Job<UpJobData>, token: string | undefined, workerSignal: AbortSignal | undefined) {
  const { attendee, clusterId, spec } = job.data;
  const log = deps.log.child({ attendee, clusterId, jobId: job.id });
  const start = await deps.registry.get(attendee);
  if (!start || start.clusterId !== clusterId) return { skipped: 'the cluster was removed before it was built' };

  const startedAt = Date.now();
  // "provisioning" once the backend reports a step: until then it may still be waiting for room.
  let record: ClusterRecord =
    start.error || start.errorHint ? ((await deps.registry.update(attendee, { error: undefined, errorHint: undefined })) ?? start) : start;
  const progress = new ClusterProgress({ ...deps, log }, attendee, clusterId, record);
  const cancelled = new AbortController();
  const watcher = watchForRemoval(deps, attendee, clusterId, cancelled);
  const signal = workerSignal ? AbortSignal.any([workerSignal, cancelled.signal]) : cancelled.signal;

  try {
    const built = await deps.backend.provision({
      attendee,
      clusterId,
      spec,
      signal,
      requestedAt: job.timestamp,
      onProgress: (step, detail) => {
        // Removed meanwhile: what the backend still reports (an image it goes on building) is no news.
        if (cancelled.signal.aborted) return;
        void job.updateProgress({ step, ...(detail ? { detail } : {}) });
        record = { ...record, step };
        progress.show(deps.messages.progress(record, step, detail));
        void deps.registry
          .update(attendee, { status: 'provisioning', step, waitingFor: undefined })
          .catch((err: unknown) => log.warn({ err }, 'could not record progress'));
      },
    });
    await deps.stats?.record(Date.now() - startedAt).catch((err: unknown) => log.warn({ err }, 'could not record the build time'));
    const ready = await deps.registry.update(attendee, {
      status: 'ready',
      step: 'ready',
      endpoints: built.endpoints,
      exports: built.exports,
      clusterTokens: built.clusterTokens,
      warnings: built.warnings,
      host: built.host,
      expiresAt: Date.now() + deps.ttlMs,
    });
    if (!ready || ready.clusterId !== clusterId) throw new UnrecoverableError('the cluster was removed while it was being built');
    await progress.finish(deps.messages.ready(ready));
    // Anyone in the channel could attach what it shows: the endpoints go to the owner only.
    await deps.notifier
      .dm(attendee, deps.messages.endpoints(ready))
      .catch((err: unknown) => log.warn({ err }, 'could not send the endpoints'));
    return { endpoints: built.endpoints };
  } catch (error) {
    if (error instanceof NoCapacityError && !cancelled.signal.aborted) {
      // The room is bigger than the pool: wait in line, visibly, instead of failing. It looks for room
      // every few seconds; the message (and the record the board follows) change only when the reason does.
      const waiting = { step: 'queued', detail: `Waiting for room: ${error.message}. Your build starts as soon as ${error.waitsFor}.` };
      if (!isDeepStrictEqual(job.progress, waiting)) {
        progress.show(deps.messages.progress(record, 'queued', waiting.detail));
        await deps.registry.update(attendee, { status: 'queued', step: 'queued', waitingFor: waiting.detail });
        await job.updateProgress(waiting);
      }
      await job.moveToDelayed(Date.now() + CAPACITY_RETRY_MS, token);
      throw new DelayedError();
    }
    const message = errorMessage(error);
    const removed = cancelled.signal.aborted || error instanceof UnrecoverableError;
    const lastAttempt = removed || error instanceof UserError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!lastAttempt) {
      log.warn({ err: error }, 'provisioning failed; BullMQ will retry');
      const why = deps.isStoreUnavailable?.(error) ? "the bot's database did not answer for a moment (what was built is kept)" : message;
      progress.show(deps.messages.progress(record, 'queued', `retrying after: ${why}`));
      throw error;
    }
    // Nothing half-built may stay behind, whatever went wrong.
    await deps.backend.destroy(clusterId).catch((err: unknown) => log.error({ err }, 'cleanup after a failed provisioning failed'));
    if (removed) {
      // The last edit of this message, after any step shown while the removal was under way.
      await progress.finish(deps.messages.removed(record));
      return { skipped: 'the cluster was removed while it was being built' };
    }
    const errorHint = error instanceof UserError ? error.hint : undefined;
    const failed = await deps.registry.update(attendee, { status: 'failed', error: message, ...(errorHint ? { errorHint } : {}) });
    if (failed) await progress.finish(deps.messages.failed(failed, message));
    throw new UnrecoverableError(message);
  } finally {
    clearInterval(watcher);
  }
}

/**
 * Builds a warm cluster on its host, idempotently (a worker killed meanwhile: the next one finishes
 * it), and only then lets it be handed out. One that cannot be built is removed, never left half-made.
 */
async function runWarm(deps: ClusterJobDeps, job: Job<WarmJobData>, signal: AbortSignal | undefined) {
  const { clusterId, host, spec } = job.data;
  const warm = deps.warm!;
  const entry = await warm.get(clusterId);
  if (!entry) {
    await deps.backend.destroy(clusterId);
    return { skipped: 'no longer in the warm pool' };
  }
  try {
    const built = await deps.backend.provision({
      attendee: WARM_ATTENDEE,
      clusterId,
      spec,
      host,
      warm: entry.shape,
      signal: signal ?? new AbortController().signal,
      onProgress: (step) => void job.updateProgress({ step }),
    });
    if (await warm.markReady(clusterId, built)) return { warm: clusterId };
    await deps.backend.destroy(clusterId);
    return { skipped: 'taken out of the warm pool while it was built' };
  } catch (error) {
    const last = error instanceof NoCapacityError || error instanceof UserError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!last) throw error;
    // A warming cluster is nobody's: whatever is left of it goes, and the next refill tries again.
    await warm.retire(clusterId);
    await deps.backend.destroy(clusterId).catch((err: unknown) => deps.log.error({ err, clusterId }, 'cleanup of a warm cluster failed'));
    if (error instanceof NoCapacityError) return { skipped: `no room for a warm cluster on ${host}: ${error.message}` };
    throw new UnrecoverableError(errorMessage(error));
  }
}

/** `/cluster down` may run in another process: it removes the record, and the job notices. */
function watchForRemoval(deps: ClusterJobDeps, attendee: string, clusterId: string, cancelled: AbortController): NodeJS.Timeout {
  return setInterval(() => {
    deps.registry.get(attendee).then(
      (current) => {
        if (!current || current.clusterId !== clusterId) cancelled.abort(new UserError('the cluster was removed while it was being built'));
      },
      () => undefined,
    );
  }, deps.cancelPollMs ?? 1000);
}
