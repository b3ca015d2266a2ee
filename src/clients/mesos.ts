import { quote, UserError } from '../errors.js';
import { escapeMrkdwn } from '../render/mrkdwn.js';
import { EndpointError, type HttpClient, type HttpResponse, httpStatusError, parseJson } from './http.js';
import {
  type AgentExecutor,
  type AgentState,
  agentAddress,
  currentTasks,
  type MasterState,
  type MesosAgent,
  type MesosFramework,
  type MesosTask,
  parseAgent,
  parseAgentState,
  parseFramework,
  parseMasterState,
  parseMetrics,
  parseTask,
  pidAddress,
  taskSandbox,
} from './mesos-model.js';
import { asArray, asNumber, asObject, asString, firstArray, optionalString } from './values.js';

/** Mesos caps one /files/read at 16 pages; ask for less and page. */
const READ_CHUNK = 64 * 1024;

export interface MesosClientOptions {
  masterUrl: string;
  /** Agent URLs the bot can reach (published ports); otherwise the address in the agent's pid. */
  agentUrls?: string[];
  /**
   * For addresses the cluster itself reports (an agent's pid, the leading master): they are only as
   * trustworthy as whoever runs the master. Default: the same client as the endpoints.
   */
  reportedHttp?: HttpClient;
  /** The leading master's `host:port` from the cluster's ZooKeeper, when it has one. */
  leaderFromZookeeper?: () => Promise<string | undefined>;
}

/**
 * A Mesos master (and its agents) over HTTP, for every version a workshop meets: the plain
 * endpoint names (0.25+, the only ones from 1.8) with the `.json` names as fallback (older masters).
 * A non-leading master's redirect is never followed: the leader is looked up (ZooKeeper, or the
 * master's own /state) and asked through `reportedHttp`.
 */
export class MesosClient {
  readonly masterUrl: string;
  private readonly reportedHttp: HttpClient;
  /** Origins the bot was given (not learnt from the cluster); worked out when first needed. */
  private endpointOrigins: Set<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly options: MesosClientOptions,
  ) {
    this.masterUrl = options.masterUrl.replace(/\/+$/, '');
    this.reportedHttp = options.reportedHttp ?? http;
  }

  async state(): Promise<MasterState> {
    return parseMasterState(await this.masterJson(['/state', '/state.json', '/master/state', '/master/state.json']));
  }

  async frameworks(): Promise<{ frameworks: MesosFramework[]; completed: MesosFramework[] }> {
    const body = asObject(await this.masterJson(['/master/frameworks', '/master/frameworks.json', '/frameworks']));
    return { frameworks: asArray(body.frameworks).map(parseFramework), completed: asArray(body.completed_frameworks).map(parseFramework) };
  }

  async tasks(limit = 1000): Promise<MesosTask[]> {
    const body = asObject(
      await this.masterJson([`/master/tasks?limit=${limit}`, `/master/tasks.json?limit=${limit}`, `/tasks?limit=${limit}`]),
    );
    return asArray(body.tasks).map(parseTask);
  }

  async agents(): Promise<MesosAgent[]> {
    const body = asObject(await this.masterJson(['/master/slaves', '/master/slaves.json', '/slaves']));
    return firstArray(body.slaves, body.agents).map((agent) => parseAgent(agent));
  }

  async metrics(): Promise<Record<string, number>> {
    return parseMetrics(await this.masterJson(['/metrics/snapshot']));
  }

  /** True when the master says it is healthy (200 on /health). */
  async health(): Promise<boolean> {
    const response = await this.http.request(`${this.masterUrl}/health`);
    return response.status === 200;
  }

  /** The leading master's address ("IP:5050"), from the master's own state. */
  async leader(): Promise<string | undefined> {
    const state = await this.state();
    return state.leader ? pidAddress(state.leader) : undefined;
  }

  async agentState(agentUrl: string): Promise<AgentState> {
    const base = agentUrl.replace(/\/+$/, '');
    return parseAgentState(
      await firstFound(['/state', '/state.json', '/slave(1)/state', '/slave(1)/state.json'], (path) =>
        this.clientFor(base).json(`${base}${path}`),
      ),
    );
  }

  /** The URL the bot uses for an agent: a known reachable one with that id, else its pid address. */
  async agentUrlFor(agent: MesosAgent): Promise<string> {
    for (const url of this.options.agentUrls ?? []) {
      const state = await this.agentState(url).catch(() => undefined);
      if (state?.id === agent.id) return url.replace(/\/+$/, '');
    }
    const address = agentAddress(agent);
    if (address === '')
      throw new UserError(
        `The master names no address for agent ${escapeMrkdwn(agent.id)} (neither a pid nor a hostname), so I can't reach its sandboxes.`,
        'Look the agent up in the Mesos UI: it may have to register again before its sandboxes can be read.',
      );
    return `http://${address}`;
  }

  /** Finds a task by id, or by a unique part of its id or name (like `minimesos logs --task`). */
  async findTask(query: string): Promise<{ task: MesosTask; state: MasterState }> {
    const state = await this.state();
    const tasks = [...state.frameworks, ...state.completedFrameworks].flatMap((framework) => [
      ...currentTasks(framework),
      ...framework.completedTasks,
    ]);
    const exact = tasks.find((task) => task.id === query);
    if (exact) return { task: exact, state };
    const matches = tasks.filter((task) => task.id.includes(query) || task.name.includes(query));
    const distinct = [...new Map(matches.map((task) => [task.id, task])).values()];
    if (distinct.length === 0)
      throw new UserError(
        `Cannot find task: ${quote(query)}.`,
        'List the tasks with /cluster ps or /state tasks and use part of an id or name.',
      );
    if (distinct.length > 1) {
      const running = distinct.filter((task) => task.state === 'TASK_RUNNING');
      if (running.length === 1) return { task: running[0]!, state };
      throw new UserError(
        `${quote(query)} matches ${distinct.length} tasks: ${distinct
          .slice(0, 5)
          .map((task) => escapeMrkdwn(task.id))
          .join(', ')}${distinct.length > 5 ? ', …' : ''}.`,
        'Use more of the task id.',
      );
    }
    return { task: distinct[0]!, state };
  }

  /** Lists a task's sandbox directory through its agent's /files/browse. */
  async browseSandbox(query: string): Promise<Array<{ path: string; size: number; mode: string }>> {
    const { agentUrl, directory } = await this.sandboxOf(query);
    return asArray(await this.clientFor(agentUrl).json(`${agentUrl}/files/browse?path=${encodeURIComponent(directory)}`))
      .map(asObject)
      .map((entry) => ({ path: asString(entry.path), size: asNumber(entry.size), mode: asString(entry.mode) }));
  }

  /** Reads a task's sandbox file (stdout/stderr) through its agent's /files API: the last `maxBytes`. */
  async readSandboxFile(
    query: string,
    file: 'stdout' | 'stderr',
    maxBytes = 8 * 1024,
  ): Promise<{ task: MesosTask; path: string; content: string; size: number }> {
    const { task, agentUrl, directory } = await this.sandboxOf(query);
    const path = `${directory}/${file}`;
    const http = this.clientFor(agentUrl);
    const size = asNumber(asObject(await http.json(`${agentUrl}/files/read?path=${encodeURIComponent(path)}&offset=-1`)).offset);
    const offset = Math.max(0, size - maxBytes);
    let content = '';
    while (offset + content.length < size) {
      const length = Math.min(READ_CHUNK, size - offset - content.length);
      const chunk = asString(
        asObject(
          await http.json(`${agentUrl}/files/read?path=${encodeURIComponent(path)}&offset=${offset + content.length}&length=${length}`),
        ).data,
      );
      if (chunk === '') break;
      content += chunk;
    }
    return { task, path, content, size };
  }

  /** The agent that ran a task and the task's sandbox directory there. */
  private async sandboxOf(query: string): Promise<{ task: MesosTask; agentUrl: string; directory: string }> {
    const { task, state } = await this.findTask(query);
    const agent = state.agents.find((candidate) => candidate.id === task.agentId);
    if (!agent)
      throw new UserError(
        `Task ${escapeMrkdwn(task.id)} ran on agent ${escapeMrkdwn(task.agentId)}, which the master no longer knows.`,
        'The agent may have gone away; its sandbox went with it.',
      );
    const agentUrl = await this.agentUrlFor(agent);
    const executor = findExecutor((await this.agentState(agentUrl)).executors, task);
    if (!executor)
      throw new UserError(
        `The agent has no sandbox for task ${escapeMrkdwn(task.id)} (it may have been garbage-collected).`,
        'Sandboxes of finished tasks are removed after a while.',
      );
    return { task, agentUrl, directory: taskSandbox(executor, task) };
  }

  private clientFor(url: string): HttpClient {
    this.endpointOrigins ??= new Set([this.masterUrl, ...(this.options.agentUrls ?? [])].map((endpoint) => new URL(endpoint).origin));
    return this.endpointOrigins.has(new URL(url).origin) ? this.http : this.reportedHttp;
  }

  private masterJson(paths: string[]): Promise<unknown> {
    return firstFound(paths, (path) => this.fromLeader(path));
  }

  /** GET from the master; when it is not the leader, from the leader it names (never from its Location header). */
  private async fromLeader(path: string): Promise<unknown> {
    const url = `${this.masterUrl}${path}`;
    const response = await this.http.request(url);
    if (!isRedirect(response.status)) return masterAnswer(url, response);
    const leader = await this.leadingMaster();
    if (!leader || leader === new URL(this.masterUrl).host)
      throw new EndpointError(
        'http',
        url,
        `${this.masterUrl} is not the leading Mesos master, and I can't tell which one is.`,
        'Use the leading master (its web UI names it), or add zookeeper=<host>:2181 so I can look the leader up.',
        response.status,
      );
    const leaderUrl = `${new URL(this.masterUrl).protocol}//${leader}${path}`;
    const answer = await this.reportedHttp.request(leaderUrl);
    if (isRedirect(answer.status))
      throw new EndpointError(
        'http',
        leaderUrl,
        `The Mesos masters disagree about who leads: ${leader} is not leading either.`,
        'A master election may be under way; try again in a few seconds.',
        answer.status,
      );
    return masterAnswer(leaderUrl, answer);
  }

  /** `host:port` of the leading master: from ZooKeeper, else from this master's /state (older masters serve it when not leading). */
  private async leadingMaster(): Promise<string | undefined> {
    const fromZookeeper = await this.options.leaderFromZookeeper?.().catch(() => undefined);
    if (fromZookeeper) return fromZookeeper;
    for (const path of ['/state', '/state.json']) {
      const response = await this.http.request(`${this.masterUrl}${path}`).catch(() => undefined);
      if (response?.status !== 200) continue;
      const leader = optionalString(asObject(parseJsonOrNothing(response.text)).leader);
      if (leader) return pidAddress(leader);
    }
    return undefined;
  }
}

const isRedirect = (status: number) => status >= 300 && status < 400;

function masterAnswer(url: string, response: HttpResponse): unknown {
  if (response.status === 503 && /no leader/i.test(response.text)) {
    throw new EndpointError(
      'http',
      url,
      `${url}: no Mesos master is leading right now.`,
      'A master election may be under way; try again in a few seconds.',
      503,
    );
  }
  if (response.status < 200 || response.status >= 300) throw httpStatusError(url, response);
  return parseJson(url, response.text);
}

function parseJsonOrNothing(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Tries each path in turn while the endpoint answers 404 (older/newer Mesos names). */
async function firstFound(paths: string[], get: (path: string) => Promise<unknown>): Promise<unknown> {
  let lastError: EndpointError | undefined;
  for (const path of paths) {
    try {
      return await get(path);
    } catch (error) {
      if (!(error instanceof EndpointError) || error.status !== 404) throw error;
      lastError = error;
    }
  }
  throw lastError!;
}

function findExecutor(executors: AgentExecutor[], task: MesosTask): AgentExecutor | undefined {
  const withTask = executors.filter(
    (executor) =>
      executor.taskIds.includes(task.id) || executor.id === task.id || (task.executorId !== '' && executor.id === task.executorId),
  );
  return withTask.find((executor) => !executor.completed) ?? withTask[0];
}
