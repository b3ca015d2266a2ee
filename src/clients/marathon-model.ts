import {
  asAmount,
  asArray,
  asCount,
  asObject,
  asString,
  type Json,
  nonEmptyString,
  optional,
  optionalPort,
  optionalString,
} from './values.js';

export interface MarathonTask {
  id: string;
  appId: string;
  host: string;
  agentId: string;
  state: string;
  ports: number[];
  startedAt?: string;
  stagedAt?: string;
  healthy?: boolean;
}

export interface MarathonApp {
  id: string;
  cmd?: string;
  image?: string;
  network?: string;
  cpus: number;
  mem: number;
  disk: number;
  instances: number;
  tasksRunning: number;
  tasksStaged: number;
  tasksHealthy: number;
  tasksUnhealthy: number;
  deployments: string[];
  tasks: MarathonTask[];
  lastTaskFailure?: { state: string; message: string; timestamp: string; taskId: string };
  raw: Json;
}

/** A pod (Marathon 1.4+) as `/v2/pods/::status` reports it: its containers run as tasks of one instance. */
export interface MarathonPod {
  id: string;
  /** Marathon's word for the pod as a whole: STABLE, DEGRADED, DEPLOYING, TERMINAL or SUSPENDED. */
  status: string;
  /** How many instances the pod asks for (`spec.scaling.instances`). */
  instances: number;
  /** Instances whose containers all run (STABLE, or DEGRADED: running but not all healthy). */
  running: number;
  containers: Array<{ name: string; image?: string }>;
  /** cpus and MB of one instance: its containers' and its executor's. */
  cpus: number;
  mem: number;
  raw: Json;
}

export interface MarathonDeployment {
  id: string;
  affectedApps: string[];
  currentStep: number;
  totalSteps: number;
  currentActions: Array<{ action: string; app: string }>;
}

export interface MarathonInfo {
  version: string;
  leader?: string;
  frameworkId?: string;
  master?: string;
  zk?: string;
  raw: Json;
}

export function parseMarathonTask(value: unknown): MarathonTask {
  const task = asObject(value);
  const health = asArray(task.healthCheckResults).map(asObject);
  return {
    id: asString(task.id),
    appId: asString(task.appId),
    host: asString(task.host),
    agentId: asString(task.slaveId ?? task.agentId),
    state: nonEmptyString(task.state, optionalString(task.startedAt) ? 'TASK_RUNNING' : 'TASK_STAGING'),
    // A port that is not one is left out: never "port 0".
    ports: asArray(task.ports).flatMap((port) => optionalPort(port) ?? []),
    ...(optionalString(task.startedAt) ? { startedAt: asString(task.startedAt) } : {}),
    ...(optionalString(task.stagedAt) ? { stagedAt: asString(task.stagedAt) } : {}),
    ...(health.length > 0 ? { healthy: health.every((result) => result.alive === true) } : {}),
  };
}

/** Marathon 1.5+ names an app's network in `networks` (`{"mode": "container/bridge"}`): the Docker network mode Marathon 1.4 called it. */
const NETWORK_MODES = new Map([
  ['host', 'HOST'],
  ['container/bridge', 'BRIDGE'],
  ['container', 'USER'],
]);

export function parseMarathonApp(value: unknown): MarathonApp {
  const app = asObject(value);
  const container = asObject(app.container);
  const docker = asObject(container.docker);
  const failure = asObject(app.lastTaskFailure);
  const tasks = asArray(app.tasks).map(parseMarathonTask);
  return {
    id: asString(app.id),
    ...(optionalString(app.cmd) ? { cmd: asString(app.cmd) } : {}),
    ...(optionalString(docker.image) ? { image: asString(docker.image) } : {}),
    ...optional('network', optionalString(docker.network) ?? NETWORK_MODES.get(asString(asObject(asArray(app.networks)[0]).mode))),
    cpus: asAmount(app.cpus),
    mem: asAmount(app.mem),
    disk: asAmount(app.disk),
    instances: asCount(app.instances, 1),
    tasksRunning: asCount(app.tasksRunning, tasks.filter((task) => task.state === 'TASK_RUNNING').length),
    tasksStaged: asCount(app.tasksStaged, tasks.filter((task) => task.state === 'TASK_STAGING').length),
    tasksHealthy: asCount(app.tasksHealthy),
    tasksUnhealthy: asCount(app.tasksUnhealthy),
    deployments: asArray(app.deployments).flatMap((deployment) => optionalString(asObject(deployment).id) ?? []),
    tasks,
    ...(optionalString(failure.state)
      ? {
          lastTaskFailure: {
            state: asString(failure.state),
            message: asString(failure.message),
            timestamp: asString(failure.timestamp),
            taskId: asString(failure.taskId),
          },
        }
      : {}),
    raw: app,
  };
}

/** Instance states of a pod that run: all containers up, healthy (STABLE) or not (DEGRADED). */
const RUNNING_INSTANCE = new Set(['STABLE', 'DEGRADED']);

export function parsePodStatus(value: unknown): MarathonPod {
  const pod = asObject(value);
  const spec = asObject(pod.spec);
  const containers = asArray(spec.containers).map(asObject);
  // An instance takes its containers' resources plus its executor's (Marathon names them in `executorResources`).
  const sum = (name: 'cpus' | 'mem') =>
    containers.reduce(
      (total, container) => total + asAmount(asObject(container.resources)[name]),
      asAmount(asObject(spec.executorResources)[name]),
    );
  return {
    id: asString(pod.id, asString(spec.id)),
    status: nonEmptyString(pod.status, 'UNKNOWN'),
    instances: asCount(asObject(spec.scaling).instances, 1),
    running: asArray(pod.instances).filter((instance) => RUNNING_INSTANCE.has(asString(asObject(instance).status))).length,
    containers: containers.map((container) => ({
      name: asString(container.name),
      ...optional('image', optionalString(asObject(container.image).id)),
    })),
    // Containers of 0.001 cpus and MB (the DC/OS UI's pods) would sum to 32.001999999999995.
    cpus: Math.round(sum('cpus') * 1000) / 1000,
    mem: Math.round(sum('mem') * 1000) / 1000,
    raw: pod,
  };
}

export function parseDeployment(value: unknown): MarathonDeployment {
  const deployment = asObject(value);
  const current = asArray(deployment.currentActions).map(asObject);
  return {
    id: asString(deployment.id),
    affectedApps: asArray(deployment.affectedApps).flatMap((app) => optionalString(app) ?? []),
    currentStep: asCount(deployment.currentStep),
    totalSteps: asCount(deployment.totalSteps),
    currentActions: current.map((action) => ({ action: asString(action.action), app: asString(action.app) })),
  };
}

export function parseMarathonInfo(value: unknown): MarathonInfo {
  const info = asObject(value);
  const config = asObject(info.marathon_config);
  const zk = asObject(info.zookeeper_config);
  return {
    version: nonEmptyString(info.version, 'unknown'),
    ...(optionalString(info.leader) ? { leader: asString(info.leader) } : {}),
    ...(optionalString(info.frameworkId) ? { frameworkId: asString(info.frameworkId) } : {}),
    ...(optionalString(config.master) ? { master: asString(config.master) } : {}),
    ...(optionalString(zk.zk) ? { zk: asString(zk.zk) } : {}),
    raw: info,
  };
}

/** `/v2/apps` → `{apps: […]}`, `/v2/apps/{id}` → `{app: {…}}`, `/v2/apps/{group}/*` → `{"*": […]}`. */
export function parseAppList(value: unknown): MarathonApp[] {
  const body = asObject(value);
  return asArray(body.apps ?? body['*'] ?? (Array.isArray(value) ? value : [])).map(parseMarathonApp);
}
