import { Writable } from 'node:stream';
import type { Worker } from 'bullmq';
import Docker from 'dockerode';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { localImage } from '../../src/docker/image-names.js';
import { DEPLOYMENT_KEY, LABELS } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { waitForJob } from '../../src/queue/queues.js';
import { startBackgroundWork } from '../../src/worker.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';

/**
 * Two deployments with the same key prefix on one Docker engine, each with its own Redis — the real
 * bot and `npm run demo` on one host. Each one's reaper removes its own orphans and never the
 * other's containers, nor those labelled with the bare prefix (from before deployment ids).
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('deployments sharing an engine (real engine, real queue)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const prefix = uniquePrefix('twin').slice(0, -1);
  const logged: string[] = [];
  const deployments: Array<{ app: BotApp; workers: Worker[]; id: string }> = [];
  const probes: string[] = [];

  /** A container as a cluster's would be: labelled with a deployment and a cluster id. */
  async function probe(deployment: string, clusterId: string): Promise<string> {
    const container = await docker.createContainer({
      Image: localImage('sim'),
      Cmd: ['sleep', '300'],
      Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: deployment, [LABELS.cluster]: clusterId, [LABELS.role]: 'master' },
    });
    await container.start();
    probes.push(container.id);
    return container.id;
  }
  const exists = (id: string) =>
    docker
      .getContainer(id)
      .inspect()
      .then(
        () => true,
        () => false,
      );

  beforeAll(async () => {
    await buildLocalImages(docker);
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(chunk.toString());
          done();
        },
      }),
    );
    // Two Redis databases stand for two Redis servers: nothing is shared but the prefix and the engine.
    for (const database of [3, 4]) {
      const config = loadConfig(
        { REDIS_URL: `${testRedisUrl()}/${database}`, WORKSHOP_KEY_PREFIX: prefix, CLUSTER_IMAGES: 'local', CLUSTER_ISOLATION: 'shared' },
        'local',
      );
      const app = createApp(config, { log });
      const workers = await startBackgroundWork(app);
      deployments.push({ app, workers, id: (await app.services.store.redis.get(DEPLOYMENT_KEY))! });
    }
  }, 300_000);
  afterAll(async () => {
    for (const { app, workers } of deployments) {
      await Promise.all(workers.map((worker) => worker.close()));
      await app.services.store.redis.flushdb();
      await app.close();
    }
    await Promise.all(
      probes.map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it('gives each deployment its own id, kept in its Redis and shown in the log', async () => {
    const [first, second] = deployments as [(typeof deployments)[0], (typeof deployments)[0]];
    expect(first.id).toMatch(new RegExp(`^${prefix}-[0-9a-f]{8}$`));
    expect(second.id).toMatch(new RegExp(`^${prefix}-[0-9a-f]{8}$`));
    expect(first.id).not.toBe(second.id);
    expect(logged.some((line) => line.includes(`deployment ${first.id}`))).toBe(true);
  });

  it("each one's reaper removes its own orphans and leaves the other's clusters and older containers", async () => {
    const [first, second] = deployments as [(typeof deployments)[0], (typeof deployments)[0]];
    // Each knows its own cluster (a record, made before its containers as in a build), not the other's, nor its orphan's.
    for (const [{ app }, clusterId] of [
      [first, '9100'],
      [second, '9200'],
    ] as const)
      await app.services.clusters.registry.claim({
        attendee: `U0${clusterId}`,
        kind: 'provisioned',
        status: 'ready',
        clusterId,
        expiresAt: Date.now() + 3600_000,
      });

    const firstCluster = await probe(first.id, '9100');
    const secondCluster = await probe(second.id, '9200');
    const firstOrphan = await probe(first.id, '9101');
    const older = await probe(prefix, '9300');
    for (const { app } of deployments) {
      const maintenance = app.services.queues.get('maintenance');
      await waitForJob(maintenance, await maintenance.add('reap', {}), 60_000);
    }

    expect(await exists(firstCluster)).toBe(true);
    expect(await exists(secondCluster)).toBe(true);
    expect(await exists(older)).toBe(true);
    expect(await exists(firstOrphan)).toBe(false);
  }, 120_000);

  it('says at start that containers labelled with the bare prefix are left alone, and how to remove them', async () => {
    const app = createApp(
      loadConfig(
        { REDIS_URL: `${testRedisUrl()}/5`, WORKSHOP_KEY_PREFIX: prefix, CLUSTER_IMAGES: 'local', CLUSTER_ISOLATION: 'shared' },
        'local',
      ),
      {
        log: pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _encoding, done) => done(void logged.push(chunk.toString())) })),
      },
    );
    const workers = await startBackgroundWork(app);
    await Promise.all(workers.map((worker) => worker.close()));
    await app.services.store.redis.flushdb();
    await app.close();
    expect(logged.some((line) => line.includes(`left alone`) && line.includes(`label=${LABELS.deployment}=${prefix})`))).toBe(true);
  }, 60_000);
});
