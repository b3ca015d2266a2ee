import { TERMINAL_TASK_STATES } from '../clients/mesos-model.js';
import { addResources, NO_RESOURCES, parseResources, type Resources } from '../clients/resources.js';
import { SIMULATOR_MARKER, SIMULATOR_NAME } from './about.js';
import { notFound, type SimRequest, type SimResponse } from './http-server.js';
import { nowSeconds } from './ids.js';
import type { LaunchRequest, MasterModel, SimTaskRecord } from './master-model.js';
import { masterPage } from './master-page.js';

const TERMINAL = new Set(TERMINAL_TASK_STATES);

/** The master's HTTP API: the public endpoints of Mesos 0.25–1.x in their JSON shapes, and /sim/* for agents and frameworks. */
export class MasterHttp {
  constructor(private readonly master: MasterModel) {}

  async handle(request: SimRequest): Promise<SimResponse> {
    const path = request.path.replace(/^\/master(?=\/)/, '').replace(/\.json$/, '');
    switch (`${request.method} ${path}`) {
      case 'GET /':
        return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, text: masterPage(this.master) };
      case 'GET /state':
        return { status: 200, body: this.stateJson() };
      case 'GET /state-summary':
        return {
          status: 200,
          body: {
            hostname: this.master.hostname,
            cluster: this.master.clusterName,
            slaves: this.agentsJson(),
            frameworks: this.frameworksJson().map(({ tasks: _tasks, completed_tasks: _done, ...rest }) => rest),
          },
        };
      case 'GET /frameworks':
        return { status: 200, body: { frameworks: this.frameworksJson(), completed_frameworks: [], unregistered_frameworks: [] } };
      case 'GET /tasks': {
        const limit = Number(request.query.get('limit') ?? 100);
        return { status: 200, body: { tasks: [...this.master.tasks.values()].slice(0, limit).map((task) => this.taskJson(task)) } };
      }
      case 'GET /slaves':
        return { status: 200, body: { slaves: this.agentsJson() } };
      case 'GET /metrics/snapshot':
        return { status: 200, body: this.metrics() };
      case 'GET /health':
        return { status: 200, text: '' };
      case 'GET /version':
        return {
          status: 200,
          body: { version: this.master.version, build_user: 'sim', build_date: '2016-07-29 15:04:36', build_time: 1469800000 },
        };
      case 'GET /redirect':
        return { status: 307, headers: { location: `//${this.master.hostname}:${this.master.port}` }, text: '' };
      case 'POST /teardown': {
        const id = String((request.body as Record<string, unknown> | undefined)?.frameworkId ?? '');
        return this.master.teardown(id) ? { status: 200, text: '' } : { status: 400, text: `No framework found with specified ID` };
      }
      case 'POST /sim/agents': {
        const body = request.body as { hostname: string; ip?: string; port: number; url: string; workDir: string; resources: string };
        const agent = this.master.registerAgent({ ...body, resources: parseResources(body.resources) });
        return { status: 200, body: { id: agent.id, masterHostname: this.master.hostname } };
      }
      case 'POST /sim/frameworks': {
        const body = request.body as { name: string; hostname: string; webuiUrl?: string };
        return { status: 200, body: { id: this.master.registerFramework(body.name, body.hostname, body.webuiUrl ?? '').id } };
      }
      case 'POST /sim/tasks': {
        const body = request.body as { frameworkId: string; tasks: LaunchRequest[] };
        return { status: 200, body: this.master.launch(body.frameworkId, body.tasks) };
      }
      case 'GET /sim/tasks': {
        const frameworkId = request.query.get('frameworkId');
        const agentId = request.query.get('agentId');
        const tasks = [...this.master.tasks.values()].filter(
          (task) => (!frameworkId || task.frameworkId === frameworkId) && (!agentId || task.agentId === agentId),
        );
        return {
          status: 200,
          body: tasks.map((task) => ({
            ...this.taskJson(task),
            agent_hostname: this.master.agents.get(task.agentId)?.hostname,
            container_id: task.containerId,
            framework_name: this.master.frameworks.get(task.frameworkId)?.name,
          })),
        };
      }
    }
    const kill = /^\/sim\/tasks\/(.+)$/.exec(path);
    if (request.method === 'DELETE' && kill) return this.master.kill(kill[1]!) ? { status: 200, body: {} } : notFound(kill[1]!);
    return notFound(request.path);
  }

  private stateJson(): Record<string, unknown> {
    const legacy = this.master.version.startsWith('0.') ? this.legacyCounters() : {};
    return {
      version: this.master.version,
      git_sha: 'c9b70582e9fccab8f6863b0bd3a812b5969a8c36',
      git_tag: this.master.version,
      build_date: '2016-07-29 15:04:36',
      build_time: 1469800000,
      build_user: 'root',
      [SIMULATOR_MARKER]: SIMULATOR_NAME,
      start_time: this.master.startTime,
      elected_time: this.master.startTime + 0.5,
      id: this.master.id,
      pid: this.master.pid,
      hostname: this.master.hostname,
      activated_slaves: this.master.agents.size,
      deactivated_slaves: 0,
      leader: this.master.pid,
      ...(this.master.clusterName ? { cluster: this.master.clusterName } : {}),
      log_dir: '/var/log/mesos',
      flags: {
        port: String(this.master.port),
        quorum: '1',
        registry: 'in_memory',
        zk_session_timeout: '10secs',
        ...(this.master.clusterName ? { cluster: this.master.clusterName } : {}),
      },
      slaves: this.agentsJson(),
      frameworks: this.frameworksJson(),
      completed_frameworks: [],
      orphan_tasks: [],
      unregistered_frameworks: [],
      ...legacy,
    };
  }

  private legacyCounters(): Record<string, number> {
    const count = (state: string) =>
      [...this.master.tasks.values()].filter((task) => task.statuses.some((status) => status.state === state)).length;
    return {
      staged_tasks: count('TASK_STAGING'),
      started_tasks: count('TASK_RUNNING'),
      finished_tasks: count('TASK_FINISHED'),
      killed_tasks: count('TASK_KILLED'),
      failed_tasks: count('TASK_FAILED'),
      lost_tasks: count('TASK_LOST'),
    };
  }

  private agentsJson(): Array<Record<string, unknown>> {
    return [...this.master.agents.values()].map((agent) => {
      const used = this.master.usedOn(agent.id);
      return {
        id: agent.id,
        pid: `slave(1)@${agent.ip ?? agent.hostname}:${agent.port}`,
        hostname: agent.hostname,
        registered_time: agent.registeredTime,
        reregistered_time: agent.registeredTime,
        resources: resourcesJson(agent.resources),
        used_resources: resourcesJson(used),
        offered_resources: resourcesJson(NO_RESOURCES),
        reserved_resources: {},
        unreserved_resources: resourcesJson(agent.resources),
        attributes: {},
        active: true,
        version: this.master.version,
      };
    });
  }

  private frameworksJson(): Array<Record<string, unknown>> {
    return [...this.master.frameworks.values()].map((framework) => {
      const tasks = [...this.master.tasks.values()].filter((task) => task.frameworkId === framework.id);
      const live = tasks.filter((task) => !TERMINAL.has(task.state));
      const used = live.reduce<Resources>((sum, task) => addResources(sum, task.resources), { ...NO_RESOURCES, ports: [] });
      return {
        id: framework.id,
        name: framework.name,
        pid: `scheduler-${framework.id}@${framework.hostname}:0`,
        used_resources: resourcesJson(used),
        offered_resources: resourcesJson(NO_RESOURCES),
        capabilities: [],
        hostname: framework.hostname,
        webui_url: framework.webuiUrl,
        active: framework.active,
        user: 'root',
        failover_timeout: framework.name === 'elasticsearch' ? 2592000 : 604800,
        checkpoint: true,
        role: framework.role,
        registered_time: framework.registeredTime,
        unregistered_time: 0,
        resources: resourcesJson(used),
        tasks: live.map((task) => this.taskJson(task)),
        completed_tasks: tasks.filter((task) => TERMINAL.has(task.state)).map((task) => this.taskJson(task)),
        offers: [],
        executors: [],
      };
    });
  }

  private taskJson(task: SimTaskRecord): Record<string, unknown> {
    return {
      id: task.id,
      name: task.name,
      framework_id: task.frameworkId,
      executor_id: '',
      slave_id: task.agentId,
      state: task.state,
      resources: resourcesJson(task.resources),
      statuses: task.statuses.map((status) => ({
        state: status.state,
        timestamp: status.timestamp,
        ...(status.message ? { message: status.message } : {}),
        container_status: { network_infos: [{ ip_addresses: [{ ip_address: this.master.agents.get(task.agentId)?.hostname }] }] },
      })),
      labels: task.labels,
      ...(task.discovery ? { discovery: task.discovery } : {}),
      ...(task.runtime?.image
        ? { container: { type: 'DOCKER', docker: { image: task.runtime.image, network: task.runtime.network ?? 'HOST' } } }
        : {}),
    };
  }

  private metrics(): Record<string, number> {
    const total = [...this.master.agents.values()].reduce<Resources>((sum, agent) => addResources(sum, agent.resources), {
      ...NO_RESOURCES,
      ports: [],
    });
    const used = [...this.master.agents.keys()].reduce<Resources>((sum, id) => addResources(sum, this.master.usedOn(id)), {
      ...NO_RESOURCES,
      ports: [],
    });
    const byState = (state: string) => [...this.master.tasks.values()].filter((task) => task.state === state).length;
    const percent = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
    return {
      'master/cpus_total': total.cpus,
      'master/cpus_used': used.cpus,
      'master/cpus_percent': percent(used.cpus, total.cpus),
      'master/mem_total': total.mem,
      'master/mem_used': used.mem,
      'master/mem_percent': percent(used.mem, total.mem),
      'master/disk_total': total.disk,
      'master/disk_used': used.disk,
      'master/disk_percent': percent(used.disk, total.disk),
      'master/elected': 1,
      'master/uptime_secs': nowSeconds() - this.master.startTime,
      'master/slaves_active': this.master.agents.size,
      'master/slaves_connected': this.master.agents.size,
      'master/frameworks_active': [...this.master.frameworks.values()].filter((framework) => framework.active).length,
      'master/tasks_staging': byState('TASK_STAGING'),
      'master/tasks_running': byState('TASK_RUNNING'),
      'master/tasks_failed': byState('TASK_FAILED'),
      'master/tasks_killed': byState('TASK_KILLED'),
      'master/tasks_finished': byState('TASK_FINISHED'),
    };
  }
}

/** Mesos' JSON form: scalars as numbers, ports as a range string (omitted when empty). */
export function resourcesJson(resources: Resources): Record<string, unknown> {
  return {
    cpus: resources.cpus,
    gpus: resources.gpus,
    mem: resources.mem,
    disk: resources.disk,
    ...(resources.ports.length > 0 ? { ports: `[${resources.ports.map((range) => `${range.begin}-${range.end}`).join(', ')}]` } : {}),
  };
}
