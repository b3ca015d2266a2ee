import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseResources } from '../clients/resources.js';
import { notFound, type SimRequest, type SimResponse, simCall, startSimServer } from './http-server.js';
import { nowSeconds, sandboxDirectory } from './ids.js';
import type { ClusterTask, TaskSurroundings } from './images/index.js';
import { resourcesJson } from './master-http.js';
import { type TaskLaunch, TaskProcesses } from './task-processes.js';

export interface SimAgentOptions {
  masterUrl: string;
  /** How long each answer waits before it is sent, as a network and a busy daemon would make it (benchmarks). */
  responseDelayMs?: number;
  port?: number;
  host?: string;
  /** The name the master and tasks see; default the bind host. */
  hostname?: string;
  /** The URL other processes use to reach this agent; default http://hostname:port. */
  advertisedUrl?: string;
  /** MESOS_RESOURCES form: `cpus(*):4; mem(*):1024; disk(*):2000; ports(*):[31000-32000]`. */
  resources?: string;
  version?: string;
  /**
   * Bind to an address of its own in 127.0.0.0/8 (Linux routes all of it to lo), so the fixed ports
   * its tasks answer on (nginx 80, MySQL 3306) never collide with another agent's, cluster's or test's.
   */
  ownLoopbackAddress?: boolean;
}

/** The agent's own port, as on a real agent. */
const AGENT_PORT = 5051;

interface MasterTaskView {
  id: string;
  name: string;
  framework_id: string;
  framework_name?: string;
  state: string;
  container_id: string;
  resources: Record<string, unknown>;
  statuses: Array<{ state: string; timestamp: number; message?: string }>;
}

export const DEFAULT_AGENT_RESOURCES = 'ports(*):[31000-32000]; cpus(*):4; mem(*):1024; disk(*):2000';

/** A simulated Mesos agent: registers with the master, serves /state and the sandbox /files API. */
export class SimAgent {
  id = '';
  private readonly workDir = `/var/lib/mesos/agent-${Math.floor(Math.random() * 2 ** 32)}`;
  private server: Awaited<ReturnType<typeof startSimServer>> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private masterHostname = '';
  private hostname = '127.0.0.1';
  /** The address in its pid (its hostname resolved, as libprocess does). */
  private ip = '127.0.0.1';
  private processes: TaskProcesses | undefined;

  constructor(private readonly options: SimAgentOptions) {}

  get url(): string {
    return this.options.advertisedUrl ?? `http://${this.hostname}:${this.server!.port}`;
  }

  /** The address its tasks answer on (what the master reports as their host). */
  get address(): string {
    return this.hostname;
  }

  async start(): Promise<this> {
    const bind = this.options.ownLoopbackAddress ? await this.listenOnOwnAddress() : (this.options.host ?? '127.0.0.1');
    if (!this.options.ownLoopbackAddress)
      this.server = await startSimServer((request) => this.handle(request), {
        port: this.options.port ?? 0,
        host: bind,
        responseDelayMs: this.options.responseDelayMs,
      });
    this.hostname = this.options.hostname ?? (bind !== '0.0.0.0' ? bind : '127.0.0.1');
    this.ip = isIP(this.hostname)
      ? this.hostname
      : await lookup(this.hostname).then(
          (found) => found.address,
          () => this.hostname,
        );
    this.processes = new TaskProcesses(bind, this.surroundings());
    await this.register(30_000);
    // Re-register now and then: a restarted master learns about us again, as with real agents; and
    // stop what the master no longer runs here (a kill we did not hear of).
    this.heartbeat = setInterval(
      () =>
        void this.register(0)
          .then(() => this.stopForgottenTasks())
          .catch(() => undefined),
      2000,
    );
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.processes?.stopAll();
    await this.server?.close();
  }

  /** A random 127.x.y.z on the agent's port; another one if that address is taken (another agent, cluster or test has it). */
  private async listenOnOwnAddress(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const address = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      try {
        this.server = await startSimServer((request) => this.handle(request), {
          port: this.options.port ?? AGENT_PORT,
          host: address,
          responseDelayMs: this.options.responseDelayMs,
        });
        return address;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
  }

  private surroundings(): TaskSurroundings {
    const master = this.options.masterUrl;
    return {
      masterState: async () => (await simCall(`${master}/state`, 'GET')) as Record<string, unknown>,
      tasks: async (frameworkId) =>
        (await simCall(
          `${master}/sim/tasks${frameworkId ? `?frameworkId=${encodeURIComponent(frameworkId)}` : ''}`,
          'GET',
        )) as ClusterTask[],
    };
  }

  private async stopForgottenTasks(): Promise<void> {
    const live = new Set((await this.myTasks()).filter((task) => !isTerminal(task)).map((task) => task.id));
    for (const taskId of this.processes!.taskIds) if (!live.has(taskId)) await this.processes!.stop(taskId);
  }

  private async register(patienceMs: number): Promise<void> {
    const deadline = Date.now() + patienceMs;
    for (;;) {
      try {
        const answer = (await simCall(`${this.options.masterUrl}/sim/agents`, 'POST', {
          hostname: this.hostname,
          ip: this.ip,
          port: this.server!.port,
          url: this.url,
          workDir: this.workDir,
          resources: this.options.resources ?? DEFAULT_AGENT_RESOURCES,
        })) as { id: string; masterHostname: string };
        this.id = answer.id;
        this.masterHostname = answer.masterHostname;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  private async myTasks(): Promise<MasterTaskView[]> {
    return (await simCall(`${this.options.masterUrl}/sim/tasks?agentId=${encodeURIComponent(this.id)}`, 'GET')) as MasterTaskView[];
  }

  private sandboxOf(task: MasterTaskView): string {
    return sandboxDirectory(this.workDir, {
      agentId: this.id,
      frameworkId: task.framework_id,
      executorId: task.id,
      containerId: task.container_id,
    });
  }

  private async handle(request: SimRequest): Promise<SimResponse> {
    const path = request.path.replace(/^\/slave\(1\)(?=\/)/, '').replace(/\.json$/, '');
    if (request.method === 'POST' && path === '/sim/tasks') {
      // The master launches a task here: its process starts, or fails as a container would.
      return this.processes!.start(request.body as TaskLaunch).then(
        () => ({ status: 200, body: {} }),
        (error: Error) => ({ status: 500, text: error.message }),
      );
    }
    const kill = /^\/sim\/tasks\/(.+)$/.exec(path);
    if (request.method === 'DELETE' && kill) {
      await this.processes!.stop(kill[1]!);
      return { status: 200, body: {} };
    }
    if (request.method !== 'GET') return notFound(request.path);
    if (path === '/state') return { status: 200, body: await this.stateJson() };
    if (path === '/health') return { status: 200, text: '' };
    if (path.startsWith('/files/')) return this.files(path, request.query);
    return notFound(request.path);
  }

  private async stateJson(): Promise<Record<string, unknown>> {
    const tasks = await this.myTasks();
    const frameworkIds = [...new Set(tasks.map((task) => task.framework_id))];
    const executor = (task: MasterTaskView) => ({
      id: task.id,
      name: `Command Executor (Task: ${task.id}) (Command: sh -c '…')`,
      source: task.id,
      container: task.container_id,
      directory: this.sandboxOf(task),
      resources: task.resources,
      tasks: isTerminal(task) ? [] : [task],
      queued_tasks: [],
      completed_tasks: isTerminal(task) ? [task] : [],
    });
    return {
      version: this.options.version ?? '1.0.0',
      id: this.id,
      pid: `slave(1)@${this.ip}:${this.server!.port}`,
      hostname: this.hostname,
      resources: resourcesJson(parseResources(this.options.resources ?? DEFAULT_AGENT_RESOURCES)),
      attributes: {},
      master_hostname: this.masterHostname,
      flags: { work_dir: this.workDir, port: String(this.server!.port), containerizers: 'docker,mesos' },
      frameworks: frameworkIds.map((id) => {
        const mine = tasks.filter((task) => task.framework_id === id);
        return {
          id,
          name: mine[0]?.framework_name ?? '',
          executors: mine.filter((task) => !isTerminal(task)).map(executor),
          completed_executors: mine.filter(isTerminal).map(executor),
        };
      }),
      completed_frameworks: [],
    };
  }

  private async files(path: string, query: URLSearchParams): Promise<SimResponse> {
    const target = query.get('path') ?? '';
    const tasks = await this.myTasks();
    const owner = tasks.find((task) => target === this.sandboxOf(task) || target.startsWith(`${this.sandboxOf(task)}/`));
    if (!owner) return notFound(target);
    const contents = sandboxFiles(owner);
    if (path === '/files/browse') {
      if (target !== this.sandboxOf(owner)) return notFound(target);
      return {
        status: 200,
        body: Object.entries(contents).map(([name, text]) => ({
          path: `${target}/${name}`,
          nlink: 1,
          size: Buffer.byteLength(text),
          mtime: Math.floor(nowSeconds()),
          mode: '-rw-r--r--',
          uid: 'root',
          gid: 'root',
        })),
      };
    }
    const file = contents[target.slice(this.sandboxOf(owner).length + 1)];
    if (file === undefined) return notFound(target);
    if (path === '/files/download') return { status: 200, text: file };
    if (path === '/files/read') {
      const bytes = Buffer.from(file);
      const offset = Number(query.get('offset') ?? 0);
      if (offset === -1) return { status: 200, body: { data: '', offset: bytes.length } };
      const length = Number(query.get('length') ?? bytes.length);
      return { status: 200, body: { data: bytes.subarray(offset, offset + length).toString('utf8'), offset } };
    }
    return notFound(path);
  }
}

function isTerminal(task: MasterTaskView): boolean {
  return !['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'].includes(task.state);
}

/** What a task's sandbox holds: the executor's lines, then the task's own output. */
function sandboxFiles(task: MasterTaskView): Record<string, string> {
  const started = task.statuses[0]?.timestamp ?? nowSeconds();
  const stdout = [`Registered executor on ${task.framework_name ?? 'framework'}`, `Starting task ${task.id}`, `sh -c '${task.name}'`];
  const running = task.statuses.find((status) => status.state === 'TASK_RUNNING');
  if (running) {
    const seconds = Math.min(200, Math.floor(nowSeconds() - running.timestamp));
    for (let second = 0; second <= seconds; second += 10) stdout.push(`[${task.name}] alive for ${second}s`);
  }
  const failure = task.statuses.find((status) => status.state === 'TASK_FAILED');
  const stderr = [
    `I${new Date(started * 1000).toISOString()} exec.cpp:161] Version: 1.0.0`,
    `I${new Date(started * 1000).toISOString()} exec.cpp:236] Executor registered on agent`,
  ];
  if (failure) stderr.push(failure.message ?? 'Command exited with status 1');
  if (task.state === 'TASK_KILLED') stdout.push(`Killing task ${task.id}`);
  return { stdout: `${stdout.join('\n')}\n`, stderr: `${stderr.join('\n')}\n` };
}
