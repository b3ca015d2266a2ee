import zookeeper from 'node-zookeeper-client';
import { UserError } from '../errors.js';

/**
 * Writes to a real ZooKeeper what real Mesos, Marathon and Mesos Elasticsearch write there, so
 * `/state zk`, `/state leader` and the exercises' zkCli steps see the real layout.
 */
export class SimZookeeper {
  private constructor(
    private readonly client: zookeeper.Client,
    /** Chroot-like prefix for tests sharing one ZooKeeper (default ''). */
    private readonly root: string,
  ) {}

  static async connect(connectString: string, options: { timeoutMs?: number; root?: string } = {}): Promise<SimZookeeper> {
    const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000, spinDelay: 200, retries: 0 });
    const connected = new Promise<boolean>((resolve) => client.once('connected', () => resolve(true)));
    client.connect();
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), options.timeoutMs ?? 5000).unref());
    if (!(await Promise.race([connected, timeout]))) {
      client.close();
      throw new UserError(
        `The simulator cannot reach ZooKeeper at ${connectString}.`,
        'Start ZooKeeper first, or run the simulator without --zookeeper.',
      );
    }
    return new SimZookeeper(client, options.root ?? '');
  }

  close(): void {
    this.client.close();
  }

  /** `/mesos/json.info_NNNNNNNNNN`, ephemeral and sequential: the master's contender node. */
  async announceMaster(master: { hostname: string; port: number; id: string; pid: string; version: string }): Promise<string> {
    const info = {
      address: { hostname: master.hostname, ip: master.hostname, port: master.port },
      hostname: master.hostname,
      id: master.id,
      ip: packIp(master.hostname),
      pid: master.pid,
      port: master.port,
      version: master.version,
    };
    await this.mkdirp('/mesos');
    return this.create('/mesos/json.info_', JSON.stringify(info), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
  }

  /** Marathon 1.3's curator leader latch, content `host:port`. */
  async announceMarathon(hostPort: string, frameworkId: string): Promise<void> {
    await this.mkdirp('/marathon/leader-curator');
    await this.create(`/marathon/leader-curator/_c_${cryptoSuffix()}-latch-`, hostPort, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    await this.put('/marathon/state/framework:id', frameworkId);
    await this.put('/marathon/state/internal:storage:version', JSON.stringify({ major: 1, minor: 3, patch: 5 }));
  }

  async putMarathonApp(app: { id: string }, rootGroup: unknown): Promise<void> {
    await this.put(`/marathon/state/${marathonAppKey(app.id)}`, JSON.stringify(app));
    await this.put('/marathon/state/group:root', JSON.stringify(rootGroup));
  }

  async removeMarathonApp(appId: string, rootGroup: unknown): Promise<void> {
    await this.remove(`/marathon/state/${marathonAppKey(appId)}`);
    await this.put('/marathon/state/group:root', JSON.stringify(rootGroup));
  }

  /**
   * Mesos Elasticsearch's ZooKeeperState under /<frameworkName>/<clusterName> = /elasticsearch/mesos-ha:
   * `frameworkId`, `<frameworkId>/stateList` and one `<frameworkId>/state/<taskId>` per live node
   * (the framework keeps them when its scheduler stops: that is what a reinstall finds).
   */
  async putElasticsearchState(frameworkId: string, nodes: Array<{ taskId: string; hostname: string; ports: number[] }>): Promise<void> {
    const base = `/elasticsearch/mesos-ha/${frameworkId}`;
    await this.put('/elasticsearch/mesos-ha/frameworkId', frameworkId);
    await this.put(`${base}/stateList`, JSON.stringify(nodes.map((node) => node.taskId)));
    for (const node of nodes)
      await this.put(
        `${base}/state/${node.taskId}`,
        JSON.stringify({ taskId: node.taskId, status: 'TASK_RUNNING', hostname: node.hostname, ports: node.ports }),
      );
    const live = new Set(nodes.map((node) => node.taskId));
    for (const child of await this.children(`${base}/state`)) if (!live.has(child)) await this.remove(`${base}/state/${child}`);
  }

  private children(path: string): Promise<string[]> {
    return new Promise((resolve, reject) =>
      this.client.getChildren(`${this.root}${path}`, (error, children) =>
        !error
          ? resolve(children)
          : (error as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE
            ? resolve([])
            : reject(error),
      ),
    );
  }

  private async put(path: string, data: string): Promise<void> {
    const full = `${this.root}${path}`;
    await this.mkdirp(path.slice(0, path.lastIndexOf('/')) || '/');
    const exists = await new Promise<boolean>((resolve, reject) =>
      this.client.exists(full, (error, stat) => (error ? reject(error) : resolve(Boolean(stat)))),
    );
    if (exists)
      await new Promise<void>((resolve, reject) =>
        this.client.setData(full, Buffer.from(data), -1, (error) => (error ? reject(error) : resolve())),
      );
    else await this.create(path, data, zookeeper.CreateMode.PERSISTENT);
  }

  private remove(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.remove(`${this.root}${path}`, -1, (error) =>
        !error || (error as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE ? resolve() : reject(error),
      ),
    );
  }

  private mkdirp(path: string): Promise<void> {
    const full = `${this.root}${path}`.replace(/\/+$/, '') || '/';
    return new Promise((resolve, reject) => this.client.mkdirp(full, (error) => (error ? reject(error) : resolve())));
  }

  private create(path: string, data: string, mode: number): Promise<string> {
    return new Promise((resolve, reject) =>
      this.client.create(`${this.root}${path}`, Buffer.from(data), mode, (error, created) => (error ? reject(error) : resolve(created))),
    );
  }
}

/** `app:<id>` with the id's slashes made znode-safe (a "/" would start a child znode). */
export function marathonAppKey(appId: string): string {
  return `app:${appId.replace(/^\//, '').replace(/\//g, '_')}`;
}

/** MasterInfo.ip: the IPv4 address packed into a uint32 (little-endian, as Mesos stores it). */
function packIp(host: string): number {
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return 0;
  return ((parts[3]! << 24) >>> 0) + (parts[2]! << 16) + (parts[1]! << 8) + parts[0]!;
}

function cryptoSuffix(): string {
  return Math.random().toString(16).slice(2, 10);
}
