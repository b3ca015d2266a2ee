import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reaperMessages } from '../../commands/render/cluster-messages.js';
import { BuildStats } from '../../src/clusters/build-stats.js';
import { reap } from '../../src/clusters/reaper.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { ClusterService } from '../../src/clusters/service.js';
import { DockerBackend } from '../../src/docker/docker-backend.js';
import { parseDockerHosts } from '../../src/docker/host-address.js';
import { connectDockerHosts } from '../../src/docker/hosts.js';
import { localImage } from '../../src/docker/image-names.js';
import { LABELS } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { createLogger } from '../../src/logger.js';
import { Queues } from '../../src/queue/queues.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';

describe.skipIf(!testRedisUrl() || !dockerAvailable())('reaper (real Redis, real Docker engine)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('reaper') });
  const registry = new ClusterRegistry(() => redis);
  const backend = new DockerBackend({
    hosts: connectDockerHosts(parseDockerHosts('')),
    images: 'local',
    deployment: 'test-reaper',
    log: createLogger('silent', { pretty: false }),
  });
  const notifier = new RecordingNotifier();
  const orphanId = String(Math.floor(Math.random() * 2 ** 31));
  const liveId = String(Math.floor(Math.random() * 2 ** 31));
  const now = Date.now();
  // Only the clusters this test made count: other test files' containers are not ours to reap.
  const ours = async () => (await backend.clusterIds()).filter((id) => id === orphanId || id === liveId);
  const run = () =>
    reap({
      registry,
      backend,
      notifier,
      messages: reaperMessages,
      log: createLogger('silent', { pretty: false }),
      runningClusterIds: ours,
      warnBeforeMs: 15 * 60_000,
      now: () => now,
    });

  beforeAll(async () => {
    await buildLocalImages(docker);
    for (const clusterId of [orphanId, liveId]) {
      const container = await docker.createContainer({
        Image: localImage('sim'),
        Cmd: ['sleep', '300'],
        Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: 'test-reaper', [LABELS.cluster]: clusterId, [LABELS.role]: 'master' },
      });
      await container.start();
    }
    const progressMessage = { channel: 'C0ROOM', ts: '1.1' };
    await registry.claim({
      attendee: 'U0LIVE',
      kind: 'provisioned',
      status: 'ready',
      clusterId: liveId,
      expiresAt: now + 10 * 60_000,
      progressMessage,
    });
    await registry.claim({
      attendee: 'U0OLD',
      kind: 'provisioned',
      status: 'ready',
      clusterId: 'expired-1',
      expiresAt: now - 1000,
      progressMessage,
    });
    // Handed out warm, or from before progress messages were kept: nowhere in a channel to say it.
    await registry.claim({ attendee: 'U0NOMSG', kind: 'provisioned', status: 'ready', clusterId: 'nomsg-1', expiresAt: now + 5 * 60_000 });
    await registry.claim({
      attendee: 'U0FRESH',
      kind: 'provisioned',
      status: 'ready',
      clusterId: 'fresh-1',
      expiresAt: now + 5 * 3600_000,
      progressMessage,
    });
  }, 60_000);
  afterAll(async () => {
    await backend.destroy(orphanId);
    await backend.destroy(liveId);
    await redis.quit();
  });

  it('warns once before expiry, removes expired clusters and orphaned containers', async () => {
    const first = await run();
    expect({ ...first, warned: first.warned.sort() }).toEqual({
      warned: [liveId, 'nomsg-1'].sort(),
      expired: ['expired-1'],
      orphans: [orphanId],
    });
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABELS.cluster}=${orphanId}`] } })).toHaveLength(0);
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABELS.cluster}=${liveId}`] } })).toHaveLength(1);
    expect(await registry.get('U0OLD')).toBeNull();
    expect(await registry.get('U0FRESH')).not.toBeNull();
    const texts = notifier.posts.map((post) => JSON.stringify(post.message));
    expect(
      texts.some(
        (text) =>
          text.includes('<@U0LIVE>') && text.includes('will be removed in 10 minutes') && text.includes('"action_id":"cluster.extend"'),
      ),
    ).toBe(true);
    expect(texts.some((text) => text.includes('<@U0OLD>') && text.includes('reached its time limit and was removed'))).toBe(true);

    const second = await run();
    expect(second.warned).toEqual([]);
  });

  it('the attendee is told before and after wherever their cluster was announced, by DM when nowhere, and the channel stops saying "ready"', () => {
    const warning = notifier.posts.find((post) => post.message.text.includes('<@U0NOMSG>'));
    expect(warning?.channel).toBe('U0NOMSG');
    expect(warning?.message.text).toBe('<@U0NOMSG>, your cluster nomsg-1 will be removed in 5 minutes.');
    const ended = notifier.updates.filter((update) => update.message.text.includes('<@U0OLD>'));
    expect(ended.map((update) => [update.ref, update.message.text])).toEqual([
      [{ channel: 'C0ROOM', ts: '1.1' }, '<@U0OLD>, your cluster expired-1 reached its time limit and was removed.'],
    ]);
  });

  it('after the time limit, /cluster info and the commands that need a cluster say it expired and how to get a new one', async () => {
    const queues = new Queues(testRedisUrl()!, uniquePrefix('reaper-queues'), createLogger('silent', { pretty: false }));
    try {
      const service = new ClusterService(registry, queues, new BuildStats(() => redis), { maxAgents: 5 });
      const said = `Your cluster expired-1 reached its time limit at ${new Date(now).toISOString().slice(11, 16)} UTC and was removed, with its apps.`;
      expect((await service.expired('U0OLD'))?.message).toBe(said);
      await expect(service.ready('U0OLD')).rejects.toMatchObject({
        message: said,
        hint: 'Build a new one with `/cluster up`, then install the apps again with `/cluster install`.',
      });
      expect((await service.expired('U0OLD', 'U0TEACHER'))?.message).toMatch(/^<@U0OLD>'s cluster expired-1 reached its time limit/);
      // Whoever never had one is told what they always were.
      await expect(service.ready('U0NEVER')).rejects.toMatchObject({ message: "You don't have a cluster yet." });
    } finally {
      await queues.close();
    }
  });
});
