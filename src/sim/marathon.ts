import { checkMarathonDefinition, flattenGroup, resolveId } from '../clients/marathon-definition.js';
import { SimElasticsearchFramework } from './elasticsearch-framework.js';
import { notFound, type SimRequest, type SimResponse, startSimServer } from './http-server.js';
import { marathonTaskId, marathonTaskName, taskIdApp, taskIdPrefix, uuid } from './ids.js';
import { SimLogstashFramework } from './logstash-framework.js';
import { marathonPage } from './marathon-page.js';
import { appTaskPorts } from './marathon-ports.js';
import type { LaunchRequest } from './master-model.js';
import { LIVE_TASK_STATES as LIVE, type MasterTask, SchedulerLink, type SimSchedulerFramework } from './scheduler-link.js';
import type { SimZookeeper } from './zookeeper-writer.js';

export interface SimMarathonOptions {
  masterUrl: string;
  /** How long each answer waits before it is sent, as a network and a busy daemon would make it (benchmarks). */
  responseDelayMs?: number;
  port?: number;
  host?: string;
  hostname?: string;
  zookeeper?: SimZookeeper;
  /** zk URL reported in /v2/info. */
  zkUrl?: string;
  reconcileMs?: number;
}

type AppDefinition = Record<string, unknown> & { id: string; instances: number };

interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  action: 'StartApplication' | 'ScaleApplication' | 'RestartApplication' | 'StopApplication';
}

/**
 * Simulated Marathon (REST v2 as in 1.3.5): apps become tasks on the master's agents, deployments
 * hold an app until its tasks run, an app that does not fit waits in the queue, failed tasks are
 * relaunched with backoff and leave lastTaskFailure. A Mesos Elasticsearch or Logstash scheduler app
 * starts its framework (`elasticsearch-framework.ts`, `logstash-framework.ts`).
 */
export class SimMarathon {
  private readonly apps = new Map<string, AppDefinition & { version: string }>();
  /** Groups made by group definitions (they exist even with no apps, like Marathon's). */
  private readonly groupIds = new Set<string>();
  private readonly deployments = new Map<string, Deployment>();
  private readonly failures = new Map<string, Record<string, unknown>>();
  private readonly backoffUntil = new Map<string, number>();
  private readonly waiting = new Set<string>();
  private readonly seenFailed = new Set<string>();
  private tasks: MasterTask[] = [];
  private frameworkId = '';
  private link!: SchedulerLink;
  /** The frameworks whose schedulers run as Marathon apps (Mesos Elasticsearch, Logstash). */
  private schedulers: SimSchedulerFramework[] = [];
  private server: Awaited<ReturnType<typeof startSimServer>> | undefined;
  private loop: NodeJS.Timeout | undefined;
  private reconciling = false;
  private hostname = '127.0.0.1';

  constructor(private readonly options: SimMarathonOptions) {}

  get url(): string {
    return this.server!.url;
  }

  async start(): Promise<this> {
    this.server = await startSimServer((request) => this.handle(request), {
      port: this.options.port ?? 0,
      host: this.options.host ?? '127.0.0.1',
      responseDelayMs: this.options.responseDelayMs,
    });
    this.hostname = this.options.hostname ?? (this.options.host && this.options.host !== '0.0.0.0' ? this.options.host : '127.0.0.1');
    this.link = new SchedulerLink(this.options.masterUrl, this.hostname);
    this.schedulers = [
      new SimElasticsearchFramework(this.link, {
        hostname: this.hostname,
        ...(this.options.zookeeper ? { zookeeper: this.options.zookeeper } : {}),
      }),
      new SimLogstashFramework(this.link),
    ];
    this.frameworkId = await this.link.register('marathon', `http://${this.hostname}:${this.server.port}`);
    await this.options.zookeeper?.announceMarathon(`${this.hostname}:${this.server.port}`, this.frameworkId);
    this.loop = setInterval(() => void this.reconcile(), this.options.reconcileMs ?? 200);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.loop);
    await Promise.all(this.schedulers.map((framework) => framework.stop?.()));
    await this.server?.close();
  }

  /** Brings every app towards its instance count; one pass at a time. */
  private async reconcile(): Promise<void> {
    // An idle Marathon asks nothing: ten idle clusters polling every 200 ms cost a fifth of two cores.
    if (this.reconciling || (this.apps.size === 0 && this.deployments.size === 0)) return;
    this.reconciling = true;
    try {
      this.tasks = await this.link.tasks(this.frameworkId);
      // A task of no app (its app was removed while the task started) is killed, as Marathon's reconciliation does.
      const appKeys = new Set([...this.apps.keys()].map(taskIdPrefix));
      for (const task of this.tasks) if (LIVE.has(task.state) && !appKeys.has(taskIdApp(task.id))) await this.link.kill(task.id);
      for (const app of this.apps.values()) await this.reconcileApp(app);
      for (const [id, deployment] of this.deployments)
        if (deployment.affectedApps.every((appId) => this.settled(appId))) this.deployments.delete(id);
      for (const framework of this.schedulers) {
        const scheduler = [...this.apps.values()].find((app) => framework.schedules(app));
        if (scheduler && this.tasksOf(scheduler.id).some((task) => task.state === 'TASK_RUNNING')) await framework.reconcile(scheduler);
      }
    } catch {
      // The master may be restarting; the next pass tries again.
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileApp(app: AppDefinition & { version: string }): Promise<void> {
    const mine = this.tasksOf(app.id);
    for (const task of mine.filter((candidate) => candidate.state === 'TASK_FAILED' && !this.seenFailed.has(candidate.id))) {
      this.seenFailed.add(task.id);
      const failure = task.statuses.find((status) => status.state === 'TASK_FAILED');
      this.failures.set(app.id, {
        appId: app.id,
        host: task.agent_hostname ?? '',
        message: failure?.message ?? 'Command exited with status 1',
        state: 'TASK_FAILED',
        taskId: task.id,
        timestamp: new Date((failure?.timestamp ?? Date.now() / 1000) * 1000).toISOString(),
        version: app.version,
        slaveId: task.slave_id,
      });
      const previous = this.backoffUntil.get(app.id);
      const delay = previous === undefined ? 1000 : Math.min(30_000, Math.max(previous - Date.now(), 500) * 2);
      this.backoffUntil.set(app.id, Date.now() + delay);
    }
    const live = mine.filter((task) => LIVE.has(task.state));
    if (live.length > app.instances) {
      for (const task of live.slice(app.instances)) await this.link.kill(task.id);
      return;
    }
    const missing = app.instances - live.length;
    if (missing <= 0 || (this.backoffUntil.get(app.id) ?? 0) > Date.now()) {
      if (missing <= 0) this.waiting.delete(app.id);
      return;
    }
    const requests = Array.from({ length: missing }, () => this.launchRequest(app));
    const result = await this.link.launch(this.frameworkId, requests);
    if (result.declined.length > 0) this.waiting.add(app.id);
    else this.waiting.delete(app.id);
  }

  private launchRequest(app: AppDefinition): LaunchRequest {
    const constraints = Array.isArray(app.constraints) ? (app.constraints as unknown[][]) : [];
    const unique = constraints.some((constraint) => constraint[0] === 'hostname' && constraint[1] === 'UNIQUE');
    const labels = (app.labels ?? {}) as Record<string, string>;
    const { ports, runtime } = appTaskPorts(app);
    return {
      id: marathonTaskId(app.id),
      name: marathonTaskName(app.id),
      resources: { cpus: Number(app.cpus ?? 1), mem: Number(app.mem ?? 128), disk: Number(app.disk ?? 0), ports },
      runtime,
      fail: labels['sim/fail'] === 'true' || /\bexit\s+[1-9]/.test(String(app.cmd ?? '')),
      ...(unique ? { uniqueHost: marathonTaskName(app.id) } : {}),
      labels: Object.entries(labels).map(([key, value]) => ({ key, value: String(value) })),
    };
  }

  private tasksOf(appId: string): MasterTask[] {
    return this.tasks.filter((task) => taskIdApp(task.id) === taskIdPrefix(appId));
  }

  private settled(appId: string): boolean {
    const app = this.apps.get(appId);
    if (!app) return true;
    const live = this.tasksOf(appId).filter((task) => LIVE.has(task.state));
    return live.length === app.instances && live.every((task) => task.state === 'TASK_RUNNING');
  }

  private async handle(request: SimRequest): Promise<SimResponse> {
    const { method, path } = request;
    if (path === '/ping') return { status: 200, text: 'pong' };
    if (method === 'GET' && (path === '/' || path === '/ui' || path === '/ui/')) {
      const apps = [...this.apps.keys()].map((id) => this.appJson(id)) as unknown as Parameters<typeof marathonPage>[0];
      const info = { version: '1.3.5', leader: `${this.hostname}:${this.server!.port}`, master: this.options.masterUrl };
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, text: marathonPage(apps, info) };
    }
    if (method === 'GET' && path === '/v2/info') return { status: 200, body: this.info() };
    if (method === 'GET' && path === '/v2/leader') return { status: 200, body: { leader: `${this.hostname}:${this.server!.port}` } };
    if (method === 'GET' && path === '/v2/tasks')
      return { status: 200, body: { tasks: [...this.apps.keys()].flatMap((id) => this.appTasksJson(id)) } };
    if (method === 'GET' && path === '/v2/deployments') return { status: 200, body: [...this.deployments.values()].map(deploymentJson) };
    if (method === 'GET' && path === '/v2/queue')
      return {
        status: 200,
        body: {
          queue: [...this.waiting]
            .filter((id) => this.apps.has(id))
            .map((id) => ({
              count: this.apps.get(id)!.instances - this.tasksOf(id).filter((task) => LIVE.has(task.state)).length,
              delay: { timeLeftSeconds: 0, overdue: true },
              app: this.appJson(id),
            })),
        },
      };
    if (method === 'GET' && path === '/v2/apps')
      return { status: 200, body: { apps: [...this.apps.keys()].map((id) => this.appJson(id)) } };
    if (method === 'POST' && path === '/v2/apps') return this.create(request.body);
    if (path === '/v2/groups' || path.startsWith('/v2/groups/'))
      return this.groups(method, normaliseId(path.slice('/v2/groups'.length) || '/'), request.body);
    const appMatch = /^\/v2\/apps(\/.+?)(\/tasks|\/restart)?$/.exec(path);
    if (appMatch) return this.appRoute(method, normaliseId(appMatch[1]!), appMatch[2], request);
    return notFound(path);
  }

  private appRoute(method: string, id: string, suffix: string | undefined, request: SimRequest): SimResponse {
    const app = this.apps.get(id);
    if (!app && !(method === 'PUT' && !suffix)) return { status: 404, body: { message: `App '${id}' does not exist` } };
    if (suffix === '/tasks' && method === 'GET') return { status: 200, body: { tasks: this.appTasksJson(id) } };
    if (suffix === '/restart' && method === 'POST')
      return this.deploy(id, 'RestartApplication', request.query.get('force') === 'true', () => this.killAll(id));
    if (suffix) return notFound(request.path);
    if (method === 'GET') return { status: 200, body: { app: this.appJson(id) } };
    if (method === 'DELETE') {
      return this.deploy(id, 'StopApplication', true, () => {
        this.killAll(id);
        this.apps.delete(id);
        this.failures.delete(id);
        this.waiting.delete(id);
        void this.options.zookeeper?.removeMarathonApp(id, this.rootGroup()).catch(() => undefined);
      });
    }
    if (method === 'PUT') {
      if (!app) {
        const created = this.create({ ...(request.body as object), id });
        return created.status === 201
          ? {
              status: 201,
              body: {
                version: (created.body as { version: string }).version,
                deploymentId: (created.body as { deployments: Array<{ id: string }> }).deployments[0]!.id,
              },
            }
          : created;
      }
      const changes = (request.body ?? {}) as Record<string, unknown>;
      const invalid = validate({ ...app, ...changes, id }, 'app');
      if (invalid) return invalid;
      // Anything but the instance count is a new version of the app: its tasks are replaced (Marathon's upgrade).
      const upgrade = Object.keys(changes).some((key) => key !== 'instances');
      return this.deploy(id, upgrade ? 'RestartApplication' : 'ScaleApplication', request.query.get('force') === 'true', () => {
        if (upgrade) this.killAll(id);
        this.apps.set(id, {
          ...app,
          ...changes,
          id,
          instances: Number(changes.instances ?? app.instances),
          version: new Date().toISOString(),
        });
        this.backoffUntil.delete(id);
        void this.options.zookeeper?.putMarathonApp(this.apps.get(id)!, this.rootGroup()).catch(() => undefined);
      });
    }
    return notFound(request.path);
  }

  /** A change to an app is a deployment; a running deployment locks the app unless forced. */
  private deploy(id: string, action: Deployment['action'], force: boolean, apply: () => void): SimResponse {
    const locking = [...this.deployments.values()].filter((deployment) => deployment.affectedApps.includes(id));
    if (locking.length > 0 && !force) {
      return {
        status: 409,
        body: {
          message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.`,
          deployments: locking.map((deployment) => ({ id: deployment.id })),
        },
      };
    }
    for (const deployment of locking) this.deployments.delete(deployment.id);
    apply();
    const deployment: Deployment = { id: uuid(), version: new Date().toISOString(), affectedApps: [id], action };
    this.deployments.set(deployment.id, deployment);
    return { status: 200, body: { version: deployment.version, deploymentId: deployment.id } };
  }

  private create(body: unknown): SimResponse {
    const definition = (body ?? {}) as Record<string, unknown>;
    const invalid = validate(definition, 'app');
    if (invalid) return invalid;
    const id = resolveId(String(definition.id), '/');
    if (this.apps.has(id)) return { status: 409, body: { message: `An app with id [${id}] already exists.` } };
    const version = new Date().toISOString();
    this.apps.set(id, { ...definition, id, instances: Number(definition.instances ?? 1), version } as AppDefinition & { version: string });
    const deployment: Deployment = { id: uuid(), version, affectedApps: [id], action: 'StartApplication' };
    this.deployments.set(deployment.id, deployment);
    void this.options.zookeeper?.putMarathonApp(this.apps.get(id)!, this.rootGroup()).catch(() => undefined);
    return { status: 201, body: { ...this.appJson(id), deployments: [{ id: deployment.id }] } };
  }

  private groups(method: string, id: string, body: unknown): SimResponse {
    if (method === 'GET') {
      if (id !== '/' && !this.groupExists(id)) return { status: 404, body: { message: `Group '${id}' does not exist` } };
      return { status: 200, body: this.groupTree(id, (appId) => this.appJson(appId)) };
    }
    if (method === 'POST' || method === 'PUT') {
      // PUT /v2/groups/x names the group in its path; the body may leave the id out.
      const group = { ...(method === 'PUT' ? { id } : {}), ...((body ?? {}) as Record<string, unknown>) };
      const invalid = validate(group, 'group');
      if (invalid) return invalid;
      const groupId = resolveId(String(group.id), method === 'PUT' ? '/' : id);
      const apps = flattenGroup({ ...group, id: groupId });
      const existing = apps.find((entry) => this.apps.has(entry.id));
      if (method === 'POST' && existing) return { status: 409, body: { message: `An app with id [${existing.id}] already exists.` } };
      this.groupIds.add(groupId);
      for (const nested of nestedGroupIds(group, groupId)) this.groupIds.add(nested);
      for (const entry of apps) {
        if (this.apps.has(entry.id))
          this.appRoute('PUT', entry.id, undefined, { method: 'PUT', path: '', query: new URLSearchParams('force=true'), body: entry.app });
        else this.create({ ...entry.app, id: entry.id });
      }
      return { status: method === 'POST' ? 201 : 200, body: { version: new Date().toISOString(), deploymentId: uuid() } };
    }
    if (method === 'DELETE') {
      if (!this.groupExists(id)) return { status: 404, body: { message: `Group '${id}' does not exist` } };
      for (const appId of [...this.apps.keys()].filter((appId) => appId.startsWith(`${id}/`))) {
        this.killAll(appId);
        this.apps.delete(appId);
      }
      for (const groupId of [...this.groupIds]) if (groupId === id || groupId.startsWith(`${id}/`)) this.groupIds.delete(groupId);
      return { status: 200, body: { version: new Date().toISOString(), deploymentId: uuid() } };
    }
    return notFound(id);
  }

  private groupExists(id: string): boolean {
    return this.groupIds.has(id) || [...this.apps.keys(), ...this.groupIds].some((member) => member.startsWith(`${id}/`));
  }

  /** A group as Marathon shows it: its own apps, and each subgroup (made by a group definition, or implied by an app's id) nested. */
  private groupTree(id: string, renderApp: (appId: string) => Record<string, unknown>): Record<string, unknown> {
    const prefix = id === '/' ? '/' : `${id}/`;
    const below = [...this.apps.keys(), ...this.groupIds].filter((member) => member.startsWith(prefix) && member !== id);
    const childGroups = new Set(
      below
        .filter((member) => member.slice(prefix.length).includes('/') || this.groupIds.has(member))
        .map((member) => prefix + member.slice(prefix.length).split('/')[0]),
    );
    return {
      id,
      apps: [...this.apps.keys()].filter((appId) => appId.startsWith(prefix) && !appId.slice(prefix.length).includes('/')).map(renderApp),
      groups: [...childGroups].sort().map((groupId) => this.groupTree(groupId, renderApp)),
      dependencies: [],
      version: new Date().toISOString(),
    };
  }

  private rootGroup(): Record<string, unknown> {
    return this.groupTree('/', (appId) => {
      const { version: _version, ...app } = this.apps.get(appId)!;
      return app;
    });
  }

  private killAll(id: string): void {
    for (const task of this.tasksOf(id).filter((candidate) => LIVE.has(candidate.state))) void this.link.kill(task.id);
  }

  private appTasksJson(id: string): Array<Record<string, unknown>> {
    const app = this.apps.get(id);
    return this.tasksOf(id)
      .filter((task) => LIVE.has(task.state))
      .map((task) => {
        const staged = task.statuses[0]?.timestamp ?? Date.now() / 1000;
        const started = task.statuses.find((status) => status.state === 'TASK_RUNNING')?.timestamp;
        return {
          id: task.id,
          slaveId: task.slave_id,
          host: task.agent_hostname ?? '',
          state: task.state,
          stagedAt: new Date(staged * 1000).toISOString(),
          ...(started ? { startedAt: new Date(started * 1000).toISOString() } : {}),
          ports: (task.resources.ports ?? '')
            .replace(/[[\]]/g, '')
            .split(',')
            .filter(Boolean)
            .map((range) => Number(range.split('-')[0])),
          version: app?.version,
          ipAddresses: [{ ipAddress: task.agent_hostname ?? '', protocol: 'IPv4' }],
          appId: id,
        };
      });
  }

  private appJson(id: string): Record<string, unknown> {
    const app = this.apps.get(id)!;
    const live = this.tasksOf(id).filter((task) => LIVE.has(task.state));
    const failure = this.failures.get(id);
    return {
      cmd: null,
      args: null,
      cpus: 1,
      mem: 128,
      disk: 0,
      env: {},
      constraints: [],
      labels: {},
      container: null,
      portDefinitions: [{ port: 10000, protocol: 'tcp', labels: {} }],
      healthChecks: [],
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
      ...app,
      tasksStaged: live.filter((task) => task.state !== 'TASK_RUNNING').length,
      tasksRunning: live.filter((task) => task.state === 'TASK_RUNNING').length,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      deployments: [...this.deployments.values()]
        .filter((deployment) => deployment.affectedApps.includes(id))
        .map((deployment) => ({ id: deployment.id })),
      tasks: this.appTasksJson(id),
      ...(failure ? { lastTaskFailure: failure } : {}),
    };
  }

  private info(): Record<string, unknown> {
    const self = `${this.hostname}:${this.server!.port}`;
    return {
      name: 'marathon',
      version: '1.3.5',
      buildref: 'sim',
      elected: true,
      leader: self,
      frameworkId: this.frameworkId,
      marathon_config: {
        master: this.options.masterUrl,
        framework_name: 'marathon',
        ha: true,
        checkpoint: true,
        local_port_min: 10000,
        local_port_max: 20000,
        executor: '//cmd',
        hostname: this.hostname,
        webui_url: null,
        mesos_role: null,
        task_launch_timeout: 300000,
        mesos_leader_ui_url: `${this.options.masterUrl}/`,
      },
      zookeeper_config: {
        zk: this.options.zkUrl ?? 'zk://localhost:2181/marathon',
        zk_timeout: 10000,
        zk_session_timeout: 10000,
        zk_max_versions: 25,
      },
      event_subscriber: null,
      http_config: { http_port: this.server!.port, https_port: 8443 },
    };
  }
}

/** The ids of a group definition's nested groups, resolved against their parents. */
function nestedGroupIds(group: Record<string, unknown>, groupId: string): string[] {
  return (Array.isArray(group.groups) ? (group.groups as Array<Record<string, unknown>>) : []).flatMap((child) => {
    const childId = resolveId(String(child.id ?? ''), groupId);
    return [childId, ...nestedGroupIds(child, childId)];
  });
}

function normaliseId(id: string): string {
  const trimmed = `/${id.replace(/^\/+|\/+$/g, '')}`;
  return trimmed === '/' ? '/' : trimmed;
}

/** Marathon's answer to a definition it refuses: 422 with each path and what is wrong there (unknown fields it ignores). */
function validate(definition: unknown, kind?: 'app' | 'group'): SimResponse | undefined {
  const refused = checkMarathonDefinition(definition, kind).problems.filter((problem) => problem.refused);
  if (refused.length === 0) return undefined;
  const details = [...new Set(refused.map((problem) => problem.path))].map((path) => ({
    path,
    errors: refused.filter((problem) => problem.path === path).map((problem) => problem.message),
  }));
  return { status: 422, body: { message: 'Object is not valid', details } };
}

function deploymentJson(deployment: Deployment): Record<string, unknown> {
  return {
    id: deployment.id,
    version: deployment.version,
    affectedApps: deployment.affectedApps,
    steps: [{ actions: deployment.affectedApps.map((app) => ({ action: deployment.action, app })) }],
    currentActions: deployment.affectedApps.map((app) => ({ action: deployment.action, app, readinessCheckResults: [] })),
    currentStep: 1,
    totalSteps: 1,
  };
}
