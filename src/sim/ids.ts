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
  return `${appId.replace(/^\//, '').split('/').join('_')}.${randomUUID()}`;
}

/** The Mesos task name Marathon uses: path segments reversed, joined by `.`. */
export function marathonTaskName(appId: string): string {
  return appId.replace(/^\//, '').split('/').reverse().join('.');
}

export const nowSeconds = () => Date.now() / 1000;
