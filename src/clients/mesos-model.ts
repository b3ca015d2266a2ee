import { SIMULATOR_MARKER } from '../sim/about.js';
import { NO_RESOURCES, parseResources, type Resources, sumResources } from './resources.js';
import {
  asArray,
  asBoolean,
  asCount,
  asObject,
  asString,
  firstArray,
  nonEmptyString,
  optional,
  optionalPort,
  optionalString,
  optionalTime,
} from './values.js';

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
  role: string;
  hostname: string;
  webuiUrl?: string;
  usedResources: Resources;
  tasks: MesosTask[];
  completedTasks: MesosTask[];
  registeredTime?: number;
}

export interface MesosAgent {
  id: string;
  pid: string;
  hostname: string;
  active: boolean;
  resources: Resources;
  /** Missing in old masters' state: then computed from the tasks running on the agent. */
  usedResources: Resources;
  /** `rack: "a"`, `level: 2`: Mesos attributes are text or scalars; anything else is dropped. */
  attributes: Record<string, string | number>;
  version?: string;
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
  const used = framework.used_resources ?? framework.resources;
  return {
    id: asString(framework.id),
    name: asString(framework.name),
    active: asBoolean(framework.active, true),
    role: asString(framework.role, '*'),
    hostname: asString(framework.hostname),
    ...(optionalString(framework.webui_url) ? { webuiUrl: asString(framework.webui_url) } : {}),
    usedResources: used === undefined ? NO_RESOURCES : parseResources(used),
    tasks,
    completedTasks: asArray(framework.completed_tasks).map(parseTask),
    ...optional('registeredTime', optionalTime(framework.registered_time)),
  };
}

export function parseAgent(value: unknown, tasksOnAgent: MesosTask[] = []): MesosAgent {
  const agent = asObject(value);
  const used =
    agent.used_resources !== undefined ? parseResources(agent.used_resources) : sumResources(tasksOnAgent.map((task) => task.resources));
  return {
    id: asString(agent.id),
    pid: asString(agent.pid),
    hostname: asString(agent.hostname),
    active: asBoolean(agent.active, true),
    resources: parseResources(agent.resources),
    usedResources: used,
    attributes: Object.fromEntries(
      Object.entries(asObject(agent.attributes)).filter(
        (entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number',
      ),
    ),
    ...(optionalString(agent.version) ? { version: asString(agent.version) } : {}),
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

/** `/metrics/snapshot` is a flat map of numbers; anything else is dropped. */
export function parseMetrics(value: unknown): Record<string, number> {
  return Object.fromEntries(Object.entries(asObject(value)).filter(([, metric]) => typeof metric === 'number')) as Record<string, number>;
}

/** "master@10.0.0.5:5050" → "10.0.0.5:5050" */
export function pidAddress(pid: string): string {
  return pid.replace(/^[^@]*@/, '');
}
