import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
import { type Queues, waitForJob } from '../queue/queues.js';
import type { MessageRef } from '../router/types.js';
import type { BuildStats } from './build-stats.js';
import { type ClusterSpec, summariseSpec } from './cluster-spec.js';
import type { DownJobData, UpJobData } from './provision-job.js';
import type { ClusterEndpoints, ClusterRecord, ClusterRegistry } from './registry.js';

export type UpResult =
  | { queued: true; record: ClusterRecord; position: number; estimateMs: number }
  | { queued: false; existing: ClusterRecord };

/**
 * What /cluster and /state do with clusters, without knowing how clusters are built: records in
 * the registry, work in the `clusters` queue (so the bot's web process needs no Docker access).
 */
export class ClusterService {
  constructor(
    readonly registry: ClusterRegistry,
    private readonly queues: Queues,
    readonly stats: BuildStats,
  ) {}

  /** Queues `up` unless the attendee already has a cluster; `announce` posts the progress message. */
  async up(attendee: string, spec: ClusterSpec, announce: (record: ClusterRecord) => Promise<MessageRef>): Promise<UpResult> {
    // minimesos' ids: random unsigned 32-bit decimals.
    const clusterId = String(randomInt(1, 2 ** 32 - 1));
    const claim = await this.registry.claim({
      attendee,
      kind: 'provisioned',
      status: 'queued',
      step: 'queued',
      clusterId,
      clusterName: spec.clusterName ?? undefined,
      spec: summariseSpec(spec),
    });
    if (!claim.claimed) return { queued: false, existing: claim.record };
    const progressMessage = await announce(claim.record).catch(() => undefined);
    const record = (await this.registry.update(attendee, { progressMessage })) ?? claim.record;
    const queue = this.queues.get('clusters');
    const data: UpJobData = { attendee, clusterId, spec };
    await queue.add('up', data, { jobId: upJobId(attendee, clusterId), priority: BUILD_PRIORITY });
    const position = await this.positionOf(upJobId(attendee, clusterId));
    return { queued: true, record, position, estimateMs: await this.stats.estimateMs(position) };
  }

  /** 1 = next to be built; 0 = being built (or done). Builds wait in priority order, oldest first. */
  async positionOf(jobId: string): Promise<number> {
    const waiting = await this.queues.get('clusters').getPrioritized(0, -1);
    return waiting.findIndex((job) => job.id === jobId) + 1;
  }

  /**
   * Removes the attendee's cluster (idempotent). A queued `up` is dropped, a running one notices the
   * record is gone and stops; the containers are removed by a `down` job, awaited here.
   */
  async down(attendee: string, timeoutMs = 120_000): Promise<ClusterRecord | null> {
    const record = await this.registry.get(attendee);
    if (!record) return null;
    await this.registry.remove(attendee);
    if (record.kind === 'attached' || !record.clusterId) return record;
    const queue = this.queues.get('clusters');
    const waitingUp = await queue.getJob(upJobId(attendee, record.clusterId));
    if (waitingUp && ['waiting', 'prioritized', 'delayed'].includes(await waitingUp.getState()))
      await waitingUp.remove().catch(() => undefined);
    const data: DownJobData = { attendee, clusterId: record.clusterId };
    const job = await queue.add('down', data, { jobId: `down-${attendee}-${record.clusterId}` });
    await waitForJob(queue, job, timeoutMs);
    return record;
  }

  async attach(attendee: string, endpoints: ClusterEndpoints): Promise<ClusterRecord> {
    const claim = await this.registry.claim({ attendee, kind: 'attached', status: 'ready', endpoints });
    if (!claim.claimed) {
      const existing = claim.record;
      throw new UserError(
        existing.kind === 'attached'
          ? `You already have a cluster attached (${existing.endpoints?.master}).`
          : `You already have a cluster from /cluster up (${existing.status}).`,
        existing.kind === 'attached'
          ? 'Run /cluster detach first, then attach the new one.'
          : 'Run /cluster down first if you want to use another cluster.',
      );
    }
    return claim.record;
  }

  async detach(attendee: string): Promise<ClusterRecord | null> {
    const record = await this.registry.get(attendee);
    if (!record) return null;
    if (record.kind !== 'attached')
      throw new UserError('Your cluster was built by /cluster up, not attached.', 'Use /cluster down to remove it.');
    await this.registry.remove(attendee);
    return record;
  }

  get(attendee: string): Promise<ClusterRecord | null> {
    return this.registry.get(attendee);
  }

  /** The attendee's cluster when it is usable, or a UserError that says what to do. */
  async ready(attendee: string): Promise<ClusterRecord & { endpoints: ClusterEndpoints }> {
    const record = await this.registry.get(attendee);
    if (!record)
      throw new UserError(
        "You don't have a cluster yet.",
        'Start one with /cluster up, or link yours with /cluster attach master=http://<ip>:5050.',
      );
    if (record.status !== 'ready' || !record.endpoints) {
      const hint =
        record.status === 'failed'
          ? 'Run /cluster down and then /cluster up to try again.'
          : 'Wait for it to be ready: /cluster info shows its progress.';
      throw new UserError(`Your cluster is ${record.status === 'failed' ? 'in a failed state' : `still ${record.status}`}.`, hint);
    }
    return record as ClusterRecord & { endpoints: ClusterEndpoints };
  }
}

const upJobId = (attendee: string, clusterId: string) => `up-${attendee}-${clusterId}`;

/** Builds wait behind removals (which carry no priority, BullMQ's highest): a full pool must not block `down`. */
const BUILD_PRIORITY = 10;
