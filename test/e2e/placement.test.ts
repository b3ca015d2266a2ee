import type { Worker } from 'bullmq';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApp, createApp } from '../../src/app.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { loadConfig } from '../../src/config.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { createLogger } from '../../src/logger.js';
import { startBackgroundWork } from '../../src/worker.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

/** A pool with room for one cluster: the second attendee waits in line, is told so, and gets built when room frees. */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('placement on a full pool (real engine, real queue)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const notifier = new RecordingNotifier();
  let app: BotApp;
  let workers: Worker[] = [];

  beforeAll(async () => {
    await buildLocalImages(docker);
    const config = loadConfig(
      {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('pool').slice(0, -1),
        CLUSTER_IMAGES: 'local',
        CLUSTER_ISOLATION: 'shared',
        HOST_MAX_CLUSTERS: '1',
      },
      'local',
    );
    app = createApp(config, { log: createLogger('silent', { pretty: false }), notifier });
    workers = await startBackgroundWork(app);
  }, 60_000);
  afterAll(async () => {
    await app.services.clusters.down('U0FIRST').catch(() => undefined);
    await app.services.clusters.down('U0SECOND').catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.close()));
    await app.close();
  });

  const status = async (attendee: string) => (await app.services.clusters.get(attendee))?.status;

  it('queues the second cluster until the first is removed', async () => {
    const announce = async () => ({ channel: 'C0', ts: '1.1' });
    await app.services.clusters.up('U0FIRST', specFromFlags({}), announce);
    await until(async () => (await status('U0FIRST')) === 'ready', 60_000);
    await app.services.clusters.up('U0SECOND', specFromFlags({}), announce);
    await until(
      async () => notifier.updates.some((update) => JSON.stringify(update.message).includes('Waiting for room: all 1 Docker host is full')),
      20_000,
    );
    expect(await status('U0SECOND')).toBe('queued');
    expect(await docker.listContainers({ all: true, filters: { label: ['workshop.attendee=U0SECOND'] } })).toHaveLength(0);

    await app.services.clusters.down('U0FIRST');
    await until(async () => (await status('U0SECOND')) === 'ready', 60_000);
    expect(await docker.listContainers({ filters: { label: ['workshop.attendee=U0SECOND'] } })).toHaveLength(4);
  }, 150_000);
});
