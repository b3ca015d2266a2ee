import { TERMINAL_TASK_STATES } from '../clients/mesos-model.js';
import {
  addResources,
  freeResources,
  NO_RESOURCES,
  type PortRange,
  parseResources,
  portCount,
  type Resources,
} from '../clients/resources.js';
import { notFound, type SimRequest, type SimResponse, startSimServer } from './http-server.js';
import { masterId, nowSeconds, uuid } from './ids.js';
import type { SimZookeeper } from './zookeeper-writer.js';

export interface SimAgentRecord {
  id: string;
  hostname: string;
  port: number;
  /** Where the agent answers (its /state, /files). */
  url: string;
  resources: Resources;
  registeredTime: number;
}

export interface SimFrameworkRecord {
  id: string;
  name: string;
  hostname: string;
  webuiUrl: string;
  role: string;
  registeredTime: number;
  active: boolean;
}

export interface SimTaskRecord {
  id: string;
  name: string;
  frameworkId: string;
  executorId: string;
  agentId: string;
  state: string;
  resources: Resources;
  statuses: Array<{ state: string; timestamp: number; message?: string }>;
  discovery?: unknown;
  labels: Array<{ key: string; value: string }>;
  /** Becomes TASK_FAILED instead of TASK_RUNNING (an app told to fail). */
  fail: boolean;
  containerId: string;
}

/** A task as a framework asks for it; `uniqueHost` = Marathon's hostname:UNIQUE / ES' one node per agent. */
export interface LaunchRequest {
  id: string;
  name: string;
  resources: { cpus: number; mem: number; disk: number; ports?: number };
  fail?: boolean;
  uniqueHost?: string;
  discoveryPortNames?: string[];
  labels?: Array<{ key: string; value: string }>;
}

export interface SimMasterOptions {
  port?: number;
  host?: string;
  /** How the master names itself (its pid host); default the bind host. */
  hostname?: string;
  clusterName?: string;
  version?: string;
  taskStartDelayMs?: number;
  zookeeper?: SimZookeeper;
}

const TERMINAL = new Set(TERMINAL_TASK_STATES);

/** The simulated Mesos master: the public HTTP API of Mesos 0.25–1.x, plus /sim/* for agents and frameworks. */
export class SimMaster {
  readonly agents = new Map<string, SimAgentRecord>();
  readonly frameworks = new Map<string, SimFrameworkRecord>();
  readonly tasks = new Map<string, SimTaskRecord>();
  taskStartDelayMs: number;
  private readonly id: string;
  private readonly startTime = nowSeconds();
  private agentSequence = 0;
  private frameworkSequence = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Awaited<ReturnType<typeof startSimServer>> | undefined;
  private hostname = '127.0.0.1';
  private port = 0;

  constructor(private readonly options: SimMasterOptions = {}) {
    this.taskStartDelayMs = options.taskStartDelayMs ?? 500;
    this.id = masterId(options.port ?? 5050);
  }

  get url(): string {
    return this.server!.url;
  }

  get pid(): string {
    return `master@${this.hostname}:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = await startSimServer((request) => this.handle(request), {
      port: this.options.port ?? 0,
      host: this.options.host ?? '127.0.0.1',
    });
    this.port = this.server.port;
    this.hostname = this.options.hostname ?? (this.options.host && this.options.host !== '0.0.0.0' ? this.options.host : '127.0.0.1');
    await this.options.zookeeper?.announceMaster({
      hostname: this.hostname,
      port: this.port,
      id: this.id,
      pid: this.pid,
      version: this.version,
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.server?.close();
  }

  get version(): string {
    return this.options.version ?? '1.0.0';
  }

  registerAgent(hostname: string, port: number, url: string, resources: Resources): SimAgentRecord {
    const existing = [...this.agents.values()].find((agent) => agent.hostname === hostname && agent.port === port);
    if (existing) {
      existing.url = url;
      return existing;
    }
    const agent = { id: `${this.id}-S${this.agentSequence++}`, hostname, port, url, resources, registeredTime: nowSeconds() };
    this.agents.set(agent.id, agent);
    return agent;
  }

  registerFramework(name: string, hostname: string, webuiUrl: string): SimFrameworkRecord {
    const existing = [...this.frameworks.values()].find((framework) => framework.name === name && framework.active);
    if (existing) return existing;
    const framework = {
      id: `${this.id}-${String(this.frameworkSequence++).padStart(4, '0')}`,
      name,
      hostname,
      webuiUrl,
      role: '*',
      registeredTime: nowSeconds(),
      active: true,
    };
    this.frameworks.set(framework.id, framework);
    return framework;
  }

  /** Places each task on an agent with room (most free memory first), as offers would; returns the ones that did not fit. */
  launch(frameworkId: string, requests: LaunchRequest[]): { launched: Array<{ id: string; agentId: string }>; declined: string[] } {
    const launched: Array<{ id: string; agentId: string }> = [];
    const declined: string[] = [];
    for (const request of requests) {
      const agent = this.pickAgent(frameworkId, request);
      if (!agent) {
        declined.push(request.id);
        continue;
      }
      const ports = takePorts(this.freeOn(agent.id).ports, request.resources.ports ?? 0);
      const task: SimTaskRecord = {
        id: request.id,
        name: request.name,
        frameworkId,
        executorId: request.id,
        agentId: agent.id,
        state: 'TASK_STAGING',
        resources: { cpus: request.resources.cpus, mem: request.resources.mem, disk: request.resources.disk, gpus: 0, ports },
        statuses: [{ state: 'TASK_STAGING', timestamp: nowSeconds() }],
        ...(request.discoveryPortNames ? { discovery: discoveryInfo(request.name, ports, request.discoveryPortNames) } : {}),
        labels: request.labels ?? [],
        fail: request.fail ?? false,
        containerId: uuid(),
      };
      this.tasks.set(task.id, task);
      launched.push({ id: task.id, agentId: agent.id });
      this.later(this.taskStartDelayMs, () =>
        this.setState(task.id, task.fail ? 'TASK_FAILED' : 'TASK_RUNNING', task.fail ? 'Command exited with status 1' : undefined),
      );
    }
    return { launched, declined };
  }

  kill(taskId: string): boolean {
    const task = this.tasks.get(taskId);
    if (!task || TERMINAL.has(task.state)) return false;
    this.setState(taskId, 'TASK_KILLED');
    return true;
  }

  /** Removes a framework and kills its tasks (POST /teardown). */
  teardown(frameworkId: string): boolean {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) return false;
    for (const task of this.tasks.values()) if (task.frameworkId === frameworkId) this.kill(task.id);
    framework.active = false;
    return true;
  }

  usedOn(agentId: string): Resources {
    return this.liveTasks()
      .filter((task) => task.agentId === agentId)
      .reduce<Resources>((sum, task) => addResources(sum, task.resources), { ...NO_RESOURCES, ports: [] });
  }

  freeOn(agentId: string): Resources {
    return freeResources(this.agents.get(agentId)!.resources, this.usedOn(agentId));
  }

  liveTasks(): SimTaskRecord[] {
    return [...this.tasks.values()].filter((task) => !TERMINAL.has(task.state));
  }

  private setState(taskId: string, state: string, message?: string): void {
    const task = this.tasks.get(taskId);
    if (!task || TERMINAL.has(task.state)) return;
    task.state = state;
    task.statuses.push({ state, timestamp: nowSeconds(), ...(message ? { message } : {}) });
  }

  private pickAgent(frameworkId: string, request: LaunchRequest): SimAgentRecord | undefined {
    const fits = [...this.agents.values()].filter((agent) => {
      const free = this.freeOn(agent.id);
      const taken =
        request.uniqueHost !== undefined &&
        this.liveTasks().some((task) => task.frameworkId === frameworkId && task.agentId === agent.id && task.name === request.uniqueHost);
      return (
        !taken &&
        free.cpus >= request.resources.cpus &&
        free.mem >= request.resources.mem &&
        free.disk >= request.resources.disk &&
        portCount(free.ports) >= (request.resources.ports ?? 0)
      );
    });
    return fits.sort((a, b) => this.freeOn(b.id).mem - this.freeOn(a.id).mem)[0];
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private async handle(request: SimRequest): Promise<SimResponse> {
    const path = request.path.replace(/^\/master(?=\/)/, '').replace(/\.json$/, '');
    switch (`${request.method} ${path}`) {
      case 'GET /state':
        return { status: 200, body: this.stateJson() };
      case 'GET /state-summary':
        return {
          status: 200,
          body: {
            hostname: this.hostname,
            cluster: this.options.clusterName,
            slaves: this.agentsJson(),
            frameworks: this.frameworksJson().map(({ tasks: _tasks, completed_tasks: _done, ...rest }) => rest),
          },
        };
      case 'GET /frameworks':
        return { status: 200, body: { frameworks: this.frameworksJson(), completed_frameworks: [], unregistered_frameworks: [] } };
      case 'GET /tasks': {
        const limit = Number(request.query.get('limit') ?? 100);
        return { status: 200, body: { tasks: [...this.tasks.values()].slice(0, limit).map((task) => this.taskJson(task)) } };
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
          body: { version: this.version, build_user: 'sim', build_date: '2016-07-29 15:04:36', build_time: 1469800000 },
        };
      case 'GET /redirect':
        return { status: 307, headers: { location: `//${this.hostname}:${this.port}` }, text: '' };
      case 'POST /teardown': {
        const id = String((request.body as Record<string, unknown> | undefined)?.frameworkId ?? '');
        return this.teardown(id) ? { status: 200, text: '' } : { status: 400, text: `No framework found with specified ID` };
      }
      case 'POST /sim/agents': {
        const body = request.body as { hostname: string; port: number; url: string; resources: string };
        const agent = this.registerAgent(body.hostname, body.port, body.url, parseResources(body.resources));
        return { status: 200, body: { id: agent.id, masterHostname: this.hostname } };
      }
      case 'POST /sim/frameworks': {
        const body = request.body as { name: string; hostname: string; webuiUrl?: string };
        return { status: 200, body: { id: this.registerFramework(body.name, body.hostname, body.webuiUrl ?? '').id } };
      }
      case 'POST /sim/tasks': {
        const body = request.body as { frameworkId: string; tasks: LaunchRequest[] };
        return { status: 200, body: this.launch(body.frameworkId, body.tasks) };
      }
      case 'GET /sim/tasks': {
        const frameworkId = request.query.get('frameworkId');
        const agentId = request.query.get('agentId');
        const tasks = [...this.tasks.values()].filter(
          (task) => (!frameworkId || task.frameworkId === frameworkId) && (!agentId || task.agentId === agentId),
        );
        return {
          status: 200,
          body: tasks.map((task) => ({
            ...this.taskJson(task),
            agent_hostname: this.agents.get(task.agentId)?.hostname,
            container_id: task.containerId,
            framework_name: this.frameworks.get(task.frameworkId)?.name,
          })),
        };
      }
    }
    const kill = /^\/sim\/tasks\/(.+)$/.exec(path);
    if (request.method === 'DELETE' && kill) return this.kill(kill[1]!) ? { status: 200, body: {} } : notFound(kill[1]!);
    return notFound(request.path);
  }

  private stateJson(): Record<string, unknown> {
    const legacy = this.version.startsWith('0.') ? this.legacyCounters() : {};
    return {
      version: this.version,
      git_sha: 'c9b70582e9fccab8f6863b0bd3a812b5969a8c36',
      git_tag: this.version,
      build_date: '2016-07-29 15:04:36',
      build_time: 1469800000,
      build_user: 'root',
      start_time: this.startTime,
      elected_time: this.startTime + 0.5,
      id: this.id,
      pid: this.pid,
      hostname: this.hostname,
      activated_slaves: this.agents.size,
      deactivated_slaves: 0,
      leader: this.pid,
      ...(this.options.clusterName ? { cluster: this.options.clusterName } : {}),
      log_dir: '/var/log/mesos',
      flags: {
        port: String(this.port),
        quorum: '1',
        registry: 'in_memory',
        zk_session_timeout: '10secs',
        ...(this.options.clusterName ? { cluster: this.options.clusterName } : {}),
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
      [...this.tasks.values()].filter((task) => task.statuses.some((status) => status.state === state)).length;
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
    return [...this.agents.values()].map((agent) => {
      const used = this.usedOn(agent.id);
      return {
        id: agent.id,
        pid: `slave(1)@${agent.hostname}:${agent.port}`,
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
        version: this.version,
      };
    });
  }

  private frameworksJson(): Array<Record<string, unknown>> {
    return [...this.frameworks.values()].map((framework) => {
      const tasks = [...this.tasks.values()].filter((task) => task.frameworkId === framework.id);
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
        container_status: { network_infos: [{ ip_addresses: [{ ip_address: this.agents.get(task.agentId)?.hostname }] }] },
      })),
      labels: task.labels,
      ...(task.discovery ? { discovery: task.discovery } : {}),
    };
  }

  private metrics(): Record<string, number> {
    const total = [...this.agents.values()].reduce<Resources>((sum, agent) => addResources(sum, agent.resources), {
      ...NO_RESOURCES,
      ports: [],
    });
    const used = [...this.agents.keys()].reduce<Resources>((sum, id) => addResources(sum, this.usedOn(id)), { ...NO_RESOURCES, ports: [] });
    const byState = (state: string) => [...this.tasks.values()].filter((task) => task.state === state).length;
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
      'master/uptime_secs': nowSeconds() - this.startTime,
      'master/slaves_active': this.agents.size,
      'master/slaves_connected': this.agents.size,
      'master/frameworks_active': [...this.frameworks.values()].filter((framework) => framework.active).length,
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

function takePorts(free: PortRange[], count: number): PortRange[] {
  const taken: PortRange[] = [];
  for (const range of free) {
    for (let port = range.begin; port <= range.end && taken.length < count; port++) taken.push({ begin: port, end: port });
    if (taken.length === count) break;
  }
  return taken;
}

function discoveryInfo(name: string, ports: PortRange[], names: string[]): unknown {
  return {
    visibility: 'EXTERNAL',
    name,
    ports: { ports: ports.map((port, index) => ({ number: port.begin, name: names[index] ?? `PORT_${index}`, protocol: 'tcp' })) },
  };
}
