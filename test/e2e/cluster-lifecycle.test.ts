import { type ChildProcess, spawn } from 'node:child_process';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalImages } from '../../src/docker/local-images.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });

/**
 * /cluster up → queue → a separate `workshop-bot worker` process → containers on the real engine →
 * the progress message edited to ready (the endpoints by DM) → info, state, ps, install, logs → down leaves nothing.
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('/cluster lifecycle on the real Docker engine (e2e)', () => {
  let slack: SlackBotUnderTest;
  let worker: ChildProcess;
  let workerLog = '';
  let sequence = 0;
  const user = 'U0LIFECYCLE';
  const prefix = uniquePrefix('lifecycle').slice(0, -1);

  beforeAll(async () => {
    await buildLocalImages(docker);
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: prefix,
        CLUSTER_IMAGES: 'local',
        CLUSTER_ISOLATION: 'shared',
        MAX_AGENTS: '3',
      },
    });
    worker = spawn(process.execPath, ['dist/src/cli/main.js', 'worker'], {
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: prefix,
        CLUSTER_IMAGES: 'local',
        CLUSTER_ISOLATION: 'shared',
        SLACK_BOT_TOKEN: 'xoxb-worker',
        SLACK_API_URL: slack.fake.apiUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  }, 120_000);
  afterAll(async () => {
    worker?.kill('SIGTERM');
    await slack?.stop();
  });

  /** Every command here answers its invoker: wait for that reply, then for anything it posted. */
  async function run(
    command: string,
    text: string,
    answer: 'reply' | 'thread' = 'reply',
  ): Promise<{ replies: RecordedCall[]; posts: RecordedCall[] }> {
    const before = slack.fake.calls.length;
    const id = `c${++sequence}`;
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
    });
    expect(response.status).toBe(200);
    if (answer === 'reply') await slack.fake.waitFor((call) => call.path === `/response/${id}`, 30_000);
    else
      await slack.fake.waitFor(
        (call) => slack.fake.calls.indexOf(call) >= before && call.method === 'chat.postMessage' && call.body.thread_ts !== undefined,
        30_000,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const calls = slack.fake.calls.slice(before);
    return {
      replies: calls.filter((call) => call.method === 'response_url'),
      posts: calls.filter((call) => call.method === 'chat.postMessage'),
    };
  }
  const text = (call: RecordedCall | undefined) => JSON.stringify(call?.body.blocks ?? call?.body.text ?? '');

  it('refuses bad input with a clear message, before anything is queued', async () => {
    expect(text((await run('/cluster', 'up --agents 0')).replies[0])).toContain('--agents must be between 1 and 3; you gave 0.');
    expect(text((await run('/cluster', 'up --agents 500')).replies[0])).toContain('you gave 500');
    expect(text((await run('/cluster', 'up --colour blue')).replies[0])).toContain('Unknown option \\"--colour\\"');
    expect(text((await run('/cluster', 'up ```minimesos {\n  agent {\n    cpus = 2\n  }\n}```')).replies[0])).toContain(
      "line 3, column 5: 'cpus' is not a property of agent { }",
    );
    expect(text((await run('/cluster', 'install {"id": "x"}')).replies[0])).toContain("You don't have a cluster yet.");
  });

  it('builds the cluster through the queue and edits one message from queued to ready', async () => {
    const { replies, posts } = await run('/cluster', 'up --agents 1 --name lifecycle');
    expect(text(replies[0])).toMatch(/Your cluster is queued/);
    const progress = posts[0]!;
    expect(text(progress)).toContain('queued');
    const ready = await slack.fake
      .waitFor((call) => call.method === 'chat.update' && String(call.body.text).includes('is ready'), 90_000)
      .catch((error: Error) => {
        throw new Error(`${error.message}\nworker log:\n${workerLog}`);
      });
    expect(ready.body.ts).toBe((progress.body as { ts?: string }).ts ?? ready.body.ts);
    const updates = slack.fake.calls.filter((call) => call.method === 'chat.update').map((call) => String(call.body.text));
    expect(updates.some((update) => /zookeeper|master|agents|marathon/.test(update))).toBe(true);
    // The channel learns that it is ready, not where it answers: anyone there could attach that.
    expect(text(ready)).not.toContain('127.0.0.1');
    expect(text(ready)).not.toContain('MINIMESOS');
    const dm = await slack.fake.waitFor((call) => call.method === 'chat.postMessage' && call.body.channel === user, 30_000);
    expect(text(dm)).toContain('export MINIMESOS_MASTER=http://127.0.0.1:');
    expect(text(dm)).toContain('MINIMESOS_AGENT=');
  }, 120_000);

  it('a second /cluster up says you already have one', async () => {
    expect(text((await run('/cluster', 'up')).replies[0])).toContain('You already have a cluster (ready).');
  });

  it('/cluster info, state and /state marathon read the new cluster', async () => {
    const info = text((await run('/cluster', 'info')).replies[0]);
    expect(info).toContain('ready');
    expect(info).toContain('export MINIMESOS_ZOOKEEPER=zk://127.0.0.1:');
    expect(text((await run('/cluster', 'state')).replies[0])).toMatch(/Mesos 1\.0\.0\* — cluster `lifecycle`.*1 agent/);
  });

  it('/cluster install runs an app (tokens replaced), /cluster ps and logs show it, uninstall removes it', async () => {
    const app = '```{"id": "web", "cmd": "echo ${MINIMESOS_MASTER}", "cpus": 0.5, "mem": 64, "instances": 1}```';
    expect(text((await run('/cluster', `install ${app}`)).replies[0])).toContain('Installed app `web`');
    expect(text((await run('/cluster', `install ${app}`)).replies[0])).toContain('An app with id [/web] already exists.');
    expect(text((await run('/cluster', 'install ```{"id": "broken", ```')).replies[0])).toContain('That is not valid JSON');
    expect(text((await run('/cluster', `install ${'x'.repeat(70 * 1024)}`)).replies[0])).toContain('the limit is 64 KB');
    let ps = '';
    for (let i = 0; i < 30 && !ps.includes('TASK_RUNNING'); i++) {
      ps = text((await run('/cluster', 'ps')).replies[0]);
      if (!ps.includes('TASK_RUNNING')) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ps).toMatch(/FRAMEWORK +TASK +STATE +PORT.*marathon +web +TASK_RUNNING +3\d{4}/);
    expect(text((await run('/cluster', 'logs web')).replies[0])).toContain("[minimesos] Fetching 'stdout' of task 'web.");
    const state = await run('/state', 'marathon', 'thread');
    expect(String(state.posts[0]!.body.text)).toContain('Marathon: 1 app');
    // Replaced with the master's address on the cluster's network, where the app runs (not the published 127.0.0.1 one).
    expect(text(state.posts[1])).toMatch(/\*\/web\* — cmd `echo http:\/\/\d+\.\d+\.\d+\.\d+:5050`.*running 1/);
    expect(text((await run('/cluster', 'uninstall web')).replies[0])).toContain("Deleted app '/web'");
  }, 60_000);

  it('/cluster down removes every container and the network', async () => {
    const containers = await docker.listContainers({ all: true, filters: { label: [`workshop.attendee=${user}`] } });
    expect(containers.length).toBe(4);
    expect(text((await run('/cluster', 'down')).replies[0])).toMatch(/Destroyed minimesos cluster with ID \d+/);
    expect(await docker.listContainers({ all: true, filters: { label: [`workshop.attendee=${user}`] } })).toHaveLength(0);
    expect(await docker.listNetworks({ filters: { label: [`workshop.attendee=${user}`] } })).toHaveLength(0);
    expect(text((await run('/cluster', 'info')).replies[0])).toContain("You don't have a cluster.");
  }, 60_000);
});
