import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { imageBehaviour, imageName, type RunningTask, type TaskSurroundings } from './images/index.js';

/** What the master tells an agent to run: the task, and the ports on the agent's address it answers on. */
export interface TaskLaunch {
  task: RunningTask;
  listen: number[];
}

interface Listener {
  port: number;
  /** The image's name: tasks of one image share its port (the workshop scales nginx on one agent). */
  image: string;
  tasks: Map<string, RunningTask>;
  close(): Promise<void>;
}

/**
 * The simulated processes of one agent's tasks: a listener per port their images answer on, bound
 * on the agent's own address, closed when the last task using it ends.
 */
export class TaskProcesses {
  private readonly listeners = new Map<number, Listener>();
  private readonly running = new Set<string>();

  constructor(
    private readonly bindHost: string,
    private readonly around: TaskSurroundings,
  ) {}

  get taskIds(): string[] {
    return [...this.running];
  }

  /** Starts a task's listeners; a port another image holds, or one the machine refuses, fails the task (as a container's bind would). */
  async start({ task, listen }: TaskLaunch): Promise<void> {
    const behaviour = imageBehaviour(task.image);
    const image = imageName(task.image).name;
    const opened: Listener[] = [];
    try {
      for (const port of behaviour ? listen : []) {
        const existing = this.listeners.get(port);
        if (existing && existing.image !== image)
          throw new Error(
            `${image} cannot listen on ${this.bindHost}:${port}: ${existing.image} (task ${[...existing.tasks.keys()][0]}) already does`,
          );
        const listener = existing ?? (await this.open(port, image, behaviour!.server));
        if (!existing) opened.push(listener);
        listener.tasks.set(task.id, task);
      }
    } catch (error) {
      for (const listener of opened) await this.release(listener, task.id);
      for (const listener of this.listeners.values()) listener.tasks.delete(task.id);
      throw error;
    }
    this.running.add(task.id);
  }

  async stop(taskId: string): Promise<void> {
    this.running.delete(taskId);
    for (const listener of [...this.listeners.values()]) if (listener.tasks.has(taskId)) await this.release(listener, taskId);
  }

  async stopAll(): Promise<void> {
    for (const taskId of [...this.running]) await this.stop(taskId);
  }

  private async release(listener: Listener, taskId: string): Promise<void> {
    listener.tasks.delete(taskId);
    if (listener.tasks.size > 0) return;
    this.listeners.delete(listener.port);
    await listener.close();
  }

  private async open(port: number, image: string, server: NonNullable<ReturnType<typeof imageBehaviour>>['server']): Promise<Listener> {
    const tasks = new Map<string, RunningTask>();
    const anyTask = () => [...tasks.values()][0]!;
    let listening: HttpServer | Server;
    const sockets = new Set<Socket>();
    if (server.protocol === 'http') {
      listening = createHttpServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://task').pathname;
        server
          .answer({ method: request.method ?? 'GET', path }, anyTask(), this.around)
          .catch((error: unknown) => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: `${(error as Error).message}\n` }))
          .then((answer) => {
            response.writeHead(answer.status, answer.headers);
            response.end(request.method === 'HEAD' ? undefined : answer.body);
          });
      });
    } else {
      listening = createTcpServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        server.connected(socket, anyTask());
      });
    }
    await new Promise<void>((resolve, reject) => {
      listening.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `${image} cannot listen on ${this.bindHost}:${port}: ${error.code === 'EADDRINUSE' ? 'address already in use' : error.message}`,
          ),
        ),
      );
      listening.listen(port, this.bindHost, () => resolve());
    });
    const listener: Listener = {
      port,
      image,
      tasks,
      close: () =>
        new Promise<void>((resolve) => {
          if ('closeAllConnections' in listening) listening.closeAllConnections();
          for (const socket of sockets) socket.destroy();
          listening.close(() => resolve());
        }),
    };
    this.listeners.set(port, listener);
    return listener;
  }
}
