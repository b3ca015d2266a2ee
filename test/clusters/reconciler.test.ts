import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterMessages } from '../../commands/render/cluster-messages.js';
import { reconcileMessages } from '../../commands/render/reconcile-messages.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { clusterJobProcessor, upJob } from '../../src/clusters/provision-job.js';
import { MAX_REPAIRS, reconcile } from '../../src/clusters/reconciler.js';
import { ClusterRegistry, type NewClusterRecord } from '../../src/clusters/registry.js';
import { createLogger } from '../../src/logger.js';
import { Queues, startWorkers } from '../../src/queue/queues.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

/**
 * Records whose job is gone — a Redis restore, a job BullMQ failed by itself after its workers died
 * again and again, a record from before requests were kept — are repaired, and the attendee is told.
 */
describe.skipIf(!testRedisUrl())('the reconciler (real Redis, real BullMQ)', () => {
  const log = createLogger('silent', { pretty: false });
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  function setup() {
    const prefix = uniquePrefix('reconcile').slice(0, -1);
    const redis = new Redis(testRedisUrl()!, { keyPrefix: `${prefix}:` });
    const queues = new Queues(testRedisUrl()!, prefix, log);
    closers.push(
      () => redis.quit(),
      () => queues.close(),
    );
    const registry = new ClusterRegistry(() => redis);
    const notifier = new RecordingNotifier();
    const backend = new ScriptedBackend();
    const queue = queues.get('clusters');
    const run = (now?: number) =>
      reconcile({
        registry,
        queue,
        notifier,
        messages: reconcileMessages,
        log,
        announceDeadlineMs: 1000,
        ...(now ? { now: () => now } : {}),
      });
    const startBuilding = () => {
      const workers = startWorkers(
        testRedisUrl()!,
        prefix,
        { clusters: { processor: clusterJobProcessor({ registry, backend, notifier, messages: clusterMessages, log, ttlMs: 3600_000 }) } },
        log,
      );
      closers.push(() => Promise.all(workers.map((worker) => worker.close())));
    };
    const record = (attendee: string, clusterId: string, extra: Partial<NewClusterRecord> = {}): NewClusterRecord => ({
      attendee,
      kind: 'provisioned',
      status: 'queued',
      step: 'queued',
      clusterId,
      channel: 'C0ROOM',
      request: JSON.stringify(specFromFlags({})),
      progressMessage: { channel: 'C0ROOM', ts: `1.${clusterId}` },
      ...extra,
    });
    const shown = (attendee: string) =>
      [...notifier.updates, ...notifier.posts].filter(({ message }) => message.text.includes(attendee)).map(({ message }) => message);
    return { prefix, registry, queue, notifier, backend, run, startBuilding, record, shown };
  }

  it('queues a build again when its job is gone, tells the attendee, and the build finishes', async () => {
    const { registry, run, startBuilding, record, shown, backend } = setup();
    await registry.claim(record('U0LOST', '101', { status: 'provisioning', step: 'master' }));

    expect(await run()).toMatchObject({ requeued: ['101'], removed: [], failed: [] });
    expect((await registry.get('U0LOST'))?.status).toBe('queued');
    expect(JSON.stringify(shown('U0LOST').at(-1))).toContain('queued again');
    // A second pass finds the job in place and leaves it.
    expect(await run()).toMatchObject({ requeued: [], removed: [] });

    startBuilding();
    await until(async () => (await registry.get('U0LOST'))?.status === 'ready');
    expect(backend.built).toContain('101');
    expect(shown('U0LOST').at(-1)?.text).toContain('is ready');
  });

  it('queues again a build whose job BullMQ failed by itself (its workers kept dying)', async () => {
    const { registry, queue, run, record, prefix } = setup();
    await registry.claim(record('U0STALLED', '102', { status: 'provisioning', step: 'agents' }));
    const job = upJob({ attendee: 'U0STALLED', clusterId: '102', spec: specFromFlags({}) });
    const added = await queue.add(job.name, job.data, { ...job.opts, attempts: 1 });
    // What BullMQ does after maxStalledCount: the job fails without the processor's own clean-up running.
    const manual = new Worker('clusters', null, { connection: new Redis(testRedisUrl()!, { maxRetriesPerRequest: null }), prefix });
    closers.push(() => manual.close());
    const token = 'a-worker-that-died';
    const taken = await manual.getNextJob(token);
    expect(taken?.id).toBe(added.id);
    await taken!.moveToFailed(new Error('job stalled more than allowable limit'), token);
    expect(await (await queue.getJob(added.id!))?.getState()).toBe('failed');

    expect(await run()).toMatchObject({ requeued: ['102'] });
    expect(await (await queue.getJob(added.id!))?.getState()).toBe('prioritized');
  });

  it('removes a record it cannot rebuild and tells the attendee by DM to ask again', async () => {
    const { registry, notifier, run, record } = setup();
    await registry.claim(record('U0OLD', '103', { request: undefined }));

    expect(await run()).toMatchObject({ removed: ['103'] });
    expect(await registry.get('U0OLD')).toBeNull();
    const dm = notifier.posts.find((post) => post.channel === 'U0OLD');
    expect(dm?.message.text).toContain('lost your request');
    expect(JSON.stringify(dm?.message)).toContain('/cluster up');
  });

  it(`reports a build lost ${MAX_REPAIRS} times as failed instead of queueing it forever`, async () => {
    const { registry, run, record, shown } = setup();
    await registry.claim(record('U0CRASHY', '104', { status: 'provisioning', repairs: MAX_REPAIRS }));

    expect(await run()).toMatchObject({ failed: ['104'], requeued: [] });
    expect((await registry.get('U0CRASHY'))?.status).toBe('failed');
    expect(JSON.stringify(shown('U0CRASHY').at(-1))).toContain(`interrupted ${MAX_REPAIRS} times`);
  });

  it('posts the progress message of a queued build the web process never announced', async () => {
    const { registry, queue, notifier, run, record } = setup();
    await registry.claim(record('U0QUIET', '105', { progressMessage: undefined }));
    const job = upJob({ attendee: 'U0QUIET', clusterId: '105', spec: specFromFlags({}) });
    await queue.add(job.name, job.data, job.opts);

    // Within the web process' deadline nothing is posted: it may still be announcing.
    expect(await run()).toMatchObject({ announced: [] });
    expect(await run(Date.now() + 2000)).toMatchObject({ announced: ['105'], requeued: [] });
    expect(notifier.posts.find((post) => post.channel === 'C0ROOM')?.message.text).toContain('<@U0QUIET>');
    expect((await registry.get('U0QUIET'))?.progressMessage).toEqual({ channel: 'C0ROOM', ts: '1.1' });
  });
});
