import { type ChildProcess, spawn } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApp, createApp } from '../../src/app.js';
import { PROVISION_STEPS } from '../../src/clusters/backend.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../../src/config.js';
import { DEPLOYMENT_KEY, LABELS } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { createLogger } from '../../src/logger.js';
import { removeEnginesNetwork } from '../support/docker.js';
import { SERVE_START_MS } from '../support/processes.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

/**
 * How long one step may take after a kill: the new worker process starts (as slowly as serve),
 * BullMQ sees the job stalled (lockDuration 15 s + stalledInterval 10 s), and the build reaches its
 * next step. That took 26–37 s with two busy loops beside the test, and the busiest full-suite
 * run logged took the whole test 168 s instead of 85 s.
 */
const TAKEOVER_MS = SERVE_START_MS + 60_000;

/**
 * Workers killed with SIGKILL again and again in the middle of a build (dind isolation, the
 * default): each time BullMQ's stalled-job check hands the job to the next worker, which picks
 * up what exists. The cluster comes up once — one engine, each role once — and nothing leaks.
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('crash safety: kill the worker mid-build, several times', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const prefix = uniquePrefix('crash').slice(0, -1);
  const env = {
    ...process.env,
    REDIS_URL: testRedisUrl()!,
    WORKSHOP_KEY_PREFIX: prefix,
    CLUSTER_IMAGES: 'local',
    CLUSTER_ISOLATION: 'dind',
    LOG_LEVEL: 'warn',
  };
  const workers: ChildProcess[] = [];
  let app: BotApp;
  const startWorker = () => {
    const worker = spawn(process.execPath, ['dist/src/cli/main.js', 'worker'], { env, stdio: 'ignore' });
    workers.push(worker);
    return worker;
  };
  const ownContainers = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.deployment}=${prefix}`] } });
  const stepIndex = async () =>
    PROVISION_STEPS.indexOf((await app.services.clusters.get('U0CRASH'))?.step as (typeof PROVISION_STEPS)[number]);

  beforeAll(async () => {
    await buildLocalImages(docker);
    app = createApp(loadConfig(env, 'local'), { log: createLogger('silent', { pretty: false }) });
    // The deployment's id is the test's prefix, so what it made is easy to find.
    await app.services.store.redis.set(DEPLOYMENT_KEY, prefix);
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await app?.close();
    await removeEnginesNetwork(prefix);
  });

  it('finishes the cluster once after three workers die at different steps, leaking nothing', async () => {
    let worker = startWorker();
    await app.services.clusters.up('U0CRASH', specFromFlags({ agents: 2 }), async () => ({ channel: 'C0', ts: '1.1' }));
    // Each kill comes at a later step than the one before, so it hits the worker that took over.
    for (const step of ['zookeeper', 'master', 'agents'] as const) {
      await until(async () => (await stepIndex()) >= PROVISION_STEPS.indexOf(step), TAKEOVER_MS, 50);
      worker.kill('SIGKILL');
      worker = startWorker();
    }
    await until(async () => (await app.services.clusters.get('U0CRASH'))?.status === 'ready', 120_000);

    const onHost = await ownContainers();
    expect(onHost.map((container) => container.Labels[LABELS.role])).toEqual(['engine']);
    const engine = await docker.getContainer(onHost[0]!.Id).inspect();
    const inner = new Docker({ host: '127.0.0.1', port: Number(engine.NetworkSettings.Ports['2375/tcp']![0]!.HostPort) });
    const roles = (await inner.listContainers({ all: true }))
      .map((container) => `${container.Labels[LABELS.role]}-${container.Labels[LABELS.index]} ${container.State}`)
      .sort();
    expect(roles).toEqual(['agent-1 running', 'agent-2 running', 'marathon-0 running', 'master-0 running', 'zookeeper-0 running']);

    await app.services.clusters.down('U0CRASH');
    expect(await ownContainers()).toHaveLength(0);
    const volumes = engine.Mounts.filter((mount) => mount.Type === 'volume').map((mount) => mount.Name!);
    expect(volumes).toHaveLength(1);
    expect(
      await docker
        .getVolume(volumes[0]!)
        .inspect()
        .then(
          () => 'still there',
          () => 'removed',
        ),
    ).toBe('removed');
  }, 600_000);
});
