import { TERMINAL_TASK_STATES } from '../clients/mesos-model.js';
import { addResources, freeResources, NO_RESOURCES, type PortRange, type Resources } from '../clients/resources.js';
import { simCall, startSimServer } from './http-server.js';
import { masterId, nowSeconds, uuid } from './ids.js';
import { MasterHttp } from './master-http.js';
import type { LaunchRequest, MasterModel, SimAgentRecord, SimFrameworkRecord, SimTaskRecord } from './master-model.js';
import type { SimZookeeper } from './zookeeper-writer.js';

export interface SimMasterOptions {
  /** How long each answer waits before it is sent, as a network and a busy daemon would make it (benchmarks). */
  responseDelayMs?: number;
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
export class SimMaster implements MasterModel {
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
      responseDelayMs: this.options.responseDelayMs,
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

  registerAgent(registration: Omit<SimAgentRecord, 'id' | 'registeredTime'>): SimAgentRecord {
    const existing = [...this.agents.values()].find(
      (agent) => agent.hostname === registration.hostname && agent.port === registration.port,
    );
    if (existing) {
      existing.url = registration.url;
      return existing;
    }
    const agent = { ...registration, id: `${this.id}-S${this.agentSequence++}`, registeredTime: nowSeconds() };
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
      const ports = takePorts(this.freeOn(agent.id).ports, request.resources.ports)!;
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
        ...(request.runtime ? { runtime: request.runtime } : {}),
      };
      this.tasks.set(task.id, task);
      launched.push({ id: task.id, agentId: agent.id });
      this.later(this.taskStartDelayMs, () => void this.run(task));
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

  /** The agent starts the task's process: RUNNING once it does, FAILED with the agent's reason when it cannot. */
  private async run(task: SimTaskRecord): Promise<void> {
    if (TERMINAL.has(task.state)) return;
    if (task.fail) return this.setState(task.id, 'TASK_FAILED', 'Command exited with status 1');
    const agent = this.agents.get(task.agentId)!;
    const allocated = task.resources.ports.map((range) => range.begin);
    const launch = {
      task: {
        id: task.id,
        name: task.name,
        frameworkId: task.frameworkId,
        image: task.runtime?.image ?? '',
        env: task.runtime?.env ?? {},
        args: task.runtime?.args ?? [],
        host: agent.hostname,
        ports: allocated,
      },
      listen: (task.runtime?.listen ?? []).flatMap((use) => ('fixed' in use ? [use.fixed] : (allocated[use.allocated] ?? []))),
    };
    const failure = await fetch(`${agent.url}/sim/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(launch),
      signal: AbortSignal.timeout(5000),
    }).then(
      async (response) => (response.ok ? undefined : await response.text()),
      (error: Error) => `the agent ${agent.hostname} did not answer: ${error.message}`,
    );
    if (failure !== undefined) return this.setState(task.id, 'TASK_FAILED', failure);
    // Killed while it started: the agent stops it again.
    if (TERMINAL.has(task.state)) return this.stopOnAgent(task);
    this.setState(task.id, 'TASK_RUNNING');
  }

  private setState(taskId: string, state: string, message?: string): void {
    const task = this.tasks.get(taskId);
    if (!task || TERMINAL.has(task.state)) return;
    task.state = state;
    task.statuses.push({ state, timestamp: nowSeconds(), ...(message ? { message } : {}) });
    if (TERMINAL.has(state)) void this.stopOnAgent(task);
  }

  /** A task that ended stops answering on its ports. */
  private async stopOnAgent(task: SimTaskRecord): Promise<void> {
    const agent = this.agents.get(task.agentId);
    if (agent) await simCall(`${agent.url}/sim/tasks/${encodeURIComponent(task.id)}`, 'DELETE').catch(() => undefined);
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
        takePorts(free.ports, request.resources.ports) !== undefined
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

/** The ports a task gets from an agent's free ranges, in the order asked; undefined when they are not all free. */
function takePorts(free: PortRange[], wanted: number | number[] = 0): PortRange[] | undefined {
  const asked = typeof wanted === 'number' ? new Array<number>(wanted).fill(0) : wanted;
  const fixed = asked.filter((port) => port !== 0);
  const isFree = (port: number) => free.some((range) => port >= range.begin && port <= range.end);
  if (new Set(fixed).size !== fixed.length || !fixed.every(isFree)) return undefined;
  const taken = new Set(fixed);
  const ports: PortRange[] = [];
  for (const port of asked) {
    const chosen = port !== 0 ? port : firstFreePort(free, taken);
    if (chosen === undefined) return undefined;
    taken.add(chosen);
    ports.push({ begin: chosen, end: chosen });
  }
  return ports;
}

/**
 * A port "any port" gets: Marathon picks it at random across the offered ranges, so nearly always in
 * the widest one; taking the first free port of the widest range first leaves one-port ranges (an
 * agent offering 9200-9200 for Elasticsearch) to the tasks that ask for them by number.
 */
function firstFreePort(free: PortRange[], taken: Set<number>): number | undefined {
  const widestFirst = [...free].sort((a, b) => b.end - b.begin - (a.end - a.begin));
  for (const range of widestFirst) for (let port = range.begin; port <= range.end; port++) if (!taken.has(port)) return port;
  return undefined;
}

function discoveryInfo(name: string, ports: PortRange[], names: string[]): unknown {
  return {
    visibility: 'EXTERNAL',
    name,
    ports: { ports: ports.map((port, index) => ({ number: port.begin, name: names[index] ?? `PORT_${index}`, protocol: 'tcp' })) },
  };
}
