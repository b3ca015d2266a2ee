import type { Queue } from 'bullmq';
import type { ClusterBackend } from '../../clusters/backend.js';
import type { ClusterSpec } from '../../clusters/cluster-spec.js';
import { warmJob } from '../../clusters/provision-job.js';
import type { ClusterRegistry } from '../../clusters/registry.js';
import { type WarmEntry, type WarmPool, warmJobId, warmShape, warmSpec } from '../../clusters/warm-pool.js';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../../within.js';
import type { DockerHost } from '../hosts.js';
import { LABELS } from '../labels.js';
import { HOST_ANSWER_MS, httpJson } from '../wait.js';

export interface WarmKeeperDeps {
  hosts: DockerHost[];
  deployment: string;
  warm: WarmPool;
  registry: ClusterRegistry;
  /** The `clusters` queue, where warm builds wait behind attendees' builds. */
  queue: Queue;
  backend: ClusterBackend;
  /** How many more clusters of the spec the host has room for: no build is queued beyond it. */
  room(host: string, spec: ClusterSpec): Promise<number>;
  log: Logger;
}

/** What one refill did, per kind of change (cluster ids). */
export interface WarmRefillReport {
  queued: string[];
  removed: string[];
  found: string[];
}

/**
 * Keeps each Docker host's warm clusters at the target: queues builds for the missing ones, removes
 * surplus and other shapes (when `/workshop warm` shrinks or changes it) and ready ones whose master
 * stopped answering, finds the pool again from labels after a restart, and marks claimed clusters on
 * their host (a volume: labels cannot change) so no restart takes them for warm again.
 */
export class WarmKeeper {
  constructor(private readonly deps: WarmKeeperDeps) {}

  async refill(): Promise<WarmRefillReport> {
    const report: WarmRefillReport = { queued: [], removed: [], found: [] };
    await this.deps.warm.refillExclusively(async () => {
      const target = await this.deps.warm.target();
      const spec = warmSpec(target);
      const shape = warmShape(spec);
      const claimed = new Map(
        (await this.deps.registry.list()).flatMap((record) => (record.clusterId ? [[record.clusterId, record.attendee]] : [])),
      );
      // Attendees first: while builds wait for room, no host's room goes to warm clusters.
      const attendeesWaiting = (await this.deps.queue.getDelayedCount()) > 0;
      for (const host of this.deps.hosts) {
        if ((await withTimeout(host.docker.ping(), HOST_ANSWER_MS)) === undefined) continue;
        await this.refillHost(host, { count: target.count, shape, spec, claimed, attendeesWaiting }, report);
      }
    });
    if (report.queued.length + report.removed.length + report.found.length > 0) this.deps.log.info(report, 'warm pool refilled');
    return report;
  }

  private async refillHost(
    host: DockerHost,
    goal: { count: number; shape: string; spec: ReturnType<typeof warmSpec>; claimed: Map<string, string>; attendeesWaiting: boolean },
    report: WarmRefillReport,
  ): Promise<void> {
    const { warm } = this.deps;
    const labelled = await this.labelled(host);
    const marked = await this.marked(host);
    for (const [clusterId] of labelled) {
      const attendee = goal.claimed.get(clusterId);
      if (attendee && !marked.has(clusterId)) await this.mark(host, clusterId, attendee);
    }
    // An evicted one's containers are being removed: it is not a warm cluster Redis lost.
    const known = new Set([...(await warm.entries(host.id)).map((entry) => entry.clusterId), ...(await warm.evicted())]);
    for (const [clusterId, labelShape] of labelled) {
      if (goal.claimed.has(clusterId) || marked.has(clusterId) || known.has(clusterId)) continue;
      // Warm before a restart lost Redis: back in the pool, checked by a build that finds it made.
      await warm.add(host.id, labelShape, clusterId);
      report.found.push(clusterId);
    }
    const entries = await warm.entries(host.id);
    const unhealthy = await Promise.all(
      entries.map(async (entry) => entry.state === 'ready' && (!labelled.has(entry.clusterId) || !(await answers(entry)))),
    );
    // Other shapes and unhealthy ones go; beyond the count, the least far along go first.
    const keep = entries
      .filter((entry, index) => entry.shape === goal.shape && !unhealthy[index])
      .sort((a, b) => Number(b.state === 'ready') - Number(a.state === 'ready'));
    const surplus = [...entries.filter((entry) => !keep.includes(entry)), ...keep.splice(goal.count)];
    for (const entry of surplus) if (await this.remove(entry)) report.removed.push(entry.clusterId);
    for (const entry of keep.filter((candidate) => candidate.state === 'warming')) {
      const job = await this.deps.queue.getJob(warmJobId(entry.clusterId));
      if (!job) await this.queueBuild(entry.clusterId, host.id, goal.spec, report);
    }
    if (goal.attendeesWaiting) return;
    // Warming ones not yet placed will take room too; a host whose room went to attendees (eviction) gets none.
    const warming = keep.filter((entry) => entry.state === 'warming').length;
    const room = (await this.deps.room(host.id, goal.spec)) - warming;
    for (let missing = Math.min(goal.count - keep.length, room); missing > 0; missing--)
      await this.queueBuild(await warm.add(host.id, goal.shape), host.id, goal.spec, report);
  }

  private async queueBuild(clusterId: string, host: string, spec: ReturnType<typeof warmSpec>, report: WarmRefillReport) {
    const job = warmJob({ clusterId, host, spec });
    await this.deps.queue.add(job.name, job.data, job.opts);
    report.queued.push(clusterId);
  }

  /** Out of the pool (unless claimed first) and off its host. */
  private async remove(entry: WarmEntry): Promise<boolean> {
    if (!(await this.deps.warm.retire(entry.clusterId))) return false;
    const job = await this.deps.queue.getJob(warmJobId(entry.clusterId));
    // A running build notices by itself (its cluster left the pool) and removes what it made.
    if (job && (await job.getState()) !== 'active') await job.remove().catch(() => undefined);
    await this.deps.backend.destroy(entry.clusterId);
    return true;
  }

  /** Clusters built warm on the host (this deployment's), with their shape. */
  private async labelled(host: DockerHost): Promise<Map<string, string>> {
    const containers = await host.docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.managed}=true`, `${LABELS.deployment}=${this.deps.deployment}`, LABELS.warm] },
    });
    return new Map(containers.map((container) => [container.Labels[LABELS.cluster]!, container.Labels[LABELS.warm]!]));
  }

  /** Warm-built clusters an attendee claimed, as their markers on the host say. */
  private async marked(host: DockerHost): Promise<Set<string>> {
    const { Volumes: volumes } = await host.docker.listVolumes({
      filters: { label: [`${LABELS.managed}=true`, `${LABELS.deployment}=${this.deps.deployment}`, `${LABELS.role}=claim`] },
    });
    return new Set((volumes ?? []).map((volume) => volume.Labels[LABELS.cluster]!));
  }

  /** An empty volume labelled with its owner: removed with the cluster (removeCluster), it costs nothing meanwhile. */
  private async mark(host: DockerHost, clusterId: string, attendee: string): Promise<void> {
    await host.docker.createVolume({
      Name: `workshop-claimed-${clusterId}`,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.deployment]: this.deps.deployment,
        [LABELS.cluster]: clusterId,
        [LABELS.attendee]: attendee,
        [LABELS.role]: 'claim',
      },
    });
  }
}

/** A ready warm cluster's master answers (it is never handed out otherwise). */
async function answers(entry: WarmEntry): Promise<boolean> {
  return entry.master !== undefined && (await httpJson(`${entry.master}/state`).then(Boolean, () => false));
}
