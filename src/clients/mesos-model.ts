import { SIMULATOR_MARKER } from '../sim/about.js';
import { isEmpty, NO_RESOURCES, parseResources, type Resources, sumResources } from './resources.js';
import {
  asArray,
  asBoolean,
  asCount,
  asObject,
  asString,
  firstArray,
  type Json,
  nonEmptyString,
  optional,
  optionalPort,
  optionalString,
  optionalTime,
} from './values.js';

/** The states of a task that has not ended (mesos.proto 1.x): what `/state-summary` counts as its tasks. */
export const LIVE_TASK_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE'];

export const TERMINAL_TASK_STATES = [
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
];

export interface MesosTask {
  id: string;
  name: string;
  frameworkId: string;
  executorId: string;
  agentId: string;
  state: string;
  resources: Resources;
  /** Named ports from service discovery info (e.g. Elasticsearch CLIENT_PORT), when the task has it. */
  discoveryPorts: Array<{ name?: string; number: number }>;
  startedAt?: number;
}

export interface MesosFramework {
  id: string;
  name: string;
  active: boolean;
  /**
   * The roles whose resources it gets: a MULTI_ROLE framework's `roles` (Mesos 1.3+, Marathon 1.9+
   * registers so), else its one `role`; `*` when it names none.
   */
  roles: string[];
  hostname: string;
  webuiUrl?: string;
  usedResources: Resources;
  /** Live tasks (Mesos 1.1+ moves a task of an agent it lost touch with to `unreachableTasks`). */
  tasks: MesosTask[];
  unreachableTasks: MesosTask[];
  completedTasks: MesosTask[];
  /**
   * How many live and unreachable tasks are in each state: counted from the lists, or, where the
   * master sends counts instead (`/state-summary`: `"TASK_RUNNING": 3`), those counts.
   */
  taskStates: Array<{ state: string; count: number }>;
  registeredTime?: number;
}

export interface MesosAgent {
  id: string;
  pid: string;
  hostname: string;
  /** Connected and taking tasks: false for a disconnected agent and for one an operator deactivated or drains (Mesos 1.9+). */
  active: boolean;
  /** Why an operator took it out of service: "draining", "drained" or "deactivated" (Mesos 1.9+ `deactivated`, `drain_info`). */
  outOfService?: string;
  resources: Resources;
  /** Missing in old masters' state: then computed from the tasks running on the agent. */
  usedResources: Resources;
  /**
   * The part of `resources` only tasks of a role may use (`reserved_resources` by role: static
   * `cpus(logstash):0.2` reservations and dynamic ones), used or not.
   */
  reserved: Array<{ role: string; resources: Resources }>;
  /** `rack: "a"`, `level: 2`: Mesos attributes are text or scalars; anything else is dropped. */
  attributes: Record<string, string | number>;
  version?: string;
  /** The port it serves on, where the master names it (`/master/slaves` of Mesos 1.x). */
  port?: number;
}

export interface MasterState {
  version: string;
  id: string;
  pid: string;
  hostname: string;
  /** The leader's pid ("master@IP:5050"); absent while no leader is known. */
  leader?: string;
  cluster?: string;
  activatedAgents: number;
  deactivatedAgents: number;
  agents: MesosAgent[];
  frameworks: MesosFramework[];
  completedFrameworks: MesosFramework[];
  flags: Record<string, string>;
  /** The master is mesos-workshop-bot's simulator (its /state says so in a field real Mesos does not have). */
  simulated: boolean;
  /** The JSON as received, for fields we do not model. */
  raw: Record<string, unknown>;
}

export interface AgentExecutor {
  id: string;
  name: string;
  frameworkId: string;
  directory: string;
  taskIds: string[];
  completed: boolean;
  /**
   * Mesos' default executor (`type: "DEFAULT"`, Mesos 1.1+: Marathon pods, task groups of SDK
   * frameworks) runs each task in a sandbox of its own, `<directory>/tasks/<task id>`.
   */
  runsTaskSandboxes: boolean;
}

export interface AgentState {
  id: string;
  pid: string;
  hostname: string;
  version: string;
  resources: Resources;
  executors: AgentExecutor[];
  raw: Record<string, unknown>;
}

export function parseTask(value: unknown): MesosTask {
  const task = asObject(value);
  const statuses = asArray(task.statuses).map(asObject);
  const running = statuses.find((status) => status.state === 'TASK_RUNNING');
  return {
    id: asString(task.id),
    name: asString(task.name, asString(task.id)),
    frameworkId: asString(task.framework_id),
    executorId: asString(task.executor_id),
    agentId: asString(task.slave_id ?? task.agent_id),
    state: nonEmptyString(task.state, 'TASK_UNKNOWN'),
    resources: parseResources(task.resources),
    discoveryPorts: asArray(asObject(asObject(asObject(task.discovery).ports)).ports).flatMap((value) => {
      const port = asObject(value);
      const number = optionalPort(port.number);
      // A port without a usable number is no port: never "port 0".
      return number === undefined ? [] : [{ ...(optionalString(port.name) ? { name: asString(port.name) } : {}), number }];
    }),
    ...optional('startedAt', optionalTime(running?.timestamp)),
  };
}

export function parseFramework(value: unknown): MesosFramework {
  const framework = asObject(value);
  const tasks = asArray(framework.tasks).map(parseTask);
  const unreachableTasks = asArray(framework.unreachable_tasks).map(parseTask);
  const used = framework.used_resources ?? framework.resources;
  return {
    id: asString(framework.id),
    name: asString(framework.name),
    active: asBoolean(framework.active, true),
    roles: frameworkRoles(framework),
    hostname: asString(framework.hostname),
    ...(optionalString(framework.webui_url) ? { webuiUrl: asString(framework.webui_url) } : {}),
    usedResources: used === undefined ? NO_RESOURCES : parseResources(used),
    tasks,
    unreachableTasks,
    completedTasks: asArray(framework.completed_tasks).map(parseTask),
    taskStates:
      Array.isArray(framework.tasks) || Array.isArray(framework.unreachable_tasks)
        ? countStates([...tasks, ...unreachableTasks])
        : summaryCounts(framework),
    ...optional('registeredTime', optionalTime(framework.registered_time)),
  };
}

function frameworkRoles(framework: Json): string[] {
  const roles = asArray(framework.roles).flatMap((role) => optionalString(role) ?? []);
  return roles.length > 0 ? roles : [nonEmptyString(framework.role, '*')];
}

/** A framework's tasks that have not ended: live ones, then those on agents the master lost touch with (TASK_UNREACHABLE). */
export function currentTasks(framework: MesosFramework): MesosTask[] {
  return framework.unreachableTasks.length === 0 ? framework.tasks : [...framework.tasks, ...framework.unreachableTasks];
}

function countStates(tasks: MesosTask[]): Array<{ state: string; count: number }> {
  // A Map, not an object: a state is whatever the cluster names it ("__proto__" too).
  const counts = new Map<string, number>();
  for (const task of tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  return [...counts].map(([state, count]) => ({ state, count }));
}

/** `/state-summary`'s per-state counters of live tasks (terminal ones are history, as `completed_tasks` is). */
function summaryCounts(framework: Record<string, unknown>): Array<{ state: string; count: number }> {
  return LIVE_TASK_STATES.flatMap((state) => {
    const count = asCount(framework[state]);
    return count > 0 ? [{ state, count }] : [];
  });
}

/** `drain_info.state` of a deactivated agent (Mesos 1.9+), as a reply words it. */
const DRAIN_STATES = new Map([
  ['DRAINING', 'draining'],
  ['DRAINED', 'drained'],
]);

export function parseAgent(value: unknown, tasksOnAgent: MesosTask[] = []): MesosAgent {
  const agent = asObject(value);
  // A deactivated agent stays connected (`active: true`) but gets no offers: no task can start there.
  const outOfService =
    agent.deactivated === true ? (DRAIN_STATES.get(asString(asObject(agent.drain_info).state)) ?? 'deactivated') : undefined;
  const used =
    agent.used_resources !== undefined ? parseResources(agent.used_resources) : sumResources(tasksOnAgent.map((task) => task.resources));
  return {
    id: asString(agent.id),
    pid: asString(agent.pid),
    hostname: asString(agent.hostname),
    active: asBoolean(agent.active, true) && outOfService === undefined,
    ...optional('outOfService', outOfService),
    resources: parseResources(agent.resources),
    usedResources: used,
    reserved: Object.entries(asObject(agent.reserved_resources)).flatMap(([role, amounts]) => {
      const resources = parseResources(amounts);
      return role !== '' && role !== '*' && !isEmpty(resources) ? [{ role, resources }] : [];
    }),
    attributes: Object.fromEntries(
      Object.entries(asObject(agent.attributes)).filter(
        (entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number',
      ),
    ),
    ...(optionalString(agent.version) ? { version: asString(agent.version) } : {}),
    ...optional('port', optionalPort(agent.port)),
  };
}

export function parseMasterState(value: unknown): MasterState {
  const state = asObject(value);
  const frameworks = asArray(state.frameworks).map(parseFramework);
  // Live tasks by agent, found once: a filter per agent took seconds on a cluster with 10k tasks.
  const liveTasks = new Map<string, MesosTask[]>();
  for (const task of frameworks.flatMap((framework) => framework.tasks)) {
    // A task that names no agent is on none (not on every agent that names no id either).
    if (task.agentId === '' || TERMINAL_TASK_STATES.includes(task.state)) continue;
    const onAgent = liveTasks.get(task.agentId);
    if (onAgent) onAgent.push(task);
    else liveTasks.set(task.agentId, [task]);
  }
  const agents = firstArray(state.slaves, state.agents).map((agent) => {
    const id = asString(asObject(agent).id);
    return parseAgent(agent, id === '' ? [] : liveTasks.get(id));
  });
  const flags = Object.fromEntries(Object.entries(asObject(state.flags)).map(([key, flag]) => [key, asString(flag)]));
  return {
    version: nonEmptyString(state.version, 'unknown'),
    id: asString(state.id),
    pid: asString(state.pid),
    hostname: asString(state.hostname),
    ...(optionalString(state.leader) ? { leader: asString(state.leader) } : {}),
    ...(optionalString(state.cluster) ? { cluster: asString(state.cluster) } : {}),
    activatedAgents: asCount(state.activated_slaves ?? state.activated_agents, agents.filter((agent) => agent.active).length),
    deactivatedAgents: asCount(state.deactivated_slaves ?? state.deactivated_agents, agents.filter((agent) => !agent.active).length),
    agents,
    frameworks,
    completedFrameworks: asArray(state.completed_frameworks).map(parseFramework),
    flags,
    simulated: state[SIMULATOR_MARKER] !== undefined,
    raw: state,
  };
}

export function parseAgentState(value: unknown): AgentState {
  const state = asObject(value);
  const executors: AgentExecutor[] = [];
  for (const framework of [...asArray(state.frameworks), ...asArray(state.completed_frameworks)].map(asObject)) {
    const collect = (list: unknown, completed: boolean) => {
      for (const executor of asArray(list).map(asObject)) {
        executors.push({
          id: asString(executor.id),
          name: asString(executor.name),
          frameworkId: asString(framework.id),
          directory: asString(executor.directory),
          taskIds: [...asArray(executor.tasks), ...asArray(executor.completed_tasks), ...asArray(executor.queued_tasks)]
            .map((task) => asString(asObject(task).id))
            .filter((id) => id !== ''),
          completed,
          runsTaskSandboxes: executor.type === 'DEFAULT',
        });
      }
    };
    collect(framework.executors, false);
    collect(framework.completed_executors, true);
  }
  return {
    id: asString(state.id),
    pid: asString(state.pid),
    hostname: asString(state.hostname),
    version: nonEmptyString(state.version, 'unknown'),
    resources: parseResources(state.resources),
    executors,
    raw: state,
  };
}

/** The sandbox of `task` run by `executor`: the executor's own, or the task's under it (the default executor's). */
export function taskSandbox(executor: AgentExecutor, task: MesosTask): string {
  return executor.runsTaskSandboxes && executor.id !== task.id ? `${executor.directory}/tasks/${task.id}` : executor.directory;
}

/** `/metrics/snapshot` is a flat map of numbers; anything else is dropped. */
export function parseMetrics(value: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries(asObject(value)).filter(([, metric]) => typeof metric === 'number')) as Record<string, number>;
}

/**
 * "master@10.0.0.5:5050" → "10.0.0.5:5050". An IPv6 address comes out bracketed, as a URL needs it,
 * whether the pid brackets it ("slave(1)@[2001:db8::7]:5051") or not ("slave(1)@2001:db8::7:5051").
 */
export function pidAddress(pid: string): string {
  const address = pid.replace(/^[^@]*@/, '');
  if (address.startsWith('[') || address.split(':').length <= 2) return address;
  const cut = address.lastIndexOf(':');
  return `[${address.slice(0, cut)}]:${address.slice(cut + 1)}`;
}

/** The port agents serve on unless told otherwise. */
const AGENT_PORT = 5051;

/** `host:port` of an agent: from its pid, else its hostname and port (5051 when not named); "" when the master names neither. */
export function agentAddress(agent: MesosAgent): string {
  const fromPid = pidAddress(agent.pid);
  if (fromPid !== '') return fromPid;
  if (agent.hostname === '') return '';
  return `${agent.hostname.includes(':') ? `[${agent.hostname}]` : agent.hostname}:${agent.port ?? AGENT_PORT}`;
}
