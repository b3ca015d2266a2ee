import type { ClusterBackend, ProvisionedCluster, ProvisionRequest } from '../../src/clusters/backend.js';

/**
 * A backend that behaves as told: find no room, fail at a step (with a given error), or wait at a step until cancelled. For tests of
 * the queue's logic (real Redis, real BullMQ), where Docker is not what is tested.
 */
export class ScriptedBackend implements ClusterBackend {
  readonly destroyed: string[] = [];
  readonly built: string[] = [];
  constructor(private readonly script: { failAt?: string; hangAt?: string; error?: Error; noRoom?: Error } = {}) {}

  async provision(request: ProvisionRequest): Promise<ProvisionedCluster> {
    // As the Docker backend: a host is found (or not) before any step is reported.
    if (this.script.noRoom) throw this.script.noRoom;
    for (const step of ['pulling images', 'zookeeper', 'master', 'agents', 'marathon'] as const) {
      request.onProgress(step);
      if (this.script.failAt === step) throw this.script.error ?? new Error(`${step} did not answer within 60 s`);
      if (this.script.hangAt === step)
        await new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    }
    this.built.push(request.clusterId);
    return {
      endpoints: { master: 'http://127.0.0.1:5050' },
      exports: ['export MINIMESOS_MASTER=http://127.0.0.1:5050; export MINIMESOS_MASTER_IP=127.0.0.1'],
      clusterTokens: { MINIMESOS_MASTER: 'http://172.18.0.3:5050' },
    };
  }

  async destroy(clusterId: string): Promise<void> {
    this.destroyed.push(clusterId);
  }
}
