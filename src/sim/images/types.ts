import type { Socket } from 'node:net';

/** A task as its agent runs it: what its image needs to answer. */
export interface RunningTask {
  id: string;
  name: string;
  frameworkId: string;
  image: string;
  env: Record<string, string>;
  args: string[];
  /** The agent's address (what Mesos reports as the task's host). */
  host: string;
  /** The ports Mesos allocated to the task, in order. */
  ports: number[];
}

/** A task of the cluster as the master lists it (GET /sim/tasks). */
export interface ClusterTask {
  id: string;
  name: string;
  framework_id: string;
  framework_name?: string;
  state: string;
  agent_hostname?: string;
  resources: { ports?: string };
  container?: { docker?: { image?: string } };
}

/** What a simulated process may ask of the cluster around it. */
export interface TaskSurroundings {
  /** The master's /state. */
  masterState(): Promise<Record<string, unknown>>;
  /** Every task of one framework (all frameworks when none is given), with its agent's address. */
  tasks(frameworkId?: string): Promise<ClusterTask[]>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type ImageServer =
  | {
      protocol: 'http';
      answer(request: { method: string; path: string }, task: RunningTask, around: TaskSurroundings): Promise<HttpAnswer>;
    }
  | { protocol: 'tcp'; connected(socket: Socket, task: RunningTask): void };

export interface ImageBehaviour {
  /** The ports the image's process listens on inside its container. */
  ports: number[];
  server: ImageServer;
}

/** `docker.io/library/nginx:1.11@sha256:…` → `{ name: 'nginx', tag: '1.11' }`: registry, `library/` and digest dropped. */
export function imageName(image: string): { name: string; tag?: string } {
  const withoutDigest = image.trim().replace(/@.*$/, '');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : undefined;
  const segments = (colon > slash ? withoutDigest.slice(0, colon) : withoutDigest).toLowerCase().split('/');
  if (segments.length > 1 && /[.:]|^localhost$/.test(segments[0]!)) segments.shift();
  if (segments.length > 1 && segments[0] === 'library') segments.shift();
  return { name: segments.join('/'), ...(tag ? { tag } : {}) };
}
