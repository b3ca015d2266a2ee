import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';
import { JobTimeoutError, type Queues, waitForJob } from '../queue/queues.js';
import type { MessageRef } from '../render/blocks.js';
import { escapeMrkdwn } from '../render/mrkdwn.js';
import type { BuildStats } from './build-stats.js';
import type { ClusterEndpoints, ClusterRecord } from './cluster-record.js';
import { type ClusterSpec, summariseSpec } from './cluster-spec.js';
import { validateForUp } from './minimesos-file/index.js';
import { type DownJobData, upJob, upJobId } from './provision-job.js';
import type { ClusterRegistry } from './registry.js';
import type { WarmPool } from './warm-pool.js';

export type UpResult =
  | {
      queued: true;
      record: ClusterRecord;
      position: number;
      estimateMs: number;
      /** `announce`'s message came too late: a worker had already posted one, and this one should say so. */
      duplicate?: MessageRef;
    }
  | { queued: false; existing: ClusterRecord }
  /** A warm cluster of the same shape was free: it is the attendee's now, ready. */
  | { queued: false; warm: ClusterRecord };

/**
 * What /cluster and /state do with clusters, without knowing how clusters are built: records in
 * the registry, work in the `clusters` queue (so the bot's web process needs no Docker access).
 */
export class ClusterService {
  constructor(
    readonly registry: ClusterRegistry,
    private readonly queues: Queues,
    readonly stats: BuildStats,
    private readonly limits: { maxAgents: number },
    private readonly warm?: WarmPool,
  ) {}

  /**
   * Queues `up` unless the attendee already has a cluster. The record and its job are stored in one
   * MULTI, so a crash leaves either both or neither. `announce` then posts the progress message; if
   * this process dies before it does, the worker posts it in `channel` instead (a DM without one).
   * The spec must be one the workshop can build, whichever way it was written (flags or a file).
   */
  async up(
    attendee: string,
    spec: ClusterSpec,
    announce: (record: ClusterRecord) => Promise<MessageRef>,
    channel?: string,
  ): Promise<UpResult> {
    validateForUp(spec);
    if (spec.agents.length > this.limits.maxAgents) {
      throw new UserError(
        `This cluster asks for ${spec.agents.length} agents; the workshop allows ${this.limits.maxAgents}.`,
        'Use fewer agents (`--agents N`, or fewer agent { } blocks).',
      );
    }
    // Most repeats are caught here, before anything is queued.
    const existing = await this.registry.get(attendee);
    if (existing) return { queued: false, existing };
    const warm = await this.warm?.claim(attendee, spec, channel);
    if (warm) return { queued: false, warm };
    // minimesos' ids: random unsigned 32-bit decimals.
    const clusterId = String(randomInt(1, 2 ** 32 - 1));
    const job = upJob({ attendee, clusterId, spec });
    let claimed: ClusterRecord | undefined;
    const [stored] = await this.queues.addWith('clusters', job, (transaction) => {
      claimed = this.registry.queueClaim(transaction, {
        attendee,
        kind: 'provisioned',
        status: 'queued',
        step: 'queued',
        clusterId,
        clusterName: spec.clusterName ?? undefined,
        ...(channel ? { channel } : {}),
        request: JSON.stringify(spec),
        spec: summariseSpec(spec),
      });
    });
    if (stored !== 'OK') {
      // Another `up` of the same attendee won the race: this job's cluster has no record, so a worker would skip it anyway.
      await this.queues
        .get('clusters')
        .remove(job.opts.jobId)
        .catch(() => undefined);
      const winner = await this.registry.get(attendee);
      if (winner) return { queued: false, existing: winner };
      return this.up(attendee, spec, announce, channel);
    }
    const announced = await announce(claimed!).catch(() => undefined);
    const progressMessage = announced ? await this.registry.adoptProgressMessage(attendee, clusterId, announced) : null;
    const record = { ...claimed!, ...(progressMessage ? { progressMessage } : {}) };
    const position = await this.positionOf(job.opts.jobId);
    return {
      queued: true,
      record,
      position,
      estimateMs: await this.stats.estimateMs(position),
      ...(announced && progressMessage && !sameMessage(announced, progressMessage) ? { duplicate: announced } : {}),
    };
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
  async down(attendee: string, timeoutMs = 60_000): Promise<RemovedCluster | null> {
    const record = await this.registry.get(attendee);
    if (!record) return null;
    await this.registry.remove(attendee);
    if (record.kind === 'attached' || !record.clusterId) return record;
    const queue = this.queues.get('clusters');
    const waitingUp = await queue.getJob(upJobId(attendee, record.clusterId));
    if (waitingUp && ['waiting', 'prioritized', 'delayed'].includes(await waitingUp.getState()))
      await waitingUp.remove().catch(() => undefined);
    const data: DownJobData = { attendee, clusterId: record.clusterId, record };
    const job = await queue.add('down', data, { jobId: `down-${attendee}-${record.clusterId}` });
    try {
      await waitForJob(queue, job, timeoutMs);
    } catch (error) {
      // No worker took it in time (all busy, or none running): the record is gone and the job will run.
      if (error instanceof JobTimeoutError) return { ...record, removalPending: true };
      throw error;
    }
    // Its room on the host may go to a warm cluster the pool lacked for want of room.
    if ((await this.warm?.target())?.count) await this.warm?.requestRefill();
    return record;
  }

  /** Every attendee's cluster, each through `down`, a few at a time (the end of a session): who lost one, and whose removal failed. */
  async downAll(concurrency = 8): Promise<{ removed: string[]; failed: Array<{ attendee: string; error: unknown }> }> {
    const queue = (await this.registry.list()).map((record) => record.attendee);
    const removed: string[] = [];
    const failed: Array<{ attendee: string; error: unknown }> = [];
    const worker = async () => {
      for (let attendee = queue.shift(); attendee !== undefined; attendee = queue.shift()) {
        try {
          if (await this.down(attendee)) removed.push(attendee);
        } catch (error) {
          failed.push({ attendee, error });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { removed, failed };
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

  /** The owner's "Extend" button: pushes the expiry back by `byMs` (from now, if already past). */
  async extend(attendee: string, clusterId: string, byMs: number): Promise<number> {
    const record = await this.registry.get(attendee);
    if (!record || record.clusterId !== clusterId || !record.expiresAt) {
      throw new UserError(
        "This button is for the cluster's owner, and that cluster is not yours or is gone.",
        '`/cluster info` shows your own cluster.',
      );
    }
    const expiresAt = Math.max(Date.now(), record.expiresAt) + byMs;
    await this.registry.update(attendee, { expiresAt, expiryWarned: false });
    return expiresAt;
  }

  get(attendee: string): Promise<ClusterRecord | null> {
    return this.registry.get(attendee);
  }

  /**
   * The attendee's cluster when it is usable, or a UserError that says what to do: to the attendee,
   * or, when `asker` is someone else (an instructor looking), about the attendee.
   */
  async ready(attendee: string, asker = attendee): Promise<ReadyCluster> {
    const record = await this.registry.get(attendee);
    const other = asker === attendee ? undefined : attendee;
    if (!record) throw (await this.expired(attendee, asker)) ?? readyOrWhy(null, other);
    const usable = readyOrWhy(record, other);
    if (usable instanceof UserError) throw usable;
    return usable;
  }

  /** When the attendee's last cluster reached its time limit (within a day): that, and what to do, said to `asker`. */
  async expired(attendee: string, asker = attendee): Promise<UserError | null> {
    const other = asker === attendee ? undefined : attendee;
    const expired = await this.registry.expired(attendee);
    if (!expired) return null;
    const label = expired.clusterName ? `"${escapeMrkdwn(expired.clusterName)}"` : expired.clusterId;
    return new UserError(
      `${other ? `<@${other}>'s` : 'Your'} cluster ${label} reached its time limit at ${new Date(expired.expiredAt).toISOString().slice(11, 16)} UTC and was removed, with its apps.`,
      `${other ? 'They build' : 'Build'} a new one with \`/cluster up\`, then install the apps again with \`/cluster install\`.`,
    );
  }

  /** `ready` for several attendees in one round trip: each one's usable cluster, or the UserError `ready` would throw. */
  async readyMany(attendees: string[]): Promise<Map<string, ReadyCluster | UserError>> {
    const records = await this.registry.getMany(attendees);
    return new Map(attendees.map((attendee, index) => [attendee, readyOrWhy(records[index] ?? null)]));
  }
}

/** A removed cluster; `removalPending`: its containers are still there, their removal queued for a worker. */
export type RemovedCluster = ClusterRecord & { removalPending?: boolean };

const sameMessage = (a: MessageRef, b: MessageRef) => a.channel === b.channel && a.ts === b.ts;

export type ReadyCluster = ClusterRecord & { endpoints: ClusterEndpoints };

/** Why a cluster cannot be used, said to its owner, or about `other` (an attendee an instructor looks at). */
function readyOrWhy(record: ClusterRecord | null, other?: string): ReadyCluster | UserError {
  const whose = other ? `<@${other}>'s` : 'Your';
  if (!record)
    return other
      ? new UserError(`<@${other}> doesn't have a cluster yet.`, 'They start one with /cluster up, or link theirs with /cluster attach.')
      : new UserError(
          "You don't have a cluster yet.",
          'Start one with /cluster up, or link yours with /cluster attach master=http://<ip>:5050.',
        );
  if (record.status !== 'ready' || !record.endpoints) {
    const hint =
      record.status === 'failed'
        ? `Run /cluster down${other ? ` <@${other}>` : ''} and then /cluster up to try again.`
        : `Wait for it to be ready: /cluster info${other ? ` <@${other}>` : ''} shows its progress.`;
    return new UserError(`${whose} cluster is ${record.status === 'failed' ? 'in a failed state' : `still ${record.status}`}.`, hint);
  }
  return record as ReadyCluster;
}
