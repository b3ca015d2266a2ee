import { EndpointError, HttpClient } from '../clients/http.js';
import { MarathonClient } from '../clients/marathon.js';
import { MesosClient } from '../clients/mesos.js';
import { ZookeeperClient } from '../clients/zookeeper.js';
import { UserError } from '../errors.js';
import type { ClusterEndpoints } from './cluster-record.js';

/** Clients for one attendee's cluster, whatever built it; one shared HTTP pool for all clusters. */
export class ClusterAccess {
  constructor(
    private readonly http: HttpClient = new HttpClient(),
    private readonly zookeeperTimeoutMs = 4000,
  ) {}

  mesos(endpoints: ClusterEndpoints): MesosClient {
    return new MesosClient(this.http, { masterUrl: endpoints.master, ...(endpoints.agents ? { agentUrls: endpoints.agents } : {}) });
  }

  marathon(endpoints: ClusterEndpoints): MarathonClient {
    if (!endpoints.marathon)
      throw new UserError(
        'Your cluster has no Marathon endpoint.',
        'Attach it again with marathon=http://<host>:8080, or use a cluster from /cluster up.',
      );
    return new MarathonClient(this.http, endpoints.marathon);
  }

  /** Runs `work` on a fresh ZooKeeper session and always closes it. */
  async withZookeeper<T>(endpoints: ClusterEndpoints, work: (zk: ZookeeperClient) => Promise<T>): Promise<T> {
    if (!endpoints.zookeeper)
      throw new UserError(
        'Your cluster has no ZooKeeper endpoint.',
        'Attach it again with zookeeper=<host>:2181, or use a cluster from /cluster up.',
      );
    const zk = await ZookeeperClient.connect(endpoints.zookeeper, { timeoutMs: this.zookeeperTimeoutMs });
    try {
      return await work(zk);
    } finally {
      zk.close();
    }
  }

  /** Checks every given endpoint answers like what it claims to be; the error names the one that does not. */
  async probe(endpoints: ClusterEndpoints): Promise<{ mesosVersion: string; marathonVersion?: string }> {
    const state = await this.mesos(endpoints)
      .state()
      .catch((error: unknown) => rethrowAs('master', endpoints.master, error));
    const info = endpoints.marathon
      ? await this.marathon(endpoints)
          .info()
          .catch((error: unknown) => rethrowAs('marathon', endpoints.marathon!, error))
      : undefined;
    if (endpoints.zookeeper) await this.withZookeeper(endpoints, (zk) => zk.exists('/'));
    return { mesosVersion: state.version, ...(info ? { marathonVersion: info.version } : {}) };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function rethrowAs(role: string, url: string, error: unknown): never {
  if (error instanceof EndpointError)
    throw new UserError(
      `${role}=${url} does not answer like a ${role === 'master' ? 'Mesos master' : 'Marathon'}: ${error.message}`,
      error.hint,
    );
  throw error;
}
