import { appArgument } from '../clients/marathon-definition.js';
import { parsePortRanges } from '../clients/resources.js';
import { LIVE_TASK_STATES, type SchedulerLink, type SimSchedulerFramework, schedulerImage } from './scheduler-link.js';
import type { SimZookeeper } from './zookeeper-writer.js';

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

  constructor(
    private readonly link: SchedulerLink,
    private readonly options: { hostname: string; zookeeper?: SimZookeeper },
  ) {}

  schedules(app: SchedulerApp): boolean {
    return isElasticsearchScheduler(app);
  }

  /** One pass: registers once the scheduler runs, then launches or kills nodes towards the wanted count. */
  async reconcile(scheduler: SchedulerApp): Promise<void> {
    if (!this.frameworkId) this.frameworkId = await this.link.register('elasticsearch', `http://${this.options.hostname}:31100`);
    const ports = elasticsearchPorts(scheduler);
    await this.link.converge(this.frameworkId, elasticsearchNodes(scheduler), (index) => ({
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
