import { appArgument } from '../clients/marathon-definition.js';
import { parsePortRanges } from '../clients/resources.js';
import { type SimRequest, type SimResponse, startSimServer } from './http-server.js';
import { LIVE_TASK_STATES, type SchedulerLink, type SimSchedulerFramework, schedulerImage } from './scheduler-link.js';
import type { SimZookeeper } from './zookeeper-writer.js';

type SimServer = Awaited<ReturnType<typeof startSimServer>>;

const ES_NODE_NAME = 'elasticsearch-executor';
/** `--elasticsearchClusterName`'s default. */
const CLUSTER_NAME = 'mesos-ha';

/** The parts of a Marathon app the Elasticsearch scheduler is recognised and configured by. */
export type SchedulerApp = Record<string, unknown>;

/**
 * The Mesos Elasticsearch framework, as its scheduler (a Marathon app) runs it: registers as
 * framework `elasticsearch` and keeps `--elasticsearchNodes` nodes, at most one per agent.
 */
export class SimElasticsearchFramework implements SimSchedulerFramework {
  private frameworkId = '';
  /** The node ids last written to ZooKeeper. */
  private written: string | undefined;
  /** The scheduler's web UI and API (`--webUiPort`, 31100 by default), where its Scaling tab asks for more nodes. */
  private api: SimServer | undefined;
  /** The scheduler app as last seen, and the node count its UI asked for since (a restart with new args drops it). */
  private scheduler: SchedulerApp = {};
  private scaled: { count: number; args: string } | undefined;
  private stopped = false;

  constructor(
    private readonly link: SchedulerLink,
    private readonly options: { hostname: string; zookeeper?: SimZookeeper },
  ) {}

  schedules(app: SchedulerApp): boolean {
    return isElasticsearchScheduler(app);
  }

  /** One pass: registers once the scheduler runs, then launches or kills nodes towards the wanted count. */
  async reconcile(scheduler: SchedulerApp): Promise<void> {
    this.scheduler = scheduler;
    if (this.scaled && this.scaled.args !== JSON.stringify(scheduler.args ?? scheduler.cmd)) this.scaled = undefined;
    if (!this.frameworkId) {
      this.api = await this.startApi(Number(appArgument(scheduler, '--webUiPort') ?? 31100));
      // Marathon stopped while the API started: nothing would close it.
      if (this.stopped) return void (await this.api.close());
      this.frameworkId = await this.link.register('elasticsearch', `http://${this.options.hostname}:${this.api.port}`);
    }
    const ports = elasticsearchPorts(scheduler);
    await this.link.converge(this.frameworkId, this.wanted(), (index) => ({
      id: `elasticsearch_${new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.(\d+)Z$/, '.$1Z')}_${index}`,
      name: ES_NODE_NAME,
      // `--elasticsearchPorts`: exactly those (an agent whose offer lacks them is declined), else any two.
      resources: { cpus: 1, mem: 256, disk: 1024, ports: ports ?? 2 },
      uniqueHost: ES_NODE_NAME,
      discoveryPortNames: ['CLIENT_PORT', 'TRANSPORT_PORT'],
      // The executor's default image, started with the framework's cluster name, HTTP on its first port.
      runtime: { image: 'elasticsearch:latest', args: [`--default.cluster.name=${CLUSTER_NAME}`], listen: [{ allocated: 0 }] },
    }));
    await this.writeState().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.api?.close();
  }

  private wanted(): number {
    return this.scaled?.count ?? elasticsearchNodes(this.scheduler);
  }

  /**
   * The scheduler's REST API as Mesos Elasticsearch 1.0.1 serves it (ClusterController): its settings,
   * the node count now, and the Scaling tab's PUT. On its port when free, else on any (tests run many).
   */
  private async startApi(port: number): Promise<SimServer> {
    const handler = async (request: SimRequest): Promise<SimResponse> => {
      if (request.method === 'GET' && request.path === '/v1/cluster')
        return {
          status: 200,
          body: {
            name: ES_NODE_NAME,
            configuration: {
              ElasticsearchNodes: this.wanted(),
              FrameworkName: 'elasticsearch',
              ElasticsearchClusterName: CLUSTER_NAME,
              TaskName: ES_NODE_NAME,
            },
          },
        };
      if (request.path !== '/v1/cluster/elasticsearchNodes') return { status: 404, body: { error: 'Not Found', path: request.path } };
      if (request.method === 'GET') return { status: 200, body: { value: await this.liveNodes() } };
      const value = (request.body as { value?: unknown } | undefined)?.value;
      if (request.method !== 'PUT' || !Number.isInteger(value) || (value as number) < 0)
        return { status: 400, body: { error: 'Bad Request' } };
      this.scaled = { count: value as number, args: JSON.stringify(this.scheduler.args ?? this.scheduler.cmd) };
      return { status: 200, text: '' };
    };
    return startSimServer(handler, { host: this.options.hostname, port }).catch(() =>
      startSimServer(handler, { host: this.options.hostname }),
    );
  }

  private async liveNodes(): Promise<number> {
    return (await this.link.tasks(this.frameworkId)).filter((task) => LIVE_TASK_STATES.has(task.state)).length;
  }

  /** The framework's ZooKeeper state, rewritten when its set of nodes changed. */
  private async writeState(): Promise<void> {
    if (!this.options.zookeeper) return;
    const nodes = (await this.link.tasks(this.frameworkId))
      .filter((task) => LIVE_TASK_STATES.has(task.state))
      .map((task) => ({
        taskId: task.id,
        hostname: task.agent_hostname ?? '',
        ports: parsePortRanges(task.resources.ports).map((range) => range.begin),
      }));
    const written = nodes
      .map((node) => node.taskId)
      .sort()
      .join(',');
    if (written === this.written) return;
    await this.options.zookeeper.putElasticsearchState(this.frameworkId, nodes);
    this.written = written;
  }
}

export function isElasticsearchScheduler(app: SchedulerApp): boolean {
  const image = schedulerImage(app);
  const args = Array.isArray(app.args) ? app.args.map(String) : [];
  return (
    image.startsWith('mesos/elasticsearch-scheduler') ||
    args.includes('--zookeeperMesosUrl') ||
    /--zookeeperMesosUrl/.test(String(app.cmd ?? ''))
  );
}

/** `--elasticsearchNodes N` from the scheduler's args or cmd (the framework's default is 3). */
function elasticsearchNodes(app: SchedulerApp): number {
  const value = Number(appArgument(app, '--elasticsearchNodes') ?? 3);
  return Number.isInteger(value) && value >= 0 ? value : 3;
}

/** `--elasticsearchPorts 9200,9300`: the HTTP and transport ports every node must get; undefined when not given. */
function elasticsearchPorts(app: SchedulerApp): number[] | undefined {
  const ports = appArgument(app, '--elasticsearchPorts')?.split(',').map(Number);
  return ports?.length === 2 && ports.every((port) => Number.isInteger(port) && port > 0) ? ports : undefined;
}
