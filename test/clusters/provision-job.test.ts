import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { downMessage, infoMessage } from '../../commands/cluster/lifecycle.js';
import { clusterMessages } from '../../commands/render/cluster-messages.js';
import { NoCapacityError } from '../../src/clusters/backend.js';
import { BuildStats } from '../../src/clusters/build-stats.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { clusterJobProcessor } from '../../src/clusters/provision-job.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { ClusterService } from '../../src/clusters/service.js';
import { UserError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { Queues, startWorkers } from '../../src/queue/queues.js';
import { messageToText } from '../../src/render/text.js';
import { isRedisUnavailable } from '../../src/store/redis.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

describe.skipIf(!testRedisUrl())('the clusters queue (real Redis, real BullMQ)', () => {
  const log = createLogger('silent', { pretty: false });
  const connections: Redis[] = [];
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  async function setup(
    backend: ScriptedBackend,
    options: { announceDeadlineMs?: number; isStoreUnavailable?: (error: unknown) => boolean } = {},
  ) {
    const prefix = uniquePrefix('jobs').slice(0, -1);
    const redis = new Redis(testRedisUrl()!, { keyPrefix: `${prefix}:` });
    connections.push(redis);
    const registry = new ClusterRegistry(() => redis);
    const queues = new Queues(testRedisUrl()!, prefix, log);
    const notifier = new RecordingNotifier();
    const stats = new BuildStats(() => redis);
    const workers = startWorkers(
      testRedisUrl()!,
      prefix,
      {
        clusters: {
          processor: clusterJobProcessor({
            registry,
            backend,
            notifier,
            messages: clusterMessages,
            log,
            cancelPollMs: 100,
            ttlMs: 3600_000,
            stats,
            ...options,
          }),
          options: { concurrency: 2 },
        },
      },
      log,
    );
    closers.push(
      () => queues.close(),
      () => Promise.all(workers.map((worker) => worker.close())),
    );
    return { service: new ClusterService(registry, queues, stats, { maxAgents: 5 }), notifier, queue: queues.get('clusters') };
  }

  it('a build that fails ends the message with what failed and what to do, and cleans up', async () => {
    const backend = new ScriptedBackend({ failAt: 'master' });
    const { service, notifier } = await setup(backend);
    const result = await service.up('U0FAIL', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    expect(result.queued).toBe(true);
    // Three attempts with backoff (2 s, 4 s): the record says failed only after the last.
    await until(async () => (await service.get('U0FAIL'))?.status === 'failed', 20_000);
    // The record says failed first, then the message is edited.
    await until(async () => notifier.updates.some((update) => update.message.text.includes('could not be built')));
    const record = (await service.get('U0FAIL'))!;
    expect(record.error).toBe('master did not answer within 60 s');
    const last = JSON.stringify(notifier.updates.at(-1)?.message);
    expect(last).toContain('could not be built');
    expect(last).toContain('What failed: master did not answer within 60 s');
    expect(last).toContain('/cluster down');
    expect(backend.destroyed).toContain(record.clusterId);
  }, 30_000);

  it('a build retried after the database blinked says so, not "Command timed out"', async () => {
    const backend = new ScriptedBackend({ failAt: 'master', error: new Error('Command timed out') });
    const { service, notifier } = await setup(backend, { isStoreUnavailable: isRedisUnavailable });
    await service.up('U0BLINK', specFromFlags({}), async () => ({ channel: 'C1', ts: 'U0BLINK' }));
    await until(async () => notifier.updates.some((update) => update.ref.ts === 'U0BLINK' && update.message.text.includes('queued')));
    const retry = messageToText(
      notifier.updates.find((update) => update.ref.ts === 'U0BLINK' && update.message.text.includes('queued'))!.message,
    );
    expect(retry).toContain("retrying after: the bot's database did not answer for a moment (what was built is kept)");
    expect(retry).not.toContain('Command timed out');
    await service.down('U0BLINK');
  });

  it('a build the attendee can fix ends with what to change, in the channel and in /cluster info, not "try again"', async () => {
    const error = new UserError(
      'The image "nosuch/agent:1.0" does not exist on its registry (or is private).',
      'Check its name and tag: `imageName` and `imageTag` in your minimesosFile.',
    );
    const { service, notifier } = await setup(new ScriptedBackend({ failAt: 'pulling images', error }));
    await service.up('U0NOIMAGE', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    // The record says failed first, then the message is edited.
    await until(async () => notifier.updates.some((update) => update.message.text.includes('could not be built')));
    const told = 'Check its name and tag: `imageName` and `imageTag` in your minimesosFile. First `/cluster down` clears this one.';
    const channel = messageToText(notifier.updates.at(-1)!.message);
    expect(channel).toContain('What failed: The image "nosuch/agent:1.0" does not exist on its registry (or is private).');
    expect(channel).toContain(told);
    expect(channel).not.toContain('try again');
    expect(messageToText(infoMessage((await service.get('U0NOIMAGE'))!))).toContain(told);
    await service.down('U0NOIMAGE');
  });

  it('a ready build says so in the channel without any address, and sends the endpoints to its owner alone', async () => {
    const { service, notifier } = await setup(new ScriptedBackend({}));
    await service.up('U0READY', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    await until(async () => notifier.dms.length > 0);
    const channel = JSON.stringify(notifier.updates.at(-1)?.message);
    expect(channel).toContain('is ready');
    expect(channel).not.toContain('127.0.0.1');
    expect(channel).not.toContain('MINIMESOS');
    expect(notifier.dms.map((dm) => dm.user)).toEqual(['U0READY']);
    const dm = JSON.stringify(notifier.dms[0]!.message);
    expect(dm).toContain('Mesos master: http://127.0.0.1:5050');
    expect(dm).toContain('export MINIMESOS_MASTER=http://127.0.0.1:5050');
    await service.down('U0READY');
  });

  it('posts the progress message itself when the web process died before announcing it, in the channel of the command', async () => {
    const { service, notifier } = await setup(new ScriptedBackend({}), { announceDeadlineMs: 1000 });
    await service.up('U0UNANNOUNCED', specFromFlags({}), () => Promise.reject(new Error('the process died')), 'C0ROOM');
    await until(async () => (await service.get('U0UNANNOUNCED'))?.status === 'ready');
    await until(async () => notifier.posts.some((post) => post.message.text.includes('<@U0UNANNOUNCED>')));
    const posts = notifier.posts.filter((post) => post.message.text.includes('<@U0UNANNOUNCED>'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ channel: 'C0ROOM' });
    expect(posts[0]!.message.text).toContain('is ready');
    expect((await service.get('U0UNANNOUNCED'))?.progressMessage).toEqual({ channel: 'C0ROOM', ts: '1.1' });
    await service.down('U0UNANNOUNCED');
  });

  it('one cluster and one build when an attendee sends /cluster up twice at once', async () => {
    const { service, queue } = await setup(new ScriptedBackend({ hangAt: 'zookeeper' }));
    const results = await Promise.all(
      [1, 2, 3].map(() => service.up('U0TWICE', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }), 'C1')),
    );
    expect(results.filter((result) => result.queued)).toHaveLength(1);
    const record = (await service.get('U0TWICE'))!;
    expect(results.filter((result) => !result.queued).map((result) => 'existing' in result && result.existing.clusterId)).toEqual([
      record.clusterId,
      record.clusterId,
    ]);
    // The losers' jobs are removed; one a worker took first builds nothing: it finds the winner's record and stops.
    const winner = `up-U0TWICE-${record.clusterId}`;
    const losers = async () =>
      (await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'])).filter(
        (job) => job.name === 'up' && job.data.attendee === 'U0TWICE' && job.id !== winner,
      );
    await until(async () => {
      const states = await Promise.all((await losers()).map((job) => job.getState()));
      return states.every((state) => state === 'completed');
    });
    for (const job of await losers()) expect(job.returnvalue).toEqual({ skipped: 'the cluster was removed before it was built' });
    await until(async () => (await queue.getJobState(winner)) === 'active');
    await service.down('U0TWICE');
  });

  it('/cluster down while the cluster is being built cancels the build and removes what was made', async () => {
    const backend = new ScriptedBackend({ hangAt: 'agents' });
    const { service, notifier } = await setup(backend);
    await service.up('U0CANCEL', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    await until(async () => (await service.get('U0CANCEL'))?.step === 'agents');
    const clusterId = (await service.get('U0CANCEL'))!.clusterId!;
    await service.down('U0CANCEL');
    await until(async () => backend.destroyed.filter((id) => id === clusterId).length >= 2);
    expect(await service.get('U0CANCEL')).toBeNull();
    expect(notifier.updates.some((update) => update.message.text.includes('is ready'))).toBe(false);
  }, 30_000);

  it("after /cluster down, the channel's message says the cluster was removed: while building, waiting in line, or ready", async () => {
    const announce = (attendee: string) => async () => ({ channel: 'C1', ts: attendee });
    const lastEdit = (notifier: RecordingNotifier, ts: string) =>
      notifier.updates.filter((update) => update.ref.ts === ts).at(-1)?.message.text;
    const building = await setup(new ScriptedBackend({ hangAt: 'agents' }));
    for (const attendee of ['U0BUILD1', 'U0BUILD2', 'U0INLINE']) await building.service.up(attendee, specFromFlags({}), announce(attendee));
    // Concurrency 2: two builds stop at the agents, the third waits in line.
    await until(
      async () =>
        (await building.service.get('U0BUILD1'))?.step === 'agents' && (await building.service.get('U0BUILD2'))?.step === 'agents',
    );
    const inLine = (await building.service.get('U0INLINE'))!;
    expect(inLine.status).toBe('queued');
    await building.service.down('U0BUILD1');
    await building.service.down('U0INLINE');
    expect(lastEdit(building.notifier, 'U0INLINE')).toBe(`<@U0INLINE>'s cluster ${inLine.clusterId} was removed before it was ready`);
    await until(async () => lastEdit(building.notifier, 'U0BUILD1')?.includes('was removed before it was ready') ?? false);
    // The build noticed and stopped: no step it was still reporting comes after.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lastEdit(building.notifier, 'U0BUILD1')).toContain('was removed before it was ready');
    await building.service.down('U0BUILD2');

    const built = await setup(new ScriptedBackend({}));
    await built.service.up('U0DONE', specFromFlags({}), announce('U0DONE'));
    await until(async () => (await built.service.get('U0DONE'))?.status === 'ready');
    const { clusterId } = (await built.service.down('U0DONE'))!;
    expect(lastEdit(built.notifier, 'U0DONE')).toBe(`<@U0DONE>'s cluster ${clusterId} was removed`);
  }, 30_000);

  it('a build waiting for room edits its message once, not at every look for room', async () => {
    const backend = new ScriptedBackend({ noRoom: new NoCapacityError('all 1 Docker host is full') });
    const { service, notifier } = await setup(backend);
    await service.up('U0WAITS', specFromFlags({}), async () => ({ channel: 'C1', ts: 'U0WAITS' }));
    // Two more looks for room, 5 s apart.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const waiting = notifier.updates.filter((update) => update.ref.ts === 'U0WAITS');
    expect(waiting.map((update) => messageToText(update.message))).toEqual([
      expect.stringContaining('Waiting for room: all 1 Docker host is full. Your build starts as soon as a cluster is removed.'),
    ]);
    expect((await service.get('U0WAITS'))?.waitingFor).toBe(
      'Waiting for room: all 1 Docker host is full. Your build starts as soon as a cluster is removed.',
    );
    await service.down('U0WAITS');
  }, 30_000);

  it('/cluster down with no worker running answers in time: removed, its containers going when a worker is free', async () => {
    const prefix = uniquePrefix('noworker').slice(0, -1);
    const redis = new Redis(testRedisUrl()!, { keyPrefix: `${prefix}:` });
    const queues = new Queues(testRedisUrl()!, prefix, log);
    connections.push(redis);
    closers.push(() => queues.close());
    const service = new ClusterService(new ClusterRegistry(() => redis), queues, new BuildStats(() => redis), { maxAgents: 5 });
    await service.up('U0NOWORKER', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    const removed = await service.down('U0NOWORKER', 1000);
    expect(removed?.removalPending).toBe(true);
    expect(await service.get('U0NOWORKER')).toBeNull();
    expect(messageToText(downMessage(removed))).toContain(
      `Destroyed minimesos cluster with ID ${removed!.clusterId}: it is no longer anyone's, and its containers are removed as soon as one of the bot's workers is free`,
    );
    // The removal waits in the queue for a worker.
    expect(await queues.get('clusters').getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('times each finished build, so the next estimates follow how fast the room moves', async () => {
    const { service } = await setup(new ScriptedBackend({}));
    // Nothing built yet: a first guess of a minute per build, then the build itself.
    expect(await service.stats.estimateMs(1)).toBe(120_000);
    await service.up('U0TIMED', specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
    await until(async () => (await service.get('U0TIMED'))?.status === 'ready');
    // The scripted build takes milliseconds, and now the estimate says so.
    expect(await service.stats.estimateMs(1)).toBeLessThan(10_000);
    await service.down('U0TIMED');
  });

  it('tells the attendee their place in the queue, and about how long until their cluster is ready', async () => {
    const backend = new ScriptedBackend({ hangAt: 'zookeeper' });
    const { service } = await setup(backend);
    const up = async (attendee: string) => {
      const result = await service.up(attendee, specFromFlags({}), async () => ({ channel: 'C1', ts: '1.1' }));
      return result.queued ? { position: result.position, minutes: result.estimateMs / 60_000 } : undefined;
    };
    // Builds lately took two minutes and finished one every 30 s.
    const now = Date.now();
    for (const ago of [90_000, 60_000, 30_000]) await service.stats.record(120_000, now - ago);
    try {
      await up('U1');
      await up('U2');
      // Concurrency 2: both are being built, so the next ones wait in line.
      await until(async () => (await service.get('U1'))?.step === 'zookeeper' && (await service.get('U2'))?.step === 'zookeeper');
      expect(await up('U3')).toEqual({ position: 1, minutes: 2.5 });
      expect(await up('U4')).toEqual({ position: 2, minutes: 3 });
    } finally {
      for (const attendee of ['U1', 'U2', 'U3', 'U4']) await service.down(attendee);
    }
  }, 30_000);
});
