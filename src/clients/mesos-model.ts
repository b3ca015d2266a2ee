import { SIMULATOR_MARKER } from '../sim/about.js';
import { NO_RESOURCES, parseResources, type Resources } from './resources.js';
import { asArray, asBoolean, asNumber, asObject, asString, type Json, optionalString } from './values.js';

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
  attributes: Json;
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
  /** The JSON as received, for `--raw` and for fields we do not model. */
  raw: Json;
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
  raw: Json;
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
    state: asString(task.state, 'TASK_UNKNOWN'),
    resources: parseResources(task.resources),
    discoveryPorts: asArray(asObject(asObject(asObject(task.discovery).ports)).ports)
      .map(asObject)
      .map((port) => ({ ...(optionalString(port.name) ? { name: asString(port.name) } : {}), number: asNumber(port.number) })),
    ...(running ? { startedAt: asNumber(running.timestamp) } : {}),
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
    ...(framework.registered_time !== undefined ? { registeredTime: asNumber(framework.registered_time) } : {}),
  };
}

export function parseAgent(value: unknown, tasksOnAgent: MesosTask[] = []): MesosAgent {
  const agent = asObject(value);
  const used =
    agent.used_resources !== undefined
      ? parseResources(agent.used_resources)
      : tasksOnAgent.reduce<Resources>(
          (sum, task) => ({
            cpus: sum.cpus + task.resources.cpus,
            mem: sum.mem + task.resources.mem,
            disk: sum.disk + task.resources.disk,
            gpus: sum.gpus + task.resources.gpus,
            ports: [...sum.ports, ...task.resources.ports],
          }),
          { ...NO_RESOURCES, ports: [] },
        );
  return {
    id: asString(agent.id),
    pid: asString(agent.pid),
    hostname: asString(agent.hostname),
    active: asBoolean(agent.active, true),
    resources: parseResources(agent.resources),
    usedResources: used,
    attributes: asObject(agent.attributes),
    ...(optionalString(agent.version) ? { version: asString(agent.version) } : {}),
  };
}

export function parseMasterState(value: unknown): MasterState {
  const state = asObject(value);
  const frameworks = asArray(state.frameworks).map(parseFramework);
  const liveTasks = frameworks.flatMap((framework) => framework.tasks).filter((task) => !TERMINAL_TASK_STATES.includes(task.state));
  const agents = asArray(state.slaves ?? state.agents).map((agent) =>
    parseAgent(
      agent,
      liveTasks.filter((task) => task.agentId === asString(asObject(agent).id)),
    ),
  );
  const flags = Object.fromEntries(Object.entries(asObject(state.flags)).map(([key, flag]) => [key, asString(flag)]));
  return {
    version: asString(state.version, 'unknown'),
    id: asString(state.id),
    pid: asString(state.pid),
    hostname: asString(state.hostname),
    ...(optionalString(state.leader) ? { leader: asString(state.leader) } : {}),
    ...(optionalString(state.cluster) ? { cluster: asString(state.cluster) } : {}),
    activatedAgents: asNumber(state.activated_slaves ?? state.activated_agents, agents.filter((agent) => agent.active).length),
    deactivatedAgents: asNumber(state.deactivated_slaves ?? state.deactivated_agents),
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
          taskIds: [...asArray(executor.tasks), ...asArray(executor.completed_tasks), ...asArray(executor.queued_tasks)].map((task) =>
            asString(asObject(task).id),
          ),
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
    version: asString(state.version, 'unknown'),
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
