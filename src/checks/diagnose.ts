import type { MarathonApp } from '../clients/marathon-model.js';
import type { MasterState, MesosAgent } from '../clients/mesos-model.js';
import { formatPortRanges, freeResources, minResources, type Resources, sumResources } from '../clients/resources.js';
import { asArray, asObject, optionalString } from '../clients/values.js';
import { withTimeout } from '../within.js';
import type { CheckScope } from './check-type.js';
import { type AppSelector, describeApp, describeApps, portMappings, selectApps } from './marathon-apps.js';
import { stateWord } from './task-state.js';

/** How long a step that does not need Marathon waits for it to say why nothing runs: it only adds a reason. */
const EXPLAIN_WAIT_MS = 1000;
/** How much of a failed task's message is shown (Docker's pull errors run long). */
const MESSAGE_CHARS = 160;
/** How many of Marathon's apps a "no such app" detail names. */
const LISTED_APPS = 5;

/**
 * Why an app has no task running, from what Marathon and the master report: scaled to 0, a task
 * still staging, a task on an agent the master lost touch with, the last task's failure, or a task Marathon cannot launch because no agent offers
 * what it asks for (too many cpus or MB, a host port outside the agents' ranges). Undefined when a
 * task runs, or nothing explains it.
 */
export function whyNoTaskRuns(app: MarathonApp, state: MasterState | undefined): string | undefined {
  if (app.tasksRunning > 0) return undefined;
  if (app.instances === 0) return 'it is scaled to 0 instances (suspended): scale it up';
  // A failure of this version of the app says more than the retry staging after it (one of an older version, less).
  const failure = app.lastTaskFailure;
  const current = failure !== undefined && asObject(app.raw.lastTaskFailure).version === app.raw.version;
  if (app.tasksStaged > 0 && !current)
    return `${app.tasksStaged === 1 ? 'its task is' : `${app.tasksStaged} tasks are`} still staging: the agent is fetching the image or starting the container (stuck for minutes? its sandbox's stderr says why)`;
  const unreachable = app.tasks.filter((task) => task.state === 'TASK_UNREACHABLE').length;
  if (unreachable > 0)
    return `${unreachable === 1 ? 'its task is' : `${unreachable} of its tasks are`} unreachable: ${unreachableWhy(app)}`;
  if (failure) {
    const message = failure.message.trim();
    const shown = message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS)}…` : message;
    return `its last task ${stateWord(failure.state)}${shown ? `: "${shown}"` : ''}`;
  }
  return state ? unplaceable(app, state) : undefined;
}

/**
 * Marathon 1.4+ keeps the task of an agent the master lost touch with as TASK_UNREACHABLE (Mesos
 * stops hearing from the agent for about 75 s first) and starts a replacement once the app's
 * `unreachableStrategy` says so.
 */
function unreachableWhy(app: MarathonApp): string {
  const after = asObject(app.raw.unreachableStrategy).inactiveAfterSeconds;
  const when =
    typeof after === 'number' && Number.isFinite(after) && after >= 0 ? `${after} s after that` : 'as its unreachableStrategy says';
  return `the master lost touch with the agent it runs on (is the agent up?); Marathon starts a replacement ${when}`;
}

/** What no active agent can give the app's task, so Marathon keeps waiting for an offer. */
function unplaceable(app: MarathonApp, state: MasterState): string | undefined {
  const agents = state.agents.filter((agent) => agent.active);
  if (agents.length === 0) return 'no agent is registered to run it';
  const roles = appRoles(app, state);
  const free = agents.map((agent) => usableBy(agent, roles));
  const fits = free.filter((resources) => resources.cpus >= app.cpus && resources.mem >= app.mem);
  if (fits.length === 0) {
    const most = free.reduce((best, resources) => (resources.cpus + resources.mem / 1024 > best.cpus + best.mem / 1024 ? resources : best));
    const reserved = agents.some((agent) => agent.reserved.some((reservation) => !mayUse(roles, reservation.role)))
      ? ', leaving out what is reserved for other roles'
      : '';
    return `no agent has ${app.cpus} cpus and ${app.mem} MB free for its task (the most one has: ${most.cpus} cpus, ${most.mem} MB${reserved}): ask for less`;
  }
  const ports = fixedHostPorts(app);
  const offered = (port: number) => fits.some((resources) => resources.ports.some((range) => port >= range.begin && port <= range.end));
  const missing = ports.filter((port) => !offered(port));
  if (missing.length > 0)
    return `it asks for host port ${missing.join(', ')}, which no agent offers (they offer ${formatPortRanges(fits[0]!.ports) || 'none'}): use hostPort 0 for any free one`;
  return undefined;
}

/**
 * The roles whose reserved resources the app's task may get, besides the unreserved (`*`): its
 * `role` (Marathon 1.9+ names it in every app); before that its `acceptedResourceRoles` and, by
 * default, the role(s) Marathon registered with (a framework named like Marathon).
 */
function appRoles(app: MarathonApp, state: MasterState): string[] {
  const role = optionalString(app.raw.role);
  if (role) return ['*', role];
  const accepted = asArray(app.raw.acceptedResourceRoles).flatMap((accepted) => optionalString(accepted) ?? []);
  const marathon = state.frameworks.filter((framework) => /marathon/i.test(framework.name)).flatMap((framework) => framework.roles);
  return [...new Set(['*', ...accepted, ...marathon])];
}

/** A reservation for `reserved` serves a task of one of `roles`, or of a role below it (`dev/web` gets `dev`'s). */
function mayUse(roles: string[], reserved: string): boolean {
  return roles.some((role) => role === reserved || role.startsWith(`${reserved}/`));
}

/**
 * What an agent can give a task of `roles`: its free resources, but never more than is left once
 * other roles' reservations are taken out. (Part of a reservation may be in use, so this is the most
 * the task could get: a reason built on it never says too little is free.)
 */
function usableBy(agent: MesosAgent, roles: string[]): Resources {
  const others = sumResources(agent.reserved.filter((reservation) => !mayUse(roles, reservation.role)).map(({ resources }) => resources));
  return minResources(freeResources(agent.resources, agent.usedResources), freeResources(agent.resources, others));
}

/** The agent ports an app's task must get exactly: BRIDGE mappings' non-zero hostPorts, or its portDefinitions with requirePorts. */
function fixedHostPorts(app: MarathonApp): number[] {
  const mappings = portMappings(app);
  if (mappings.length > 0) return mappings.map((mapping) => mapping.hostPort).filter((port) => port > 0);
  if (app.raw.requirePorts !== true) return [];
  return asArray(app.raw.portDefinitions ?? app.raw.ports)
    .map((definition) => Number(typeof definition === 'number' ? definition : asObject(definition).port))
    .filter((port) => port > 0);
}

/** "its apps: /nginx with image ngnix, /db with no image": the apps Marathon has, for a step that found none it wants. */
export function listApps(apps: MarathonApp[]): string {
  if (apps.length === 0) return 'it has no apps at all';
  const named = apps.slice(0, LISTED_APPS).map((app) => `${app.id} with ${app.image ? `image ${app.image}` : 'no image'}`);
  return `its apps: ${named.join(', ')}${apps.length > LISTED_APPS ? `, and ${apps.length - LISTED_APPS} more` : ''}`;
}

/**
 * For a step about tasks (by app id or image) that found none running: what Marathon says of the
 * app behind them — its state and why no task runs, or which apps there are when none matches.
 * Marathon is asked only briefly, and its silence only leaves the reason out: the step does not need it.
 */
export async function explainFromMarathon(selector: AppSelector | undefined, scope: CheckScope): Promise<string | undefined> {
  if (!selector || !scope.endpoints.marathon) return undefined;
  const found = await withTimeout(Promise.all([selectApps(selector, scope), scope.marathonApps(), scope.masterState()]), EXPLAIN_WAIT_MS);
  if (!found) return undefined;
  const [apps, all, state] = found;
  if (apps.length === 0) return 'image' in selector ? `Marathon has no ${describeApps(selector)} (${listApps(all)})` : undefined;
  const app = apps[0]!;
  const why = whyNoTaskRuns(app, state);
  return `Marathon has ${describeApp(app)}${why ? `: ${why}` : ''}`;
}
