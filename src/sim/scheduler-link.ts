import { simCall } from './http-server.js';
import type { LaunchRequest } from './master-model.js';

/** A task as the master lists it to its framework (GET /sim/tasks). */
export interface MasterTask {
  id: string;
  name: string;
  state: string;
  slave_id: string;
  agent_hostname?: string;
  resources: { ports?: string };
  statuses: Array<{ state: string; timestamp: number; message?: string }>;
}

export const LIVE_TASK_STATES = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']);

/** What a scheduler (Marathon, the Elasticsearch framework) says to the simulated master. */
export class SchedulerLink {
  constructor(
    private readonly masterUrl: string,
    private readonly hostname: string,
  ) {}

  /** Registers (or finds again) a framework; waits for a master that is still starting. */
  async register(name: string, webuiUrl: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return ((await simCall(`${this.masterUrl}/sim/frameworks`, 'POST', { name, hostname: this.hostname, webuiUrl })) as { id: string })
          .id;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  }

  async tasks(frameworkId: string): Promise<MasterTask[]> {
    return (await simCall(`${this.masterUrl}/sim/tasks?frameworkId=${encodeURIComponent(frameworkId)}`, 'GET')) as MasterTask[];
  }

  async launch(frameworkId: string, tasks: LaunchRequest[]): Promise<{ launched: Array<{ id: string }>; declined: string[] }> {
    return (await simCall(`${this.masterUrl}/sim/tasks`, 'POST', { frameworkId, tasks })) as {
      launched: Array<{ id: string }>;
      declined: string[];
    };
  }

  /** Kills a task; one that already ended is no error. */
  async kill(taskId: string): Promise<void> {
    await simCall(`${this.masterUrl}/sim/tasks/${encodeURIComponent(taskId)}`, 'DELETE').catch(() => undefined);
  }

  /** How many agents the master has (a framework that runs one task per agent asks for that many). */
  async agentCount(): Promise<number> {
    return ((await simCall(`${this.masterUrl}/state`, 'GET')) as { slaves?: unknown[] }).slaves?.length ?? 0;
  }

  /**
   * One pass of a framework keeping `wanted` live tasks: asks for the missing ones (the master places
   * what fits and declines the rest, as offers would) or kills the extra ones. Returns the live tasks.
   */
  async converge(frameworkId: string, wanted: number, request: (index: number) => LaunchRequest): Promise<MasterTask[]> {
    const live = (await this.tasks(frameworkId)).filter((task) => LIVE_TASK_STATES.has(task.state));
    if (live.length < wanted)
      await this.launch(
        frameworkId,
        Array.from({ length: wanted - live.length }, (_, index) => request(index)),
      );
    else for (const task of live.slice(wanted)) await this.kill(task.id);
    return live;
  }
}

/** A scheduler's framework as a Marathon app runs it: recognised by its app, reconciled while its scheduler task runs. */
export interface SimSchedulerFramework {
  schedules(app: Record<string, unknown>): boolean;
  reconcile(app: Record<string, unknown>): Promise<void>;
  /** Closes what the scheduler serves (its web UI), when Marathon stops. */
  stop?(): Promise<void>;
}

/** A scheduler app's Docker image (`mesos/logstash-scheduler:0.10-RC1`), or "". */
export function schedulerImage(app: Record<string, unknown>): string {
  return String(((app.container ?? {}) as { docker?: { image?: string } }).docker?.image ?? '');
}
