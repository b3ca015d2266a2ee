import { TERMINAL_TASK_STATES } from '../clients/mesos-model.js';
import { addResources, freeResources, NO_RESOURCES, type PortRange, portCount, type Resources } from '../clients/resources.js';
import { startSimServer } from './http-server.js';
import { masterId, nowSeconds, uuid } from './ids.js';
import { MasterHttp } from './master-http.js';
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

/** The simulated Mesos master: agents, frameworks and tasks, placed as offers would place them (its HTTP API: master-http.ts). */
export class SimMaster {
  readonly agents = new Map<string, SimAgentRecord>();
  readonly frameworks = new Map<string, SimFrameworkRecord>();
  readonly tasks = new Map<string, SimTaskRecord>();
  taskStartDelayMs: number;
  readonly id: string;
  readonly startTime = nowSeconds();
  private agentSequence = 0;
  private frameworkSequence = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Awaited<ReturnType<typeof startSimServer>> | undefined;
  hostname = '127.0.0.1';
  port = 0;

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
    const http = new MasterHttp(this);
    this.server = await startSimServer((request) => http.handle(request), {
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

  get clusterName(): string | undefined {
    return this.options.clusterName;
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
