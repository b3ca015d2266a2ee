import type { MarathonApp, MarathonPod } from '../../src/clients/marathon-model.js';
import { currentTasks, type MasterState, type MesosAgent, type MesosFramework, type MesosTask } from '../../src/clients/mesos-model.js';
import { formatPortRanges, freeResources, mergePortRanges, portCount, type Resources, sumResources } from '../../src/clients/resources.js';
import type { ZnodeTree } from '../../src/clients/zookeeper.js';
import type { MesosMasterInfo } from '../../src/clients/zookeeper-model.js';
import { type Block, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';

/**
 * Cluster state as Slack blocks, one section per item so long lists paginate cleanly in a thread.
 * Used by /state, /cluster state|ps and the FAQ's live views.
 */
export function appBlocks(apps: MarathonApp[]): Block[] {
  if (apps.length === 0) return [section('_No Marathon apps. Create one with `/cluster install <Marathon JSON>` or in the Marathon UI._')];
  return apps.map((app) => {
    const what = app.image ? `image \`${escapeMrkdwn(app.image)}\`` : app.cmd ? `cmd \`${truncateInline(app.cmd, 80)}\`` : 'no cmd';
    const lines = [
      `*${escapeMrkdwn(app.id)}* — ${what}`,
      `instances ${app.instances} · running ${app.tasksRunning} · staged ${app.tasksStaged} · healthy ${app.tasksHealthy}${app.tasksUnhealthy ? ` · unhealthy ${app.tasksUnhealthy}` : ''} · ${formatCpus(app.cpus)} cpus, ${app.mem} MB each`,
    ];
    if (app.deployments.length > 0) lines.push(`:hourglass_flowing_sand: deployment in progress (${app.deployments.length})`);
    if (app.tasksRunning < app.instances && app.deployments.length > 0)
      lines.push('_Not all instances run yet: waiting for resources, or starting._');
    if (app.lastTaskFailure)
      lines.push(`:x: last failure: ${escapeMrkdwn(app.lastTaskFailure.state)} — ${truncateInline(app.lastTaskFailure.message, 200)}`);
    return section(lines.join('\n'));
  });
}

/** Marathon 1.4+ pods: their containers' images, instances asked for and running, and Marathon's status word. */
export function podBlocks(pods: MarathonPod[]): Block[] {
  return pods.map((pod) => {
    const what = pod.containers
      .slice(0, MAX_CONTAINERS_SHOWN)
      .map((container) => `${escapeMrkdwn(container.name)}${container.image ? ` (\`${escapeMrkdwn(container.image)}\`)` : ''}`)
      .join(', ');
    const more = pod.containers.length > MAX_CONTAINERS_SHOWN ? `, and ${pod.containers.length - MAX_CONTAINERS_SHOWN} more` : '';
    return section(
      [
        `*${escapeMrkdwn(pod.id)}* — pod of ${pod.containers.length} container${pod.containers.length === 1 ? '' : 's'}${what ? `: ${what}${more}` : ''}`,
        `instances ${pod.instances} · running ${pod.running} · ${escapeMrkdwn(pod.status.toLowerCase())} · ${formatCpus(pod.cpus)} cpus, ${pod.mem} MB each`,
      ].join('\n'),
    );
  });
}

/** More containers than a pod in a workshop has: the list is cut there. */
const MAX_CONTAINERS_SHOWN = 5;

export function frameworkBlocks(frameworks: MesosFramework[]): Block[] {
  if (frameworks.length === 0) return [section('_No frameworks are registered._')];
  return frameworks.map((framework) => {
    const states =
      framework.taskStates.map(({ state, count }) => `${count} ${escapeMrkdwn(state.replace(/^TASK_/, '').toLowerCase())}`).join(', ') ||
      'no tasks';
    return section(
      [
        `*${escapeMrkdwn(framework.name)}*${framework.active ? '' : ' _(inactive)_'} — \`${escapeMrkdwn(framework.id)}\``,
        `tasks: ${states}${framework.completedTasks.length ? ` · ${framework.completedTasks.length} completed` : ''}`,
        `uses ${resourcesLine(framework.usedResources)}${rolesPart(framework.roles)}${framework.webuiUrl ? ` · UI ${escapeMrkdwn(framework.webuiUrl)}` : ''}`,
      ].join('\n'),
    );
  });
}

/** " · role slave_public" for a framework that gets a role's reserved resources; nothing for the default role `*` alone. */
function rolesPart(roles: string[]): string {
  if (roles.length === 1 && roles[0] === '*') return '';
  const shown = roles.slice(0, MAX_ROLES_SHOWN).map(escapeMrkdwn).join(', ');
  return ` · role${roles.length === 1 ? '' : 's'} ${shown}${roles.length > MAX_ROLES_SHOWN ? `, and ${roles.length - MAX_ROLES_SHOWN} more` : ''}`;
}

/** More roles than a workshop cluster has: a framework's or an agent's list is cut there. */
const MAX_ROLES_SHOWN = 5;

export function taskBlocks(state: MasterState): Block[] {
  const rows = state.frameworks.flatMap((framework) => currentTasks(framework).map((task) => ({ framework, task })));
  if (rows.length === 0) return [section('_No tasks are running._')];
  const agents = new Map(state.agents.map((agent) => [agent.id, agent.hostname]));
  return rows.map(({ framework, task }) =>
    section(
      `*${escapeMrkdwn(task.name)}* (${escapeMrkdwn(framework.name)}) — ${escapeMrkdwn(task.state)}\nagent ${escapeMrkdwn(agents.get(task.agentId) ?? task.agentId)} · ports ${taskPorts(task) || 'none'} · \`${escapeMrkdwn(task.id)}\``,
    ),
  );
}

/**
 * The cluster's resources summed over its agents: total, used and free. Free is summed agent by
 * agent: agents offer the same port numbers (31000-32000 each), so taking one agent's used port out
 * of the cluster's summed ranges would take it out of every agent's copy.
 */
export function clusterTotals(state: MasterState): { total: Resources; used: Resources; free: Resources } {
  return {
    total: sumResources(state.agents.map((agent) => agent.resources)),
    used: sumResources(state.agents.map((agent) => agent.usedResources)),
    free: sumResources(state.agents.map((agent) => freeResources(agent.resources, agent.usedResources))),
  };
}

export function resourceBlocks(state: MasterState): Block[] {
  if (state.agents.length === 0) return [section('_No agents are registered, so the cluster has no resources._')];
  const { total, used, free } = clusterTotals(state);
  const blocks = state.agents.map((agent) =>
    section(
      [
        `*${escapeMrkdwn(agent.hostname)}*${agent.active ? '' : ` _(${escapeMrkdwn(agent.outOfService ?? 'inactive')})_`}`,
        resourceTable(agent.resources, agent.usedResources),
        ...reservedLines(agent.reserved),
      ].join('\n'),
    ),
  );
  return [
    section(
      [
        `*In total* (${state.agents.length} agent${state.agents.length === 1 ? '' : 's'})`,
        resourceTable(total, used, free),
        ...reservedLines(reservedByRole(state.agents)),
      ].join('\n'),
    ),
    ...blocks,
  ];
}

/**
 * "of which reserved for role slave_public (only its tasks get it): 4 cpus, …": resources counted as
 * free above that a task of another role cannot get (a DC/OS public agent is reserved whole). Not in
 * italics: an underscore in a role's name (slave_public) would end them.
 */
function reservedLines(reserved: MesosAgent['reserved']): string[] {
  const lines = reserved
    .slice(0, MAX_ROLES_SHOWN)
    .map(({ role, resources }) => `of which reserved for role ${escapeMrkdwn(role)} (only its tasks get it): ${resourcesLine(resources)}`);
  if (reserved.length > MAX_ROLES_SHOWN) lines.push(`and reservations for ${reserved.length - MAX_ROLES_SHOWN} more roles`);
  return lines;
}

/** Every agent's reservations summed by role, in the order the roles first appear. */
function reservedByRole(agents: MesosAgent[]): MesosAgent['reserved'] {
  const byRole = new Map<string, Resources[]>();
  for (const { role, resources } of agents.flatMap((agent) => agent.reserved)) byRole.set(role, [...(byRole.get(role) ?? []), resources]);
  return [...byRole].map(([role, list]) => ({ role, resources: sumResources(list) }));
}

/**
 * total / used / free for cpus, mem, disk and ports (cpus keep their fractions: 1.5). The port
 * numbers are those any agent offers, each named once: agents offer the same or overlapping ranges.
 */
export function resourceTable(total: Resources, used: Resources, free = freeResources(total, used)): string {
  const ranges = mergePortRanges(total.ports);
  return [
    `cpus  ${formatCpus(total.cpus)} total · ${formatCpus(used.cpus)} used · *${formatCpus(free.cpus)} free*`,
    `mem   ${total.mem} MB total · ${used.mem} MB used · *${free.mem} MB free*`,
    `disk  ${total.disk} MB total · ${used.disk} MB used · *${free.disk} MB free*`,
    `ports ${portCount(total.ports)} total · ${portCount(used.ports)} used · *${portCount(free.ports)} free* (${formatPortRanges(ranges) || 'none'})`,
  ].join('\n');
}

/** Ports used or reserved on several agents (the same 31000 on two) are named once. */
export function resourcesLine(resources: Resources): string {
  return `${formatCpus(resources.cpus)} cpus, ${resources.mem} MB mem, ${resources.disk} MB disk${resources.ports.length ? `, ports ${formatPortRanges(mergePortRanges(resources.ports))}` : ''}`;
}

export function znodeBlocks(tree: ZnodeTree, masters: MesosMasterInfo[]): Block[] {
  const lines: string[] = [];
  const walk = (node: ZnodeTree, depth: number) => {
    const size = node.dataLength > 0 ? ` (${node.dataLength} B)` : '';
    const more = node.truncated ? ` … ${node.numChildren} children` : '';
    lines.push(
      `${'  '.repeat(depth)}${escapeMrkdwn(depth === 0 ? node.path : node.name)}${node.ephemeral ? ' [ephemeral]' : ''}${size}${more}`,
    );
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(tree, 0);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 40) blocks.push(section(`\`\`\`${lines.slice(i, i + 40).join('\n')}\`\`\``));
  if (masters.length > 0) blocks.push(section(mesosLeaderLine(masters)));
  return blocks;
}

export function mesosLeaderLine(masters: MesosMasterInfo[]): string {
  const [leader, ...others] = masters;
  if (!leader) return 'No Mesos master is registered in ZooKeeper.';
  const describe = (master: MesosMasterInfo) =>
    `${escapeMrkdwn(`${master.pid ?? master.hostname ?? '?'} (${master.znode}${master.version ? `, Mesos ${master.version}` : ''}`)}${master.format === 'protobuf' ? ', binary protobuf' : ''})`;
  return `*Leading Mesos master:* ${describe(leader)} — the lowest sequence number leads.${others.length ? `\nStandby: ${others.map(describe).join(', ')}` : ''}`;
}

export function taskPorts(task: MesosTask): string {
  return task.discoveryPorts.length > 0
    ? task.discoveryPorts.map((port) => `${port.number}${port.name ? ` (${escapeMrkdwn(port.name)})` : ''}`).join(', ')
    : formatPortRanges(task.resources.ports);
}

export function formatCpus(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : String(Math.round(cpus * 100) / 100);
}

/** Cluster-reported text on one line, cut to `max` characters, then escaped (never cut inside an entity). */
function truncateInline(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return escapeMrkdwn(oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine);
}
