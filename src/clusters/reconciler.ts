import type { Queue } from 'bullmq';
import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { Message } from '../render/blocks.js';
import { ANNOUNCE_DEADLINE_MS } from './cluster-progress.js';
import type { ClusterRecord } from './cluster-record.js';
import type { ClusterSpec } from './cluster-spec.js';
import { type ClusterMessages, upJob, upJobId } from './provision-job.js';
import type { ClusterRegistry } from './registry.js';

export interface ReconcileMessages extends Pick<ClusterMessages, 'progress' | 'failed'> {
  /** The build's request is gone and cannot be rebuilt: the attendee should ask again. */
  lost(record: ClusterRecord): Message;
}

export interface ReconcileDeps {
  registry: ClusterRegistry;
  /** The `clusters` queue. */
  queue: Queue;
  notifier: Notifier;
  messages: ReconcileMessages;
  log: Logger;
  announceDeadlineMs?: number;
  now?: () => number;
}

export interface ReconcileReport {
  /** Builds whose job was lost, queued again from their record. */
  requeued: string[];
  /** Records with nothing to rebuild from, removed (their attendee was told to ask again). */
  removed: string[];
  /** Builds lost too often: reported as failed instead of queued once more. */
  failed: string[];
  /** Queued builds whose progress message was never posted (the web process died first): posted now. */
  announced: string[];
}

/** A build lost this often keeps crashing whatever runs it: it is reported as failed, not queued again. */
export const MAX_REPAIRS = 3;

/** Job states in which the queue still owns the build (an active job of a dead worker comes back by BullMQ's stall check). */
const LIVE_STATES = new Set(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children']);

/**
 * Repairs every build whose record and job disagree — a crash, a job failed by BullMQ itself (a worker
 * killed again and again), a Redis restore — and tells each attendee concerned. Runs when workers
 * start and in every sweep; one process at a time.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { requeued: [], removed: [], failed: [], announced: [] };
  await deps.registry.exclusively('reconcile', 5 * 60_000, () => reconcileAll(deps, report));
  if (report.requeued.length + report.removed.length + report.failed.length + report.announced.length > 0)
    deps.log.info(report, 'reconciled cluster records with their jobs');
  return report;
}

async function reconcileAll(deps: ReconcileDeps, report: ReconcileReport): Promise<void> {
  const now = (deps.now ?? Date.now)();
  for (const record of await deps.registry.list()) {
    if (record.kind !== 'provisioned' || !record.clusterId || (record.status !== 'queued' && record.status !== 'provisioning')) continue;
    const job = await deps.queue.getJob(upJobId(record.attendee, record.clusterId));
    const state = job ? await job.getState() : 'missing';
    if (LIVE_STATES.has(state)) {
      // A job waiting in line has no worker to post its message yet.
      if (!record.progressMessage && state !== 'active' && now - record.createdAt >= (deps.announceDeadlineMs ?? ANNOUNCE_DEADLINE_MS)) {
        await tell(deps, record, deps.messages.progress(record, 'queued', 'Your cluster is queued.'));
        report.announced.push(record.clusterId);
      }
      continue;
    }
    await repair(deps, record, record.clusterId, state, report).catch((err: unknown) =>
      deps.log.warn({ err, attendee: record.attendee, clusterId: record.clusterId }, 'could not repair a lost build'),
    );
  }
}

async function repair(deps: ReconcileDeps, record: ClusterRecord, clusterId: string, state: string, report: ReconcileReport) {
  const { attendee } = record;
  deps.log.warn({ attendee, clusterId, job: state }, `a ${record.status} cluster has no live job`);
  const spec = requestOf(record);
  if (!spec) {
    await deps.registry.remove(attendee);
    report.removed.push(clusterId);
    await tell(deps, record, deps.messages.lost(record), { dm: true });
    return;
  }
  const repairs = (record.repairs ?? 0) + 1;
  if (repairs > MAX_REPAIRS) {
    const error = `the build was interrupted ${MAX_REPAIRS} times (a worker died while building it)`;
    const failed = await deps.registry.update(attendee, { status: 'failed', error });
    report.failed.push(clusterId);
    if (failed) await tell(deps, failed, deps.messages.failed(failed, error));
    return;
  }
  // A failed or completed job keeps its id: it must go before the same id can be queued again.
  await (await deps.queue.getJob(upJobId(attendee, clusterId)))?.remove();
  const job = upJob({ attendee, clusterId, spec });
  await deps.queue.add(job.name, job.data, job.opts);
  const queued = await deps.registry.update(attendee, { status: 'queued', step: 'queued', repairs });
  if (!queued) return;
  report.requeued.push(clusterId);
  await tell(
    deps,
    queued,
    deps.messages.progress(queued, 'queued', 'The bot restarted while your cluster was queued or being built: it is queued again.'),
  );
}

/** The spec the record was asked with; undefined for records from before it was kept. */
function requestOf(record: ClusterRecord): ClusterSpec | undefined {
  try {
    return record.request ? (JSON.parse(record.request) as ClusterSpec) : undefined;
  } catch {
    return undefined;
  }
}

/** On the attendee's progress message when there is one, else posted where they asked (a DM when unknown). */
async function tell(deps: ReconcileDeps, record: ClusterRecord, message: Message, options: { dm?: boolean } = {}) {
  try {
    if (record.progressMessage) {
      await deps.notifier.update(record.progressMessage, message);
      if (options.dm) await deps.notifier.post(record.attendee, message);
      return;
    }
    const ref = await deps.notifier.post(options.dm ? record.attendee : (record.channel ?? record.attendee), message);
    if (record.clusterId) await deps.registry.adoptProgressMessage(record.attendee, record.clusterId, ref);
  } catch (err) {
    deps.log.warn({ err, attendee: record.attendee }, 'could not tell an attendee about their cluster');
  }
}
