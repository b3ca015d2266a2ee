import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { freePort } from '../../src/local/free-port.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { testRedisUrl, testZookeeper } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

const needs = testRedisUrl() && testZookeeper();

/** Attach a simulated cluster, then read it with /state, through Bolt's real receiver and a fake Slack. */
describe.skipIf(!needs)('/cluster attach and /state (e2e)', () => {
  let slack: SlackBotUnderTest;
  let cluster: SimulatedCluster;
  let sequence = 0;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({
      agents: [
        'cpus(*):1.5; mem(*):1024; disk(*):2000; ports(*):[31000-32000]',
        'cpus(*):4; mem(*):2048; disk(*):4000; ports(*):[31000-32000]',
      ],
      zookeeper: testZookeeper()!,
      taskStartDelayMs: 100,
      clusterName: 'bob',
    });
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()! } });
    const http = new HttpClient();
    await new MarathonClient(http, cluster.marathonUrl).createApp({
      id: 'nginx',
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'BRIDGE' } },
      cpus: 0.5,
      mem: 64,
      instances: 1,
    });
    await http.close();
  });
  afterAll(async () => {
    await slack?.stop();
    await cluster?.stop();
  });

  /** Sends a slash command and returns what the bot sent back for it (response_url replies and posts). */
  async function run(command: string, text: string, user = 'U0BOB'): Promise<{ replies: RecordedCall[]; posts: RecordedCall[] }> {
    const id = `r${++sequence}`;
    const before = slack.fake.calls.length;
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
    });
    expect(response.status).toBe(200);
    // A command is done when its last message has arrived: wait for its first (a busy machine can take
    // seconds), then until the calls settle.
    await slack.fake.waitFor(
      (call) => slack.fake.calls.indexOf(call) >= before && (call.path === `/response/${id}` || call.method === 'chat.postMessage'),
      30_000,
    );
    let count = -1;
    while (count !== slack.fake.calls.length) {
      count = slack.fake.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const calls = slack.fake.calls.slice(before);
    return {
      replies: calls.filter((call) => call.method === 'response_url'),
      posts: calls.filter((call) => call.method === 'chat.postMessage'),
    };
  }

  const text = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text);

  it('/state before a cluster says how to get one', async () => {
    const { replies } = await run('/state', 'resources', 'U0NOBODY');
    expect(text(replies[0]!)).toContain("You don't have a cluster yet.");
    expect(text(replies[0]!)).toContain('/cluster up');
  });

  it('/cluster attach refuses an endpoint that does not answer, naming it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { replies } = await run('/cluster', `attach master=${dead}`);
    expect(text(replies[0]!)).toContain(`master=${dead} does not answer like a Mesos master`);
  });

  it('/cluster attach links the cluster', async () => {
    const { replies } = await run(
      '/cluster',
      `attach master=${cluster.masterUrl} marathon=${cluster.marathonUrl} zookeeper=${testZookeeper()}`,
    );
    expect(text(replies[0]!)).toContain('Attached your cluster');
    expect(text(replies[0]!)).toContain(cluster.masterUrl);
  });

  it('/state resources posts a summary and per-agent details in its thread, fractional cpus kept', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { posts } = await run('/state', 'resources');
    const [parent, ...thread] = posts;
    expect(parent!.body.thread_ts).toBeUndefined();
    expect(String(parent!.body.text)).toMatch(/cluster has 5 cpus and 3008 MB memory free on 2 agents/);
    expect(thread.length).toBeGreaterThan(0);
    for (const reply of thread) expect(reply.body.thread_ts).toMatch(/^1700000000\./);
    const details = thread.map(text).join('');
    expect(details).toContain('cpus  5.5 total · 0.5 used');
    expect(details).toContain('cpus  1.5 total');
  });

  it('/state marathon lists the apps with their counts', async () => {
    const { posts } = await run('/state', 'marathon');
    expect(String(posts[0]!.body.text)).toContain('Marathon: 1 app');
    expect(posts.slice(1).map(text).join('')).toMatch(/\*\/nginx\* — image `nginx`.*instances 1 · running 1/);
  });

  it('/state tasks and /state frameworks show what runs where', async () => {
    const tasks = await run('/state', 'tasks');
    expect(tasks.posts.slice(1).map(text).join('')).toMatch(/\*nginx\* \(marathon\) — TASK_RUNNING/);
    const frameworks = await run('/state', 'frameworks');
    expect(frameworks.posts.slice(1).map(text).join('')).toContain('*marathon*');
  });

  it('/state zk /mesos shows the tree and decodes the leading master; /state leader names both leaders', async () => {
    const zk = await run('/state', 'zk /mesos');
    const details = zk.posts.slice(1).map(text).join('');
    expect(details).toMatch(/json\.info_\d{10} \[ephemeral\] \(\d+ B\)/);
    expect(details).toContain(`Leading Mesos master:* ${cluster.master.pid}`);
    const leader = await run('/state', 'leader');
    expect(leader.posts.slice(1).map(text).join('')).toContain(`Marathon leader:* ${new URL(cluster.marathonUrl).host}`);
  });

  it('/state zk with a missing path says which znode is missing', async () => {
    const { replies } = await run('/state', 'zk /nope');
    expect(text(replies[0]!)).toContain('There is no znode /nope.');
  });

  it('/cluster info says the attached cluster is simulated, and what that means', async () => {
    const info = text((await run('/cluster', 'info')).replies[0]!);
    expect(info).toContain('ready — simulated');
    expect(info).toContain('no containers run');
  });

  it('/cluster install refuses what Marathon would refuse, one line per problem, and sends nothing', async () => {
    const bad = '```{"id": "web", "cpus": "0.5", "instance": 2, "container": {"docker": {"image": "nginx", "network": "OVERLAY"}}}```';
    const answer = text((await run('/cluster', `install ${bad}`)).replies[0]!);
    expect(answer).toContain('nothing was sent');
    expect(answer).toContain('/cpus: must be a number, not the string \\"0.5\\" (write 0.5 without quotes)');
    expect(answer).toContain('/container/docker/network: the string \\"OVERLAY\\" is not one of');
    expect(answer).toContain('/instance: is not a field here, so Marathon would silently ignore it: did you mean \\"instances\\"?');
    const group = text((await run('/cluster', 'install ```{"id": "shop", "apps": [{"cmd": "serve"}]}```')).replies[0]!);
    expect(group).toContain('/apps/0/id: is missing');
    const http = new HttpClient();
    expect((await new MarathonClient(http, cluster.marathonUrl).apps()).map((app) => app.id)).toEqual(['/nginx']);
    await http.close();
  });

  it('/cluster install of a group of nested groups installs every app, each listed by Marathon with its full id', async () => {
    const group = '```{"id": "shop", "groups": [{"id": "back", "apps": [{"id": "db", "cmd": "db", "cpus": 0.1, "mem": 16}]}]}```';
    expect(text((await run('/cluster', `install ${group}`)).replies[0]!)).toContain('Installed group `shop`');
    const http = new HttpClient();
    const apps = await new MarathonClient(http, cluster.marathonUrl).apps();
    expect(apps.map((app) => app.id).sort()).toEqual(['/nginx', '/shop/back/db']);
    await new MarathonClient(http, cluster.marathonUrl).deleteGroup('/shop');
    await http.close();
  });

  it('/cluster detach unlinks it', async () => {
    const { replies } = await run('/cluster', 'detach');
    expect(text(replies[0]!)).toContain(`Detached ${cluster.masterUrl}`);
    const after = await run('/state', 'resources');
    expect(text(after.replies[0]!)).toContain("You don't have a cluster yet.");
  });
});
