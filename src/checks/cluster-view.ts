import type { HttpClient, HttpResponse } from '../clients/http.js';
import type { MarathonApp } from '../clients/marathon-model.js';
import type { MesosClient } from '../clients/mesos.js';
import type { MasterState } from '../clients/mesos-model.js';
import type { ZookeeperClient } from '../clients/zookeeper.js';
import type { ClusterAccess } from '../clusters/access.js';
import type { ClusterSpecSummary } from '../clusters/cluster-spec.js';
import type { ClusterEndpoints } from '../clusters/registry.js';
import type { CheckScope } from './check-type.js';

export interface ClusterViewSources {
  endpoints: ClusterEndpoints;
  spec?: ClusterSpecSummary;
  access: ClusterAccess;
  http: HttpClient;
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
    this.apps ??= Promise.resolve().then(() => this.sources.access.marathon(this.sources.endpoints).apps());
    return this.apps;
  }

  mesos(): MesosClient {
    this.mesosClient ??= this.sources.access.mesos(this.sources.endpoints);
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
    return this.view.sources.endpoints;
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
      this.view.sources.access.withZookeeper(this.endpoints, work),
    );
  }

  get(url: string): Promise<HttpResponse> {
    return this.track(url, () => this.view.sources.http.request(url, { headers: { accept: '*/*' }, retry: false, signal: this.signal }));
  }
}
