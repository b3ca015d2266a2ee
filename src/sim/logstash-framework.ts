import { randomUUID } from 'node:crypto';
import type { SchedulerLink, SimSchedulerFramework } from './scheduler-link.js';
import { schedulerImage } from './scheduler-link.js';

/** One executor per agent, all named alike (the name is ours: no capture of a running one). */
const TASK_NAME = 'logstash.task';

/**
 * The Mesos Logstash framework (`mesos/logstash-scheduler`, the workshop's ELK bonus), as its scheduler
 * (a Marathon app) runs it: registers as framework `FRAMEWORK_NAME` (default `logstash`) and runs one
 * executor on every agent whose offer fits (`EXECUTOR_CPUS`, default 0.2), as the `mesos/logstash-executor`
 * image at `LOGSTASH_EXECUTOR_VERSION`. Its executors listen on nothing here (syslog and collectd are off
 * unless enabled).
 */
export class SimLogstashFramework implements SimSchedulerFramework {
  private frameworkId = '';

  constructor(private readonly link: SchedulerLink) {}

  schedules(app: Record<string, unknown>): boolean {
    return schedulerImage(app).startsWith('mesos/logstash-scheduler');
  }

  async reconcile(scheduler: Record<string, unknown>): Promise<void> {
    const env = (scheduler.env ?? {}) as Record<string, string>;
    if (!this.frameworkId) this.frameworkId = await this.link.register(env.FRAMEWORK_NAME || 'logstash', ''); // it serves no web UI
    const image = `${env.LOGSTASH_EXECUTOR_IMAGE || 'mesos/logstash-executor'}:${env.LOGSTASH_EXECUTOR_VERSION || 'latest'}`;
    const cpus = Number(env.EXECUTOR_CPUS) > 0 ? Number(env.EXECUTOR_CPUS) : 0.2;
    await this.link.converge(this.frameworkId, await this.link.agentCount(), () => ({
      id: `logstash.${randomUUID()}`,
      name: TASK_NAME,
      resources: { cpus, mem: Number(env.EXECUTOR_HEAP_SIZE) > 0 ? Number(env.EXECUTOR_HEAP_SIZE) : 64, disk: 0 },
      uniqueHost: TASK_NAME,
      runtime: { image, env },
    }));
  }
}
