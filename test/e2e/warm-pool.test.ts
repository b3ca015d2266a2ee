import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT_KEY, LABELS } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { hostDocker, removeEnginesNetwork } from '../support/docker.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';
import { until } from '../support/until.js';

/**
 * The warm pool in the room's default mode (dind), through Bolt's receiver and separate
 * `workshop-bot worker` processes: a warm hit is ready in seconds, other shapes build cold, a race
 * for the last warm cluster gives it to one attendee, a worker killed while warming leaks nothing,
 * the pool stays within the host's room, an attendee's build takes a warm cluster's room on a full host,
 * and removing a warm-started cluster leaves nothing.
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('warm pool: /cluster up in seconds (e2e, real Docker)', () => {
  const prefix = uniquePrefix('warm').slice(0, -1);
  const instructor = 'U0TEACH';
  const env = {
    REDIS_URL: testRedisUrl()!,
    WORKSHOP_KEY_PREFIX: prefix,
    CLUSTER_IMAGES: 'local',
    CLUSTER_ISOLATION: 'dind',
    WARM_CLUSTERS: '1',
    // The attendees' clusters and the warm ones share this room: the pool must stay within it.
    HOST_MAX_CLUSTERS: '3',
    INSTRUCTORS: instructor,
  };
  let slack: SlackBotUnderTest;
  const workers: ChildProcess[] = [];
  let workerLog = '';
  let sequence = 0;
  const startWorker = () => {
    const worker = spawn(process.execPath, ['dist/src/cli/main.js', 'worker'], {
      env: { ...process.env, ...env, SLACK_BOT_TOKEN: 'xoxb-worker', SLACK_API_URL: slack.fake.apiUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    workers.push(worker);
    return worker;
  };
  const warm = () => slack.bot.services.warm;
  const ready = async () => (await warm().status())[0]!.ready;
  const own = (kind: string) => ({ label: [`${LABELS.deployment}=${prefix}`, ...(kind ? [kind] : [])] });
  const engines = async () =>
    (await hostDocker.listContainers({ all: true, filters: own(`${LABELS.role}=engine`) })).map((c) => c.Labels[LABELS.cluster]!);
  const withLog = (error: Error) => {
    throw new Error(`${error.message}\nworker log:\n${workerLog.slice(-3000)}`);
  };

  beforeAll(async () => {
    await buildLocalImages(hostDocker);
    slack = await startSlackBot({ env });
    // The deployment's id is the test's prefix, so what it made is easy to find.
    await slack.bot.services.store.redis.set(DEPLOYMENT_KEY, prefix);
    startWorker();
    await until(async () => (await ready()) === 1, 180_000).catch(withLog);
  }, 240_000);
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    const containers = await hostDocker.listContainers({ all: true, filters: own('') });
    await Promise.all(
      containers.map((c) =>
        hostDocker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
    const { Volumes: volumes } = await hostDocker.listVolumes({ filters: own('') });
    await Promise.all(
      (volumes ?? []).map((v) =>
        hostDocker
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined),
      ),
    );
    await removeEnginesNetwork(prefix);
    await slack?.stop();
  }, 60_000);

  /** Posts a slash command through Bolt and returns the reply to its invoker. */
  async function run(user: string, command: string, text: string): Promise<RecordedCall> {
    const id = `w${++sequence}`;
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
    });
    expect(response.status).toBe(200);
    return slack.fake.waitFor((call) => call.path === `/response/${id}`, 30_000);
  }
  const text = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text ?? '');
  const masterOf = (call: RecordedCall) => /Mesos master: (http:\/\/127\.0\.0\.1:\d+)/.exec(text(call))?.[1];
  const clusterOf = async (user: string) => (await slack.bot.services.clusters.get(user))?.clusterId;

  it('hands a warm cluster to /cluster up with its endpoints in under 10 s', async () => {
    const started = Date.now();
    const reply = await run('U0ADA', '/cluster', 'up');
    const master = masterOf(reply);
    expect(master, text(reply)).toBeDefined();
    const state = (await (await fetch(`${master}/state`)).json()) as { activated_slaves: number };
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(state.activated_slaves).toBe(1);
    expect(text(reply)).toContain('export MINIMESOS_MASTER=http://127.0.0.1:');
    // The channel learns it is ready (no addresses), as after a cold build.
    const post = await slack.fake.waitFor((call) => call.method === 'chat.postMessage' && String(call.body.text).includes('is ready'));
    expect(text(post)).not.toContain('127.0.0.1');
    expect((await slack.bot.services.clusters.get('U0ADA'))?.status).toBe('ready');
  });

  it('builds any other shape cold', async () => {
    expect(text(await run('U0BOB', '/cluster', 'up --agents 2'))).toContain('Your cluster is queued');
    expect((await slack.bot.services.clusters.get('U0BOB'))?.status).toMatch(/queued|provisioning/);
    await run('U0BOB', '/cluster', 'down');
  }, 60_000);

  it('gives the last warm cluster to one of two attendees racing for it, never to both', async () => {
    // The pool refilled after Ada's claim.
    await until(async () => (await ready()) === 1, 180_000).catch(withLog);
    const [carol, dave] = await Promise.all([run('U0CAROL', '/cluster', 'up'), run('U0DAVE', '/cluster', 'up')]);
    const warmHits = [carol, dave].filter((reply) => masterOf(reply) !== undefined);
    expect(warmHits).toHaveLength(1);
    expect([carol, dave].filter((reply) => text(reply).includes('Your cluster is queued'))).toHaveLength(1);
    expect(new Set([await clusterOf('U0ADA'), await clusterOf('U0CAROL'), await clusterOf('U0DAVE')]).size).toBe(3);
    // The cold one is not needed further: cancelled.
    const cold = masterOf(carol) ? 'U0DAVE' : 'U0CAROL';
    await run(cold, '/cluster', 'down');
  }, 240_000);

  it('a worker killed while warming hands out nothing half-built and leaks nothing', async () => {
    const queue = slack.bot.services.queues.get('clusters');
    // The refill after the race builds a new warm cluster: kill the worker once it is starting containers.
    await until(async () => {
      const active = await queue.getActive();
      return active.some(
        (job) => job.name === 'warm' && ['zookeeper', 'master', 'agents'].includes((job.progress as { step?: string }).step ?? ''),
      );
    }, 180_000).catch(withLog);
    expect(await ready()).toBe(0);
    workers.at(-1)!.kill('SIGKILL');
    startWorker();
    await until(async () => (await ready()) === 1, 180_000).catch(withLog);
    const warmOne = (await warm().entries('local'))[0]!;
    const state = (await (await fetch(`${warmOne.master}/state`)).json()) as { activated_slaves: number };
    expect(state.activated_slaves).toBe(1);
    // One engine for each attendee's cluster and the warm one; no helper or half-made engine beside them.
    const claimed = [await clusterOf('U0ADA'), (await clusterOf('U0CAROL')) ?? (await clusterOf('U0DAVE'))];
    expect((await engines()).sort()).toEqual([...claimed, warmOne.clusterId].sort());
    expect(await hostDocker.listContainers({ all: true, filters: own('') })).toHaveLength(3);
  }, 300_000);

  it('stays within the host: /workshop warm 3 keeps only what fits, and shows it', async () => {
    expect(text(await run(instructor, '/workshop', 'warm 3'))).toContain('Keeping 3 warm clusters on each Docker host');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    // Two attendees and one warm cluster fill the host's 3: no fourth is started.
    const usage = await slack.bot.services.store.redis.hgetall('pool:host:local');
    expect(Number(usage.clusters)).toBe(3);
    expect(await engines()).toHaveLength(3);
    expect(text(await run(instructor, '/workshop', 'warm'))).toContain('local: 1 ready, 0 warming');
    expect(text(await run('U0ADA', '/workshop', 'warm 1'))).toMatch(/instructor/i);
  }, 60_000);

  it("an attendee's cold build on a host full of warm clusters takes a warm one's room instead of waiting", async () => {
    const warmOne = (await warm().entries('local'))[0]!.clusterId;
    expect(text(await run('U0ERIN', '/cluster', 'up --agents 2'))).toContain('Your cluster is queued');
    await until(async () => (await slack.bot.services.clusters.get('U0ERIN'))?.status === 'ready', 180_000).catch(withLog);
    const erin = (await clusterOf('U0ERIN'))!;
    // The warm one made way; the host still holds 3, and the refill builds nothing while it is full.
    await warm().requestRefill();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await engines()).not.toContain(warmOne);
    expect(await engines()).toContain(erin);
    expect(await engines()).toHaveLength(3);
    expect(await warm().status()).toEqual([{ host: 'local', ready: 0, warming: 0 }]);
    await run('U0ERIN', '/cluster', 'down');
  }, 240_000);

  it('/cluster down of a warm-started cluster leaves no container, network or volume', async () => {
    const clusterId = (await clusterOf('U0ADA'))!;
    const ofCluster = { label: [`${LABELS.cluster}=${clusterId}`] };
    // The claim is marked on the host (labels cannot change), so a restart never takes it for warm.
    await until(
      async () =>
        ((await hostDocker.listVolumes({ filters: { label: [...ofCluster.label, `${LABELS.role}=claim`] } })).Volumes ?? []).length === 1,
      30_000,
    );
    expect(text(await run('U0ADA', '/cluster', 'down'))).toContain(`Destroyed minimesos cluster with ID ${clusterId}`);
    expect(await hostDocker.listContainers({ all: true, filters: ofCluster })).toHaveLength(0);
    expect(await hostDocker.listNetworks({ filters: ofCluster })).toHaveLength(0);
    expect((await hostDocker.listVolumes({ filters: ofCluster })).Volumes ?? []).toHaveLength(0);
  }, 60_000);

  it("/workshop warm 0 removes the warm clusters and keeps the attendees'", async () => {
    const attendee = (await clusterOf('U0CAROL')) ?? (await clusterOf('U0DAVE'));
    await run(instructor, '/workshop', 'warm 0');
    // Builds queued by the refills after the /cluster downs above are trimmed by the refill that follows `warm 0`.
    const emptied = async () => (await engines()).length === 1 && (await warm().status())[0]?.warming === 0;
    await until(emptied, 60_000).catch(withLog);
    expect(await engines()).toEqual([attendee]);
    expect(await warm().status()).toEqual([{ host: 'local', ready: 0, warming: 0 }]);
  }, 90_000);
});
