import type { Logger } from '../logger.js';
import type { DockerHost } from '../docker/hosts.js';
import { LABELS } from '../docker/labels.js';
import { CapacityLedger, type ClusterNeed } from './capacity-ledger.js';
import type { Redis } from 'ioredis';

/** No host has room now: the build waits (and the attendee is told) instead of failing. */
export class NoCapacityError extends Error {
  constructor(readonly hosts: number) {
    super(`all ${hosts} Docker host${hosts === 1 ? ' is' : 's are'} full`);
    this.name = 'NoCapacityError';
  }
}

export interface HostPoolOptions {
  /** Clusters one host runs at most (also bounds concurrent starts on it). */
  maxClustersPerHost: number;
  /** Share of a host's memory attendee clusters may reserve. */
  memoryShare: number;
  /** CPU overcommit: clusters idle most of the time. */
  cpuOvercommit: number;
}

/**
 * The Docker hosts of a room: each host's capacity read from the engine, reservations kept
 * atomically in Redis (CapacityLedger), hosts that stop answering skipped until they answer again.
 */
export class HostPool {
  private ledger: CapacityLedger | undefined;

  constructor(
    readonly hosts: DockerHost[],
    private readonly redis: () => Redis,
    private readonly options: HostPoolOptions,
    private readonly log: Logger,
  ) {}

  /** Reads every host's size, registers it and rebuilds reservations from the running containers. */
  async start(): Promise<void> {
    const capacities = await Promise.all(
      this.hosts.map(async (host) => {
        const info = (await host.docker.info().catch(() => undefined)) as { MemTotal?: number; NCPU?: number } | undefined;
        return { id: host.id, memoryBytes: Math.floor((info?.MemTotal ?? 0) * this.options.memoryShare), nanoCpus: (info?.NCPU ?? 0) * 1e9 * this.options.cpuOvercommit, maxClusters: this.options.maxClustersPerHost };
      }),
    );
    this.ledger = new CapacityLedger(this.redis, capacities);
    await this.ledger.register();
    await this.rebuild();
    await this.checkHealth();
  }

  /** The host for a new cluster, or NoCapacityError. */
  async place(clusterId: string, need: ClusterNeed): Promise<DockerHost> {
    const hostId = await this.ledger!.reserve(clusterId, need);
    const host = this.hosts.find((candidate) => candidate.id === hostId);
    if (!host) throw new NoCapacityError(this.hosts.length);
    return host;
  }

  async release(clusterId: string): Promise<void> {
    await this.ledger?.release(clusterId);
  }

  /** A host that does not answer a ping gets no new clusters until it does. */
  async checkHealth(): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host) => {
        const up = await host.docker.ping().then(() => true, () => false);
        await this.ledger!.setDown(host.id, !up);
        if (!up) this.log.warn({ host: host.id }, 'Docker host does not answer; skipped for new clusters');
      }),
    );
  }

  usage() {
    return this.ledger!.usage();
  }

  /** Reservations from what actually runs: each cluster's containers' memory and CPU limits. */
  private async rebuild(): Promise<void> {
    const running: Array<{ clusterId: string; hostId: string; need: ClusterNeed }> = [];
    for (const host of this.hosts) {
      const containers = await host.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } }).catch(() => []);
      const byCluster = new Map<string, ClusterNeed>();
      for (const container of containers) {
        const clusterId = container.Labels[LABELS.cluster];
        if (!clusterId) continue;
        const info = await host.docker.getContainer(container.Id).inspect().catch(() => undefined);
        const need = byCluster.get(clusterId) ?? { memoryBytes: 0, nanoCpus: 0 };
        need.memoryBytes += info?.HostConfig.Memory ?? 0;
        need.nanoCpus += info?.HostConfig.NanoCpus ?? 0;
        byCluster.set(clusterId, need);
      }
      for (const [clusterId, need] of byCluster) running.push({ clusterId, hostId: host.id, need });
    }
    await this.ledger!.rebuild(running);
  }
}
