import { z } from 'zod';
import { agentAddress, currentTasks, type MasterState, type MesosTask } from '../clients/mesos-model.js';
import { asArray, asObject, asString } from '../clients/values.js';
import { type CheckScope, StepNotMet } from './check-type.js';
import { describeImage, imageMatches, imageSchema } from './image.js';
import { type AppSelector, portMappings } from './marathon-apps.js';

/** Which tasks a step means: by Mesos task name or Marathon app id, by container image, or by framework. */
export type TaskSelector = { name: string } | { image: string } | { framework: string };

/** `name:` or `image:` (exactly one), for the checks that look at tasks or apps. */
export const nameOrImage = {
  name: z.string().min(1).optional(),
  image: imageSchema.optional(),
};

export function exactlyOne(fields: string[]) {
  return (value: Record<string, unknown>) => fields.filter((field) => value[field] !== undefined).length === 1;
}

/** The Marathon apps behind a task selector (a framework's tasks have none). */
export function appSelector(selector: TaskSelector): AppSelector | undefined {
  if ('name' in selector) return { id: selector.name };
  return 'image' in selector ? { image: selector.image } : undefined;
}

export interface SelectedTask extends MesosTask {
  framework: string;
}

/** "nginx", "image mysql", "framework elasticsearch": how a detail names the selected tasks. */
export function describeSelector(selector: TaskSelector): string {
  if ('name' in selector) return selector.name;
  if ('image' in selector) return `image ${describeImage(selector.image)}`;
  return `framework ${selector.framework}`;
}

/** The tasks the selector names, running ones first: live ones, and finished ones too when asked. */
export async function selectTasks(
  selector: TaskSelector,
  scope: CheckScope,
  options: { finished?: boolean } = {},
): Promise<{ tasks: SelectedTask[]; state: MasterState }> {
  const state = await scope.masterState();
  const live: SelectedTask[] = state.frameworks.flatMap((framework) =>
    [...currentTasks(framework), ...(options.finished ? framework.completedTasks : [])].map((task) => ({
      ...task,
      framework: framework.name,
    })),
  );
  let tasks: SelectedTask[];
  if ('name' in selector) {
    const prefix = marathonTaskPrefix(selector.name);
    const grouped = `${marathonTaskName(selector.name)}.`;
    tasks = live.filter((task) => task.name === selector.name || task.id.startsWith(prefix) || task.name.startsWith(grouped));
  } else if ('framework' in selector) {
    tasks = live.filter((task) => task.framework === selector.framework);
  } else {
    tasks = await withImage(live, selector.image, state, scope);
  }
  return { tasks: tasks.sort((a, b) => Number(b.state === 'TASK_RUNNING') - Number(a.state === 'TASK_RUNNING')), state };
}

/**
 * Tasks whose container runs `image`. Mesos 1.x reports a task's container in its state; older
 * masters (and the simulator) do not, so tasks without one are matched through Marathon's apps.
 */
async function withImage(live: SelectedTask[], image: string, state: MasterState, scope: CheckScope): Promise<SelectedTask[]> {
  const images = taskImages(state);
  const unknown = live.filter((task) => !images.has(task.id));
  const fromMarathon = new Set<string>();
  if (unknown.length > 0 && scope.endpoints.marathon) {
    for (const app of await scope.marathonApps())
      if (app.image && imageMatches(app.image, image)) for (const task of app.tasks) fromMarathon.add(task.id);
  }
  return live.filter((task) => {
    const known = images.get(task.id);
    return known !== undefined ? imageMatches(known, image) : fromMarathon.has(task.id);
  });
}

/** Task id → image, from the containers in the master's raw state (Docker and Mesos containerizers). */
function taskImages(state: MasterState): Map<string, string> {
  const images = new Map<string, string>();
  for (const framework of asArray(state.raw.frameworks).map(asObject)) {
    for (const task of asArray(framework.tasks).map(asObject)) {
      const container = asObject(task.container);
      const image = asString(asObject(container.docker).image) || asString(asObject(asObject(asObject(container.mesos).image).docker).name);
      if (image) images.set(asString(task.id), image);
    }
  }
  return images;
}

/** Marathon's task ids are the app's path joined by `_`, a dot, a UUID: `/prod/web` → `prod_web.…`. */
function marathonTaskPrefix(appId: string): string {
  return `${segments(appId).join('_')}.`;
}

/**
 * The Mesos task name Marathon gives an app's tasks: its path reversed, joined by dots (`/prod/web` →
 * `web.prod`). An app of that name in a group (`/workshop/web`) has tasks named `web.workshop`.
 */
function marathonTaskName(appId: string): string {
  return segments(appId).reverse().join('.');
}

const segments = (appId: string) => appId.split('/').filter(Boolean);

/**
 * The agent's port where a task's container port `port` answers. A Docker app on BRIDGE with
 * `portMappings` gets a host port per mapping (`hostPort: 0`: any from the offer), listed in the
 * mappings' order in Marathon's task `ports`; on the host's network (or with no mappings) the
 * container's port is the agent's. Tasks of no Marathon app (a framework's) keep their port.
 */
export async function publishedPort(task: MesosTask, port: number, scope: CheckScope): Promise<number> {
  if (!scope.endpoints.marathon) return port;
  const app = (await scope.marathonApps()).find((candidate) => candidate.tasks.some((appTask) => appTask.id === task.id));
  if (!app) return port;
  const mappings = portMappings(app);
  if (mappings.length === 0) return port;
  const index = mappings.findIndex((mapping) => mapping.containerPort === port);
  if (index < 0)
    throw new StepNotMet(
      `${app.id} maps container port${mappings.length === 1 ? '' : 's'} ${mappings.map((mapping) => String(mapping.containerPort)).join(', ')} to the agent, but not ${port}: add a portMapping with containerPort ${port} (hostPort 0 takes a free one)`,
    );
  const host = app.tasks.find((appTask) => appTask.id === task.id)?.ports[index];
  if (host === undefined) throw new StepNotMet(`Marathon names no agent port for container port ${port} of task ${task.name} yet`);
  return host;
}

/**
 * Where the bot reaches a task's port: a port number the app listens on at its agent's address
 * (host networking, as minimesos runs the workshop's apps), or a named port from the task's
 * discovery info (Elasticsearch's CLIENT_PORT). An attendee engine (dind) publishes some app ports
 * elsewhere: `endpoints.apps` says where, and wins.
 */
export function taskAddress(task: MesosTask, port: string, state: MasterState, apps: Record<string, string> | undefined): string {
  const number = /^\d+$/.test(port)
    ? Number(port)
    : task.discoveryPorts.find((candidate) => candidate.name?.toLowerCase() === port.toLowerCase())?.number;
  if (number === undefined) throw new StepNotMet(`task ${task.name} has no port named ${port}`);
  const published = apps?.[String(number)];
  if (published) return published;
  const agent = state.agents.find((candidate) => candidate.id === task.agentId);
  if (!agent) throw new StepNotMet(`task ${task.name} runs on agent ${task.agentId}, which the master no longer lists`);
  const host = agentAddress(agent).replace(/:\d+$/, '');
  if (host === '') throw new StepNotMet(`the master names no address for agent ${agent.id}, where task ${task.name} runs`);
  return `${host}:${number}`;
}
