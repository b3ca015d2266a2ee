import type { Socket } from 'node:net';
import type { HttpResponse } from '../clients/http.js';
import type { MarathonApp } from '../clients/marathon-model.js';
import type { MesosClient } from '../clients/mesos.js';
import type { MasterState } from '../clients/mesos-model.js';
import type { ZookeeperClient } from '../clients/zookeeper.js';
import type { ClusterAccess, ClusterTarget } from '../clusters/access.js';
import type { ClusterEndpoints } from '../clusters/cluster-record.js';
import type { ClusterSpecSummary } from '../clusters/cluster-spec.js';
import type { CheckScope } from './check-type.js';

export interface ClusterViewSources {
  /** Where it answers, and whether the bot built it: what an attached cluster reports is reached only where attached clusters may be. */
  cluster: ClusterTarget;
  spec?: ClusterSpecSummary;
  access: ClusterAccess;
}

/**
 * One run's view of a cluster: the master's state and Marathon's apps are read once, however many
 * steps need them, and every step gets its own scope (its own deadline, its own list of what it waits on).
 */
export class ClusterView {
  private state: Promise<MasterState> | undefined;
  private apps: Promise<MarathonApp[]> | undefined;
  private mesosClient: MesosClient | undefined;

  constructor(readonly sources: ClusterViewSources) {}

  masterState(): Promise<MasterState> {
    this.state ??= this.mesos().state();
    return this.state;
  }

  marathonApps(): Promise<MarathonApp[]> {
    this.apps ??= Promise.resolve().then(() => this.sources.access.marathon(this.sources.cluster).apps());
    return this.apps;
  }

  mesos(): MesosClient {
    this.mesosClient ??= this.sources.access.mesos(this.sources.cluster);
    return this.mesosClient;
  }

  forStep(signal: AbortSignal): StepScope {
    return new StepScope(this, signal);
  }
}

export class StepScope implements CheckScope {
  /** What the step is waiting on right now, oldest first. */
  readonly pending: string[] = [];

  constructor(
    private readonly view: ClusterView,
    readonly signal: AbortSignal,
  ) {}

  get endpoints(): ClusterEndpoints {
    return this.view.sources.cluster.endpoints;
  }

  get spec(): ClusterSpecSummary | undefined {
    return this.view.sources.spec;
  }

  async track<T>(what: string, work: () => Promise<T>): Promise<T> {
    this.pending.push(what);
    try {
      return await work();
    } finally {
      this.pending.splice(this.pending.indexOf(what), 1);
    }
  }

  masterState(): Promise<MasterState> {
    return this.track(`Mesos master at ${this.endpoints.master}`, () => this.view.masterState());
  }

  marathonApps(): Promise<MarathonApp[]> {
    return this.track(`Marathon at ${this.endpoints.marathon ?? '(none)'}`, () => this.view.marathonApps());
  }

  mesos(): MesosClient {
    return this.view.mesos();
  }

  zookeeper<T>(work: (zk: ZookeeperClient) => Promise<T>): Promise<T> {
    return this.track(`ZooKeeper at ${this.endpoints.zookeeper ?? '(none)'}`, () =>
      this.view.sources.access.withZookeeper(this.view.sources.cluster, work),
    );
  }

  get(url: string): Promise<HttpResponse> {
    const { access, cluster } = this.view.sources;
    return this.track(url, () => access.http(cluster).request(url, { headers: { accept: '*/*' }, retry: false, signal: this.signal }));
  }

  open(host: string, port: number): Promise<{ socket: Socket; relayed: boolean }> {
    const { access, cluster } = this.view.sources;
    return access.open(cluster, host, port, this.signal);
  }
}
