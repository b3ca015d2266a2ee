import { randomUUID } from 'node:crypto';

/** Mesos-style ids: `<date>-<time>-<ip>-<port>-<pid>` prefixes with -S<n> (agents) and -<nnnn> (frameworks). */
export function masterId(port: number): string {
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  return `${date}-${time}-16777343-${port}-${process.pid}`;
}

export function uuid(): string {
  return randomUUID();
}

/** Marathon task ids: app path segments joined by `_`, a dot, a UUID. */
export function marathonTaskId(appId: string): string {
  return `${taskIdPrefix(appId)}.${randomUUID()}`;
}

/** The part of a Marathon task id that names its app (`/prod/web` → `prod_web`). */
export function taskIdPrefix(appId: string): string {
  return appId.replace(/^\//, '').split('/').join('_');
}

/** Which app a Marathon task id belongs to, as its prefix. */
export function taskIdApp(taskId: string): string {
  return taskId.slice(0, taskId.lastIndexOf('.'));
}

/** The Mesos task name Marathon uses: path segments reversed, joined by `.`. */
export function marathonTaskName(appId: string): string {
  return appId.replace(/^\//, '').split('/').reverse().join('.');
}

export const nowSeconds = () => Date.now() / 1000;

/** Where an agent keeps a task's sandbox (the executor's run directory), as Mesos lays it out under --work_dir. */
export function sandboxDirectory(
  workDir: string,
  ids: { agentId: string; frameworkId: string; executorId: string; containerId: string },
): string {
  return `${workDir}/slaves/${ids.agentId}/frameworks/${ids.frameworkId}/executors/${ids.executorId}/runs/${ids.containerId}`;
}
