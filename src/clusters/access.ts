import { connect, type Socket } from 'node:net';
import type { ConnectGuard } from '../clients/connect-guard.js';
import { type EngineRelay, openThroughRelay, throughRelay } from '../clients/engine-relay.js';
import { DEFAULT_TIMEOUTS, EndpointError, HttpClient, type HttpClientFactory, type HttpTimeouts } from '../clients/http.js';
import { MarathonClient } from '../clients/marathon.js';
import type { MarathonInfo } from '../clients/marathon-model.js';
import { MesosClient } from '../clients/mesos.js';
import { type MasterState, pidAddress } from '../clients/mesos-model.js';
import { ZookeeperClient } from '../clients/zookeeper.js';
import { UserError } from '../errors.js';
import { endpointTarget, endpointTargets } from './attach.js';
import type { ClusterEndpoints, ClusterRecord } from './cluster-record.js';

/** A cluster as far as reaching it goes: where it answers, and whether the bot built it (and so trusts its endpoints). */
export type ClusterTarget = Pick<ClusterRecord, 'kind'> & { endpoints: ClusterEndpoints };

export interface ClusterAccessOptions {
  /** Checks the addresses of attached clusters, and whatever any cluster reports about itself. */
  guard: ConnectGuard;
  timeouts?: HttpTimeouts;
  zookeeperTimeoutMs?: number;
  /** Default: plain HttpClients (benchmarks pass one that records its calls). */
  httpClient?: HttpClientFactory;
}

/**
 * Clients for one attendee's cluster, whatever built it. The endpoints of a cluster the bot built are
 * trusted; everything else — an attached cluster's endpoints, and addresses any master reports (agent
 * pids, the leader) — goes through the guard on every connection. Two shared HTTP pools for all clusters.
 */
export class ClusterAccess {
  private readonly trusted: HttpClient;
  private readonly guarded: HttpClient;
  private readonly guard: ConnectGuard;
  private readonly zookeeperTimeoutMs: number;
  private readonly timeouts: HttpTimeouts;
  private readonly create: HttpClientFactory;
  /** One client per attendee engine (dind), by its relay's address. */
  private readonly relayed = new Map<string, HttpClient>();

  constructor(options: ClusterAccessOptions) {
    this.guard = options.guard;
    this.create = options.httpClient ?? ((timeouts, clientOptions) => new HttpClient(timeouts, clientOptions));
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.trusted = this.create(this.timeouts, {});
    this.guarded = this.create(this.timeouts, { guard: options.guard });
    this.zookeeperTimeoutMs = options.zookeeperTimeoutMs ?? 4000;
  }

  mesos(cluster: ClusterTarget): MesosClient {
    const { endpoints } = cluster;
    return new MesosClient(this.http(cluster), {
      masterUrl: endpoints.master,
      ...(endpoints.agents ? { agentUrls: endpoints.agents } : {}),
      reportedHttp: this.guarded,
      ...(endpoints.zookeeper ? { leaderFromZookeeper: () => this.mesosLeader(cluster) } : {}),
    });
  }

  marathon(cluster: ClusterTarget): MarathonClient {
    if (!cluster.endpoints.marathon)
      throw new UserError(
        'Your cluster has no Marathon endpoint.',
        'Attach it again with marathon=http://<host>:8080, or use a cluster from /cluster up.',
      );
    return new MarathonClient(this.http(cluster), cluster.endpoints.marathon);
  }

  /** Runs `work` on a fresh ZooKeeper session and always closes it. */
  async withZookeeper<T>(cluster: ClusterTarget, work: (zk: ZookeeperClient) => Promise<T>): Promise<T> {
    const connectString = cluster.endpoints.zookeeper;
    if (!connectString)
      throw new UserError(
        'Your cluster has no ZooKeeper endpoint.',
        'Attach it again with zookeeper=<host>:2181, or use a cluster from /cluster up.',
      );
    // The ZooKeeper client resolves names itself: hand it the address just checked, not the name.
    const target = cluster.kind === 'provisioned' ? connectString : await this.checkedZookeeper(connectString);
    const zk = await ZookeeperClient.connect(target, { timeoutMs: this.zookeeperTimeoutMs });
    try {
      return await work(zk);
    } finally {
      zk.close();
    }
  }

  /**
   * Before an attach: every endpoint must be on an address attached clusters may use (checked with fresh
   * data: no other attendee's cluster), and answer like what it claims to be. The error names the endpoint.
   */
  async probe(endpoints: ClusterEndpoints): Promise<{ mesosVersion: string; marathonVersion?: string }> {
    const named = { master: endpoints.master, marathon: endpoints.marathon, zookeeper: endpoints.zookeeper };
    for (const [role, endpoint] of Object.entries(named)) {
      const target = endpoint ? endpointTarget(endpoint) : undefined;
      if (!target) continue;
      await this.guard.check(target.host, target.port, { fresh: true }).catch((error: unknown) => {
        throw error instanceof UserError ? new UserError(`I can't attach ${role}=${endpoint}: ${error.message}.`, error.hint) : error;
      });
    }
    const cluster: ClusterTarget = { kind: 'attached', endpoints };
    const state = await this.mesos(cluster)
      .state()
      .catch((error: unknown) => rethrowAs('master', endpoints.master, error));
    if (!looksLikeMasterState(state)) throw notLike('master', endpoints.master);
    const info = endpoints.marathon
      ? await this.marathon(cluster)
          .info()
          .catch((error: unknown) => rethrowAs('marathon', endpoints.marathon!, error))
      : undefined;
    if (info && !looksLikeMarathonInfo(info)) throw notLike('marathon', endpoints.marathon!);
    if (endpoints.zookeeper) await this.withZookeeper(cluster, (zk) => zk.exists('/'));
    return { mesosVersion: state.version, ...(info ? { marathonVersion: info.version } : {}) };
  }

  async close(): Promise<void> {
    await Promise.all([this.trusted.close(), this.guarded.close(), ...[...this.relayed.values()].map((client) => client.close())]);
    this.relayed.clear();
  }

  /**
   * HTTP to the cluster and to what it reports (tasks' host:ports): guarded unless the bot built the
   * cluster; in an attendee engine, what the cluster reports is reached from inside that engine.
   */
  http(cluster: ClusterTarget): HttpClient {
    if (cluster.kind !== 'provisioned') return this.guarded;
    const relay = engineRelay(cluster);
    if (!relay) return this.trusted;
    const key = `${cluster.endpoints.relay} ${[...relay.direct].sort().join(' ')}`;
    let client = this.relayed.get(key);
    if (!client) {
      // The clients of engines whose clusters are gone hold no pool any more (each closes its idle ones): forget them.
      for (const [engine, other] of this.relayed) if (other.origins().length === 0) this.relayed.delete(engine);
      client = this.create(this.timeouts, { relay });
      this.relayed.set(key, client);
    }
    return client;
  }

  /** The cluster endpoints this process holds HTTP pools (and maybe connections) for, whatever the client. */
  origins(): string[] {
    return [this.trusted, this.guarded, ...this.relayed.values()].flatMap((client) => client.origins());
  }

  /**
   * A raw connection to `host:port` of this cluster (a task's TCP port), once it may be used; `relayed`
   * when it goes through the attendee engine's relay (connected there, whatever the target does).
   */
  async open(cluster: ClusterTarget, host: string, port: number, signal: AbortSignal): Promise<{ socket: Socket; relayed: boolean }> {
    const relay = cluster.kind === 'provisioned' ? engineRelay(cluster) : undefined;
    if (relay && throughRelay(relay, host, port))
      return { socket: await openThroughRelay(relay, host, port, { timeoutMs: this.timeouts.connectMs, signal }), relayed: true };
    const address = cluster.kind === 'provisioned' ? host : ((await this.guard.check(host, port))[0] ?? host);
    return { socket: connect({ host: address, port, signal }), relayed: false };
  }

  private async checkedZookeeper(connectString: string): Promise<string> {
    const target = endpointTarget(connectString);
    if (!target)
      throw new UserError(
        `The ZooKeeper address ${connectString} is not host:port.`,
        'Attach the cluster again with zookeeper=<host>:2181.',
      );
    const { host, port } = target;
    const [address] = await this.guard.check(host, port);
    // A chroot (`host:port/path`) is part of where the cluster's znodes are, not of the address.
    const chroot = /^[^/]*(\/.*)?$/.exec(connectString)?.[1] ?? '';
    return `${address!.includes(':') ? `[${address}]` : address}:${port}${chroot}`;
  }

  private async mesosLeader(cluster: ClusterTarget): Promise<string | undefined> {
    const { leader } = await this.withZookeeper(cluster, (zk) => zk.mesosMasters('/mesos'));
    return leader?.pid ? pidAddress(leader.pid) : undefined;
  }
}

/** The relay of a cluster in an attendee engine; its published endpoints are reached directly. */
function engineRelay(cluster: ClusterTarget): EngineRelay | undefined {
  const { relay, ...published } = cluster.endpoints;
  const target = relay ? endpointTarget(relay) : undefined;
  if (!target) return undefined;
  return { ...target, direct: new Set(endpointTargets(published).map(({ host, port }) => `${host}:${port}`)) };
}

/** What every Mesos master's /state has (0.19 to 1.x): a version, `master@host:port`, agents and frameworks. */
function looksLikeMasterState(state: MasterState): boolean {
  const raw = state.raw;
  return (
    typeof raw.version === 'string' &&
    typeof raw.id === 'string' &&
    /^master(\(\d+\))?@[^@\s]+:\d+$/.test(state.pid) &&
    Array.isArray(raw.frameworks) &&
    Array.isArray(raw.slaves ?? raw.agents)
  );
}

/** Marathon's /v2/info names itself. */
function looksLikeMarathonInfo(info: MarathonInfo): boolean {
  return info.raw.name === 'marathon' && typeof info.raw.version === 'string';
}

function notLike(role: 'master' | 'marathon', url: string): UserError {
  return new UserError(
    role === 'master'
      ? `master=${url} does not answer like a Mesos master: its /state lacks the version, pid, frameworks and agents every master reports.`
      : `marathon=${url} does not answer like Marathon: its /v2/info does not say it is Marathon.`,
    role === 'master' ? "Give the master's address, usually port 5050." : "Give Marathon's address, usually port 8080.",
  );
}

function rethrowAs(role: string, url: string, error: unknown): never {
  if (error instanceof EndpointError)
    throw new UserError(
      `${role}=${url} does not answer like a ${role === 'master' ? 'Mesos master' : 'Marathon'}: ${error.message}`,
      error.hint,
    );
  throw error;
}
