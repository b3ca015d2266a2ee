import { html, simPage, table } from './html.js';

interface AppView {
  id: string;
  instances: number;
  cpus?: number;
  mem?: number;
  cmd?: string | null;
  container?: { docker?: { image?: string; network?: string } } | null;
  healthChecks?: unknown[];
  tasksRunning: number;
  tasksStaged: number;
  deployments: unknown[];
  lastTaskFailure?: { message?: string };
  tasks: Array<{ id: string; host: string; ports: number[]; state: string; startedAt?: string }>;
}

/** Marathon's Applications tab as one plain page: each app with its instances, its tasks and their health. */
export function marathonPage(apps: AppView[], info: { version: string; leader: string; master: string }): string {
  const health = (app: AppView) => ((app.healthChecks ?? []).length === 0 ? 'no health checks' : 'not checked by the simulator');
  const status = (app: AppView) =>
    app.deployments.length > 0
      ? 'Deploying'
      : app.instances === 0
        ? 'Suspended'
        : app.tasksRunning === app.instances
          ? 'Running'
          : 'Waiting';
  const body = html`<p>Marathon ${info.version} · leader ${info.leader} · Mesos master <a href="${info.master}">${info.master}</a> ·
<a href="/v2/apps">/v2/apps</a> · <a href="/v2/tasks">/v2/tasks</a> · <a href="/v2/deployments">/v2/deployments</a></p>
<h2>Applications</h2>
${table(
  ['id', 'status', 'running / instances', 'CPUs', 'memory MB', 'image or command', 'last failure'],
  apps.map((app) => [
    app.id,
    status(app),
    `${app.tasksRunning} / ${app.instances}${app.tasksStaged > 0 ? ` (${app.tasksStaged} staged)` : ''}`,
    app.cpus ?? '',
    app.mem ?? '',
    app.container?.docker?.image ?? app.cmd ?? '',
    app.lastTaskFailure?.message ?? '',
  ]),
  'No applications. POST one to /v2/apps.',
)}
<h2>Tasks</h2>
${table(
  ['id', 'app', 'state', 'host', 'ports', 'started', 'health'],
  apps.flatMap((app) =>
    app.tasks.map((task) => [task.id, app.id, task.state, task.host, task.ports.join(', '), task.startedAt ?? '', health(app)]),
  ),
  'No tasks.',
)}`;
  return simPage('Simulated Marathon', body);
}
