import type { Worker } from 'bullmq';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApp, createApp } from '../../src/app.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../../src/config.js';
import { engineContainerOptions } from '../../src/docker/dind.js';
import { localImage } from '../../src/docker/image-names.js';
import { copyImage } from '../../src/docker/images.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { waitFor } from '../../src/docker/wait.js';
import { createLogger } from '../../src/logger.js';
import { waitForJob } from '../../src/queue/queues.js';
import { startBackgroundWork } from '../../src/worker.js';
import { hostDocker } from '../support/docker.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

/** A second "machine": an engine container on this one, with the stand-in images copied in. */
async function startDockerHost(name: string): Promise<{ container: Docker.Container; address: string }> {
  const container = await hostDocker.createContainer(
    engineContainerOptions({
      name,
      image: localImage('dind'),
      labels: { 'workshop.test-host': name },
      network: 'bridge',
      publish: {},
      limits: { memoryBytes: 3e9, nanoCpus: 2e9, pidsLimit: 4096 },
    }),
  );
  await container.start();
  const address = (await container.inspect()).NetworkSettings.Networks.bridge!.IPAddress;
  const engine = new Docker({ host: address, port: 2375 });
  await waitFor(() => engine.ping().then(() => true), { timeoutMs: 30_000, describe: `${name} answering` });
  for (const image of [localImage('zookeeper'), localImage('sim')]) await copyImage(hostDocker, engine, image);
  return { container, address };
}

describe.skipIf(!dockerAvailable() || !testRedisUrl())('a pool of two Docker hosts (real engines, real queue)', () => {
  const prefix = uniquePrefix('hosts').slice(0, -1);
  const notifier = new RecordingNotifier();
  const hosts: Array<{ container: Docker.Container; address: string }> = [];
  let app: BotApp;
  let workers: Worker[] = [];
  const spec = { ...specFromFlags({ agents: 1 }), marathon: null };
  const record = (attendee: string) => app.services.clusters.get(attendee);
  const up = (attendee: string) => app.services.clusters.up(attendee, spec, async () => ({ channel: 'C0', ts: attendee }));
  // A build starts ZooKeeper's JVM on a two-core machine: under a loaded CI it takes well over a minute.
  const BUILD_MS = 120_000;
  const told = (attendee: string, text: string) =>
    until(
      async () => notifier.updates.some((update) => update.ref.ts === attendee && JSON.stringify(update.message).includes(text)),
      30_000,
    );
  /** What the reaper's schedule does every minute: measure the hosts again. */
  const checkHosts = async () => {
    const queue = app.services.queues.get('maintenance');
    await waitForJob(queue, await queue.add('reap', {}), 30_000);
  };

  beforeAll(async () => {
    await buildLocalImages(hostDocker);
    hosts.push(...(await Promise.all([0, 1].map((index) => startDockerHost(`${prefix}-host-${index}`)))));
    const config = loadConfig(
      {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: prefix,
        CLUSTER_IMAGES: 'local',
        CLUSTER_ISOLATION: 'shared',
        HOST_MAX_CLUSTERS: '1',
        HOST_MIN_FREE_DISK_GB: '0',
        DOCKER_HOSTS: hosts.map((host) => `tcp://${host.address}:2375`).join(','),
      },
      'local',
    );
    app = createApp(config, { log: createLogger('silent', { pretty: false }), notifier });
    workers = await startBackgroundWork(app);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await app?.close();
    await Promise.all(hosts.map((host) => host.container.remove({ force: true, v: true }).catch(() => undefined)));
  }, 60_000);

  it('skips a host that stops answering, uses it again when it answers, and spreads clusters one per host', async () => {
    const [first, second] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    await checkHosts(); // the first scheduled sweep, so the pause cannot freeze it half-way
    await second.container.pause();
    await checkHosts();

    await up('U0ONE');
    await until(async () => (await record('U0ONE'))?.status === 'ready', BUILD_MS);
    expect((await record('U0ONE'))?.host).toBe(`${first.address}:2375`);
    await up('U0TWO');
    await told('U0TWO', 'Waiting for room: no Docker host has room (1 full, 1 not answering)');
    expect((await record('U0TWO'))?.status).toBe('queued');

    await second.container.unpause();
    await checkHosts();
    await until(async () => (await record('U0TWO'))?.status === 'ready', BUILD_MS);
    const two = (await record('U0TWO'))!;
    expect(two.host).toBe(`${second.address}:2375`);
    // Published on that host's own address, and answering there.
    expect(two.endpoints!.master).toContain(`http://${second.address}:`);
    expect(await (await fetch(`${two.endpoints!.master}/state`)).json()).toMatchObject({ activated_slaves: 1 });
  }, 330_000);

  it('queues attendees while both hosts are full, and builds on the host that frees up for whoever asked first', async () => {
    await up('U0THREE');
    await told('U0THREE', 'Waiting for room: all 2 Docker hosts are full');
    await up('U0FOUR');
    await told('U0FOUR', 'Waiting for room: all 2 Docker hosts are full');
    // What /cluster info tells each of them.
    const ahead = async (attendee: string) => app.services.waitingRoom.aheadInLine((await record(attendee))!.clusterId!);
    expect([await ahead('U0THREE'), await ahead('U0FOUR')]).toEqual([0, 1]);
    await app.services.clusters.down('U0ONE');
    await until(async () => (await record('U0THREE'))?.status === 'ready', BUILD_MS);
    expect((await record('U0THREE'))?.host).toBe(`${hosts[0]!.address}:2375`);
    expect((await record('U0FOUR'))?.status).toBe('queued');
    const usage = await app.services.store.redis.hgetall(`pool:host:${hosts[0]!.address}:2375`);
    expect(Number(usage.clusters)).toBe(1);
  }, 180_000);
});
