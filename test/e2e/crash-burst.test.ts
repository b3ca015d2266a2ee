import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterMessages } from '../../commands/render/cluster-messages.js';
import { reconcileMessages } from '../../commands/render/reconcile-messages.js';
import { clusterJobProcessor } from '../../src/clusters/provision-job.js';
import { reconcile } from '../../src/clusters/reconciler.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { freePort } from '../../src/local/free-port.js';
import { createLogger } from '../../src/logger.js';
import { Queues, startWorkers } from '../../src/queue/queues.js';
import { FakeSlack } from '../support/fake-slack.js';
import { SERVE_START_MS } from '../support/processes.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { ScriptedBackend } from '../support/scripted-backend.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';
import { until } from '../support/until.js';

/**
 * A real `workshop-bot serve` (web only) flooded with `/cluster up` from a whole room and killed
 * with SIGKILL in the middle of the burst: no attendee may keep a record without the job that builds
 * it, and once workers run (the reconciler first, as at their start) everyone with a record gets their
 * cluster and a message saying so — also those whose progress message the dead process never posted.
 * The backend is scripted: what is tested is Redis and BullMQ across a crash, not Docker.
 */
describe.skipIf(!testRedisUrl())('crash safety: serve killed in a burst of /cluster up', () => {
  const log = createLogger('silent', { pretty: false });
  const prefix = uniquePrefix('burst').slice(0, -1);
  const attendees = Array.from({ length: 100 }, (_, index) => `U0BURST${String(index).padStart(3, '0')}`);
  const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: `${prefix}:` });
  const registry = new ClusterRegistry(() => redis);
  const queues = new Queues(testRedisUrl() ?? '', prefix, log);
  let slack: FakeSlack;
  let serve: ChildProcess;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    serve?.kill('SIGKILL');
    await queues.close();
    await redis.quit();
    await slack?.stop();
  });

  it('leaves every attendee with a job or with no record; workers then finish each one and tell them', async () => {
    const port = await freePort();
    serve = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', '--no-workers'], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: prefix,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true, SERVE_START_MS);

    // A room typing the command within a few seconds.
    const burst = attendees.map(async (user, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 20));
      return postSigned(`${base}/slack/events`, {
        secret: SIGNING_SECRET,
        contentType: 'application/x-www-form-urlencoded',
        body: slashCommandBody({ command: '/cluster', text: 'up', user_id: user, response_url: slack.responseUrl(user) }),
      }).catch(() => undefined);
    });
    // Kill it while the room is still being queued: some attendees are announced, some only claimed, others not yet.
    await until(async () => (await registry.list()).filter((record) => record.progressMessage).length >= 10, 20_000, 5);
    serve.kill('SIGKILL');
    await Promise.all(burst);

    const records = await registry.list();
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(attendees.length);
    const clusters = queues.get('clusters');
    const withoutJob = [];
    for (const record of records) {
      const job = await clusters.getJob(`up-${record.attendee}-${record.clusterId}`);
      if (!job) withoutJob.push(record.attendee);
    }
    expect(withoutJob).toEqual([]);

    // The workers start: the reconciler first, as startBackgroundWork does, then the builds.
    const notifier = new RecordingNotifier();
    const backend = new ScriptedBackend();
    const deps = { registry, notifier, log, announceDeadlineMs: 500 };
    expect(await reconcile({ ...deps, queue: clusters, messages: reconcileMessages })).toMatchObject({ requeued: [], removed: [] });
    const workers = startWorkers(
      testRedisUrl()!,
      prefix,
      {
        clusters: {
          processor: clusterJobProcessor({ ...deps, backend, messages: clusterMessages, ttlMs: 3600_000 }),
          options: { concurrency: 5 },
        },
      },
      log,
    );
    try {
      await until(async () => (await registry.list()).every((record) => record.status === 'ready'), 60_000, 200);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    const unannounced = records.filter((record) => !record.progressMessage).map((record) => record.attendee);
    const told = (attendee: string) =>
      [...notifier.posts, ...notifier.updates].some(
        ({ message }) => message.text.includes(`<@${attendee}>'s cluster`) && message.text.includes('is ready'),
      );
    expect(records.map((record) => record.attendee).filter((attendee) => !told(attendee))).toEqual([]);
    // Those the dead process never announced got their message where they typed the command.
    for (const attendee of unannounced)
      expect(notifier.posts.some((post) => post.channel === 'C0ROOM' && post.message.text.includes(`<@${attendee}>`))).toBe(true);
    expect(backend.built.sort()).toEqual(records.map((record) => record.clusterId).sort());
    // SERVE_START_MS for serve, then the burst and a minute for the builds.
  }, 150_000);
});
