import { spawn, type ChildProcess } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type BotApp } from '../../src/app.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../../src/config.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { createLogger } from '../../src/logger.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

/**
 * A worker killed with SIGKILL in the middle of a build: BullMQ's stalled-job check (about 30 s)
 * hands the job to another worker, which finishes the same cluster — once, with no duplicate.
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('crash safety: kill the worker mid-build', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const prefix = uniquePrefix('crash').slice(0, -1);
  const env = { ...process.env, REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: prefix, CLUSTER_IMAGES: 'local', LOG_LEVEL: 'warn' };
  const workers: ChildProcess[] = [];
  let app: BotApp;
  const startWorker = () => {
    const worker = spawn(process.execPath, ['dist/src/cli/main.js', 'worker'], { env, stdio: 'ignore' });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    await buildLocalImages(docker);
    app = createApp(loadConfig(env, 'local'), { log: createLogger('silent', { pretty: false }) });
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await app?.close();
  });

  it('finishes the cluster once after the worker building it dies', async () => {
    const first = startWorker();
    const queued = await app.services.clusters.up('U0CRASH', specFromFlags({ agents: 2 }), async () => ({ channel: 'C0', ts: '1.1' }));
    expect(queued.queued).toBe(true);
    // Kill it once the first containers exist: a half-built cluster.
    await until(async () => ['master', 'agents'].includes((await app.services.clusters.get('U0CRASH'))?.step ?? ''), 30_000);
    first.kill('SIGKILL');
    startWorker();
    await until(async () => (await app.services.clusters.get('U0CRASH'))?.status === 'ready', 90_000);
    const containers = await docker.listContainers({ all: true, filters: { label: ['workshop.attendee=U0CRASH'] } });
    const roles = containers.map((container) => `${container.Labels['workshop.role']}-${container.Labels['workshop.index']}`).sort();
    expect(roles).toEqual(['agent-1', 'agent-2', 'marathon-0', 'master-0', 'zookeeper-0']);
    expect(containers.every((container) => container.State === 'running')).toBe(true);
    expect(new Set(containers.map((container) => container.Labels['workshop.cluster'])).size).toBe(1);

    await app.services.clusters.down('U0CRASH');
    expect(await docker.listContainers({ all: true, filters: { label: ['workshop.attendee=U0CRASH'] } })).toHaveLength(0);
  }, 150_000);
});
