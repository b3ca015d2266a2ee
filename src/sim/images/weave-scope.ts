import { html, simPage, table } from '../html.js';
import type { ImageServer } from './types.js';

interface StateTask {
  id: string;
  name: string;
  state: string;
  slave_id: string;
  container?: { docker?: { image?: string } };
}

/** Weave Scope's UI reduced to its container list: the cluster's daemons and every task, where they run. */
export const weaveScope: ImageServer = {
  protocol: 'http',
  async answer(request, _task, around) {
    const headers = { 'content-type': 'text/html; charset=utf-8' };
    if (request.path !== '/') return { status: 404, headers, body: '404 page not found\n' };
    const state = (await around.masterState()) as {
      hostname?: string;
      slaves?: Array<{ id: string; hostname: string }>;
      frameworks?: Array<{ name: string; hostname: string; tasks: StateTask[] }>;
    };
    const agentHost = new Map((state.slaves ?? []).map((agent) => [agent.id, agent.hostname]));
    const rows: unknown[][] = [
      ['mesos-master', 'Mesos master', state.hostname ?? '', 'running'],
      ...(state.slaves ?? []).map((agent) => ['mesos-agent', 'Mesos agent', agent.hostname, 'running']),
      ...(state.frameworks ?? [])
        .filter((framework) => framework.name === 'marathon')
        .map((framework) => ['marathon', 'Marathon', framework.hostname, 'running']),
      ...(state.frameworks ?? []).flatMap((framework) =>
        framework.tasks.map((task) => [
          task.name,
          task.container?.docker?.image ?? `${framework.name} task`,
          agentHost.get(task.slave_id) ?? '',
          task.state.replace(/^TASK_/, '').toLowerCase(),
        ]),
      ),
    ];
    const body = html`<h2>Containers</h2>
${table(['container', 'image', 'host', 'state'], rows, 'No containers.')}`;
    return { status: 200, headers, body: simPage('Weave Scope (simulated)', body) };
  },
};
