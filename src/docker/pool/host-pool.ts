import type { Redis } from 'ioredis';
import { NoCapacityError } from '../../clusters/backend.js';
import { UserError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../../within.js';
import type { DockerHost } from '../hosts.js';
import { LABELS } from '../labels.js';
import { HOST_ANSWER_MS } from '../wait.js';
import { CapacityLedger, type ClusterNeed, type HostUsage, type Placement, roomOn } from './capacity-ledger.js';

type HostSize = { memoryBytes: number; nanoCpus: number; diskFreeBytes?: number };

/** `all 2 Docker hosts are full` / `no Docker host has room (1 full, 1 not answering)`, and what would end the wait. */
function describeShortage(usage: HostUsage[], need: ClusterNeed): NoCapacityError {
  const down = usage.filter((host) => host.down).length;
  const lowDisk = usage.filter(
    (host) => !host.down && host.diskFreeBytes !== undefined && host.diskFreeBytes < (need.diskBytes ?? 0),
  ).length;
  const full = usage.length - down - lowDisk;
  const waitsFor = [
    full > 0 ? 'a cluster is removed' : '',
    down > 0 ? `${down === usage.length ? 'a Docker host' : 'a host that does not answer'} answers again` : '',
    lowDisk > 0 ? 'disk is freed on a host' : '',
  ].filter(Boolean);
  const until = waitsFor.length > 1 ? `${waitsFor.slice(0, -1).join(', ')} or ${waitsFor.at(-1)}` : waitsFor[0];
  if (down === 0 && lowDisk === 0)
    return new NoCapacityError(`all ${usage.length} Docker host${usage.length === 1 ? ' is' : 's are'} full`, until);
  const reasons = [
    full > 0 ? `${full} full` : '',
    lowDisk > 0 ? `${lowDisk} low on disk` : '',
    down > 0 ? `${down} not answering` : '',
  ].filter(Boolean);
  return new NoCapacityError(`no Docker host has room (${reasons.join(', ')})`, until);
}

const gigabytes = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/**
 * A cluster bigger than what any host gives clusters when empty would wait for room forever: it is
 * refused instead, with its size and the largest host's. Hosts never measured do not count.
 */
function neverFits(usage: HostUsage[], need: ClusterNeed): UserError | undefined {
  const measured = usage.filter((host) => host.memoryBytes > 0 && host.nanoCpus > 0 && host.maxClusters > 0);
  if (measured.length === 0 || measured.some((host) => host.memoryBytes >= need.memoryBytes && host.nanoCpus >= need.nanoCpus))
    return undefined;
  const largest = Math.max(...measured.map((host) => host.memoryBytes));
  const tooMuch =
    need.memoryBytes > largest
      ? `${gigabytes(need.memoryBytes)} of memory on one Docker host, and the largest host here gives clusters ${gigabytes(largest)}`
      : `${need.nanoCpus / 1e9} CPUs on one Docker host, more than any host here gives clusters`;
  return new UserError(
    `This cluster needs ${tooMuch}, so it can never be built here.`,
    'Ask for fewer agents (`--agents N`, or fewer `agent { }` blocks); the instructor can add a bigger Docker host.',
  );
}

export interface HostPoolOptions {
  /** Clusters one host runs at most (also bounds concurrent starts on it). */
  maxClustersPerHost: number;
  /** Share of a host's memory attendee clusters may reserve. */
  memoryShare: number;
  /** How many times its cores a host's CPU requests may add up to: clusters idle most of the time. */
  cpuOvercommit: number;
  /** Free disk a host keeps for itself: below it, no new cluster goes there. */
  minFreeDiskBytes: number;
  /** An image with `df` present on every host (the engine or ZooKeeper image); none: disk is not measured. */
  diskProbeImage?: string;
  /** Only this deployment's clusters count: another bot (or test run) on the engine keeps its own ledger. */
  deployment: string;
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
    const sizes = await Promise.all(this.hosts.map((host) => this.measure(host)));
    this.ledger = new CapacityLedger(
      this.redis,
      this.hosts.map((host, index) => ({
        id: host.id,
        memoryBytes: sizes[index]?.memoryBytes ?? 0,
        nanoCpus: sizes[index]?.nanoCpus ?? 0,
        maxClusters: this.options.maxClustersPerHost,
      })),
    );
    await this.ledger.register();
    await this.rebuild();
    await this.record(sizes);
  }

  /**
   * The host for a new cluster (`onlyOn`: that host or none), or NoCapacityError. An attendee's build
   * says when they asked (`requestedAt`): while it waits, room goes to whoever asked first.
   */
  async place(clusterId: string, need: ClusterNeed, options: Placement = {}): Promise<DockerHost> {
    const { onlyOn } = options;
    const hostId = await this.ledger!.reserve(clusterId, need, options);
    const host = this.hosts.find((candidate) => candidate.id === hostId);
    if (host) return host;
    const usage = (await this.usage()).filter((candidate) => onlyOn === undefined || candidate.id === onlyOn);
    const refused = onlyOn === undefined && neverFits(usage, need);
    if (refused) throw refused;
    // Room there is, yet not for this build: it went to builds that asked before.
    if (usage.some((candidate) => roomOn(candidate, need) > 0))
      throw new NoCapacityError('the room there is goes first to attendees who asked before you', 'it is your turn');
    throw describeShortage(usage, need);
  }

  /** Leaves the line for room: the build got a warm cluster's room instead. */
  async leaveLine(clusterId: string): Promise<void> {
    await this.ledger?.leaveLine(clusterId);
  }

  /** How many more clusters of this need the host takes now. */
  async room(hostId: string, need: ClusterNeed): Promise<number> {
    return this.ledger!.room(hostId, need);
  }

  /** The host a cluster's reservation is on, if it has one. */
  reservedHost(clusterId: string): Promise<string | null> {
    return this.ledger!.hostOf(clusterId);
  }

  async release(clusterId: string): Promise<void> {
    await this.ledger?.release(clusterId);
  }

  /** Measures every host again: one that does not answer gets no new clusters until it does; a full disk counts too. */
  async checkHealth(): Promise<void> {
    await this.record(await Promise.all(this.hosts.map((host) => this.measure(host))));
  }

  private async record(sizes: Array<HostSize | undefined>): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host, index) => {
        const size = sizes[index];
        if (size) await this.ledger!.update(host.id, size);
        await this.ledger!.setDown(host.id, !size);
        if (!size) this.log.warn({ host: host.id }, 'Docker host does not answer; skipped for new clusters');
      }),
    );
  }

  /** What a host offers now, or undefined when it does not answer within a few seconds. */
  private async measure(host: DockerHost): Promise<HostSize | undefined> {
    const info = (await withTimeout(host.docker.info(), HOST_ANSWER_MS)) as
      | { MemTotal: number; NCPU: number; DockerRootDir?: string }
      | undefined;
    if (!info) return undefined;
    const diskFree = await this.freeDisk(host, info.DockerRootDir ?? '/var/lib/docker');
    return {
      memoryBytes: Math.floor(info.MemTotal * this.options.memoryShare),
      nanoCpus: info.NCPU * 1e9 * this.options.cpuOvercommit,
      ...(diskFree === undefined ? {} : { diskFreeBytes: diskFree - this.options.minFreeDiskBytes }),
    };
  }

  /**
   * Free space where the engine keeps images and containers ("no space left" is the top complaint
   * on shared playgrounds), read with `df` in a throwaway container; unknown when that fails.
   */
  private async freeDisk(host: DockerHost, rootDir: string): Promise<number | undefined> {
    if (!this.options.diskProbeImage) return undefined;
    try {
      const container = await host.docker.createContainer({
        Image: this.options.diskProbeImage,
        Entrypoint: ['df', '-Pk', '/data'],
        Cmd: [],
        HostConfig: { Binds: [`${rootDir}:/data:ro`], AutoRemove: false, NetworkMode: 'none' },
      });
      try {
        await container.start();
        await withTimeout(container.wait(), HOST_ANSWER_MS);
        const output = (await container.logs({ stdout: true, stderr: false })).toString('latin1');
        const available = /\s(\d+)\s+\d+%\s+\/data\s*$/m.exec(output)?.[1];
        return available === undefined ? undefined : Number(available) * 1024;
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    } catch (error) {
      this.log.warn({ host: host.id, err: error }, 'could not measure free disk on the Docker host');
      return undefined;
    }
  }

  usage() {
    return this.ledger!.usage();
  }

  /** Reservations from what actually runs: what each cluster's containers say it reserved. */
  private async rebuild(): Promise<void> {
    const running: Array<{ clusterId: string; hostId: string; need: ClusterNeed }> = [];
    for (const host of this.hosts) {
      const containers = await withTimeout(
        host.docker.listContainers({
          all: true,
          filters: { label: [`${LABELS.managed}=true`, `${LABELS.deployment}=${this.options.deployment}`] },
        }),
        HOST_ANSWER_MS,
      );
      const byCluster = new Map<string, ClusterNeed>();
      for (const container of containers ?? []) {
        const clusterId = container.Labels[LABELS.cluster];
        const reserved = container.Labels[LABELS.reserved];
        if (clusterId && reserved && !byCluster.has(clusterId)) byCluster.set(clusterId, JSON.parse(reserved) as ClusterNeed);
      }
      for (const [clusterId, need] of byCluster) running.push({ clusterId, hostId: host.id, need });
    }
    await this.ledger!.rebuild(running);
  }
}
