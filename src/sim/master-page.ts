import { formatPortRanges } from '../clients/resources.js';
import { html, simPage, table } from './html.js';
import { sandboxDirectory } from './ids.js';
import type { MasterModel, SimTaskRecord } from './master-model.js';

/** The first tabs of the Mesos UI as one plain page: agents, frameworks, and tasks with links into their sandboxes. */
export function masterPage(master: MasterModel): string {
  const agents = [...master.agents.values()];
  const frameworks = [...master.frameworks.values()];
  const tasks = [...master.tasks.values()].sort((a, b) => (b.statuses[0]?.timestamp ?? 0) - (a.statuses[0]?.timestamp ?? 0));
  const frameworkName = (id: string) => master.frameworks.get(id)?.name ?? id;
  const sandboxLinks = (task: SimTaskRecord) => {
    const agent = master.agents.get(task.agentId);
    if (!agent) return '';
    const directory = sandboxDirectory(agent.workDir, {
      agentId: agent.id,
      frameworkId: task.frameworkId,
      executorId: task.executorId,
      containerId: task.containerId,
    });
    const link = (endpoint: string, path: string, label: string) =>
      html`<a href="${`${agent.url}/files/${endpoint}?path=${encodeURIComponent(path)}`}">${label}</a>`;
    return html`${link('browse', directory, 'sandbox')} · ${link('download', `${directory}/stdout`, 'stdout')} · ${link('download', `${directory}/stderr`, 'stderr')}`;
  };
  const body = html`<p>Cluster <strong>${master.clusterName ?? '(unnamed)'}</strong> · Mesos ${master.version} · leader ${master.pid} ·
<a href="/state">/state</a> · <a href="/metrics/snapshot">/metrics/snapshot</a></p>
<h2>Agents</h2>
${table(
  ['id', 'host', 'CPUs (used / total)', 'memory MB (used / total)', 'disk MB (used / total)', 'ports'],
  agents.map((agent) => {
    const used = master.usedOn(agent.id);
    return [
      agent.id,
      html`<a href="${`${agent.url}/state`}">${agent.hostname}:${agent.port}</a>`,
      `${used.cpus} / ${agent.resources.cpus}`,
      `${used.mem} / ${agent.resources.mem}`,
      `${used.disk} / ${agent.resources.disk}`,
      formatPortRanges(agent.resources.ports),
    ];
  }),
  'No agents have registered.',
)}
<h2>Frameworks</h2>
${table(
  ['name', 'id', 'active', 'running tasks', 'web UI'],
  frameworks.map((framework) => [
    framework.name,
    framework.id,
    framework.active ? 'yes' : 'no',
    master.liveTasks().filter((task) => task.frameworkId === framework.id).length,
    framework.webuiUrl ? html`<a href="${framework.webuiUrl}">${framework.webuiUrl}</a>` : '',
  ]),
  'No frameworks have registered.',
)}
<h2>Tasks</h2>
${table(
  ['id', 'name', 'framework', 'state', 'host', 'ports', 'sandbox'],
  tasks.map((task) => [
    task.id,
    task.name,
    frameworkName(task.frameworkId),
    task.state,
    master.agents.get(task.agentId)?.hostname ?? '',
    formatPortRanges(task.resources.ports),
    sandboxLinks(task),
  ]),
  'No tasks.',
)}`;
  return simPage('Simulated Mesos master', body);
}
