import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventToText } from '../../src/adapters/terminal/responder.js';
import { say } from '../../src/adapters/terminal/say.js';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { freePort } from '../../src/local/free-port.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { type HttpStub, startHttpStub } from '../support/http-stub.js';
import { testRedisUrl, testZookeeper } from '../support/services.js';
import { runSlashCommand, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { until } from '../support/until.js';

const needs = testRedisUrl() && testZookeeper();

const text = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text);

/** The default ATTACH_ALLOW: public addresses only, whatever form the address is written in. */
describe.skipIf(!testRedisUrl())('/cluster attach with the default allow-list (e2e)', () => {
  let slack: SlackBotUnderTest;
  beforeAll(async () => {
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()! } });
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it.each([
    ['http://127.0.0.1:5050', 'loopback'],
    ['http://2130706433:5050', 'loopback'],
    ['http://0x7f.1:5050', 'loopback'],
    ['http://[::ffff:127.0.0.1]:5050', 'loopback'],
    ['http://169.254.169.254', 'link-local'],
    ['http://10.1.2.3:5050', 'private'],
  ])('refuses master=%s (%s) before contacting it', async (master, kind) => {
    const { replies, posts } = await runSlashCommand(slack, '/cluster', `attach master=${master}`, 'U0LOOP');
    expect(text(replies[0]!)).toContain(`I can't attach master=`);
    expect(text(replies[0]!)).toContain(kind);
    expect(posts).toEqual([]);
    expect(await slack.bot.services.clusters.get('U0LOOP')).toBeNull();
  });
});

/** Attach a simulated cluster, then read it with /state, through Bolt's real receiver and a fake Slack. */
describe.skipIf(!needs)('/cluster attach and /state (e2e)', () => {
  let slack: SlackBotUnderTest;
  let cluster: SimulatedCluster;
  let someoneElses: SimulatedCluster;
  const stubs: HttpStub[] = [];

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
    someoneElses = await startSimulatedCluster({ agents: 1 });
    // The tests' clusters listen on loopback, which the default ATTACH_ALLOW refuses.
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()!, ATTACH_ALLOW: '127.0.0.0/8' } });
    const http = new HttpClient();
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    await marathon.createApp({
      id: 'nginx',
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'BRIDGE' } },
      cpus: 0.5,
      mem: 64,
      instances: 1,
    });
    // The /state tests show its task running and its resources used.
    await until(async () => (await marathon.apps())[0]?.tasksRunning === 1);
    await http.close();
  });
  afterAll(async () => {
    await slack?.stop();
    await cluster?.stop();
    await someoneElses?.stop();
    await Promise.all(stubs.map((stub) => stub.close()));
  });

  const run = (command: string, args: string, user = 'U0BOB') => runSlashCommand(slack, command, args, user);

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

  it('/cluster attach refuses the endpoints of a cluster the bot built for another attendee, without naming them', async () => {
    const port = new URL(someoneElses.masterUrl).port;
    await slack.bot.services.clusters.registry.claim({
      attendee: 'U0ALICE',
      kind: 'provisioned',
      status: 'ready',
      clusterId: '4242',
      endpoints: { master: someoneElses.masterUrl, marathon: someoneElses.marathonUrl },
    });
    for (const master of [someoneElses.masterUrl, `http://[::ffff:127.0.0.1]:${port}`, `http://127.0.0.2:${port}`]) {
      const { replies } = await run('/cluster', `attach master=${master}`, 'U0MALLORY');
      expect(text(replies[0]!)).toContain('a cluster the bot built');
      expect(text(replies[0]!)).not.toContain('U0ALICE');
    }
    const { replies } = await run('/cluster', `attach master=${cluster.masterUrl} marathon=${someoneElses.marathonUrl}`, 'U0MALLORY');
    expect(text(replies[0]!)).toContain(`I can't attach marathon=${someoneElses.marathonUrl}`);
    expect(await slack.bot.services.clusters.get('U0MALLORY')).toBeNull();
  });

  it("/cluster attach never follows a master's redirect to another host, and says why it refuses", async () => {
    const state = await (await fetch(`${cluster.masterUrl}/state`)).text();
    const elsewhere = await startHttpStub(() => ({ status: 200, body: state }), '127.0.0.2');
    const redirecting = await startHttpStub(() => ({ status: 307, body: '', headers: { location: `${elsewhere.url}/state` } }));
    stubs.push(elsewhere, redirecting);
    const { replies } = await run('/cluster', `attach master=${redirecting.url}`, 'U0REDIRECT');
    expect(text(replies[0]!)).toContain('is not the leading Mesos master');
    expect(elsewhere.hits).toEqual([]);
    expect(await slack.bot.services.clusters.get('U0REDIRECT')).toBeNull();
  });

  it("/cluster attach tells what went wrong without repeating the endpoint's answer", async () => {
    const secret = 'internal-token-0123456789';
    const failing = await startHttpStub(() => ({ status: 500, body: `<html>${secret}</html>` }));
    const lying = await startHttpStub(() => ({ status: 200, body: JSON.stringify({ version: secret }) }));
    stubs.push(failing, lying);
    const failed = text((await run('/cluster', `attach master=${failing.url}`, 'U0BODY')).replies[0]!);
    expect(failed).toContain('answered HTTP 500');
    expect(failed).not.toContain(secret);
    const shapeless = text((await run('/cluster', `attach master=${lying.url}`, 'U0BODY')).replies[0]!);
    expect(shapeless).toContain('does not answer like a Mesos master');
    expect(shapeless).not.toContain(secret);
    const notMarathon = text((await run('/cluster', `attach master=${cluster.masterUrl} marathon=${lying.url}`, 'U0BODY')).replies[0]!);
    expect(notMarathon).toContain(`marathon=${lying.url} does not answer like Marathon`);
    expect(await slack.bot.services.clusters.get('U0BODY')).toBeNull();
  });

  it("/cluster attach refuses the bot's own Redis even inside ATTACH_ALLOW", async () => {
    const redis = new URL(testRedisUrl()!);
    const { replies } = await run('/cluster', `attach master=http://127.0.0.1:${redis.port}`, 'U0REDIS');
    expect(text(replies[0]!)).toContain("the bot's own Redis");
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

  it('/state marathon lists the pods of a Marathon 1.4+ beside its apps; one that refuses its pods still shows the apps', async () => {
    const info = { name: 'marathon', version: '1.11.24', leader: 'm:8080' };
    const pod = {
      id: '/podses',
      status: 'STABLE',
      spec: {
        containers: [{ name: 'web', resources: { cpus: 0.1, mem: 32 }, image: { kind: 'DOCKER', id: 'nginx' } }],
        scaling: { instances: 1 },
      },
      instances: [{ status: 'STABLE' }],
    };
    const marathon = (pods: { status: number; body: string }) =>
      startHttpStub((path) =>
        path === '/v2/info'
          ? { status: 200, body: JSON.stringify(info) }
          : path.startsWith('/v2/apps')
            ? { status: 200, body: JSON.stringify({ apps: [] }) }
            : path === '/v2/pods/::status'
              ? pods
              : { status: 404, body: '' },
      );
    const withPods = await marathon({ status: 200, body: JSON.stringify([pod]) });
    const refusing = await marathon({ status: 403, body: JSON.stringify({ message: 'Not Authorized to perform this action!' }) });
    stubs.push(withPods, refusing);
    expect(
      text((await run('/cluster', `attach master=${cluster.masterUrl} marathon=${withPods.url}`, 'U0PODS')).replies[0]!),
    ).not.toContain("can't");
    const listed = await run('/state', 'marathon', 'U0PODS');
    expect(String(listed.posts[0]!.body.text)).toContain('Marathon: 0 apps, 1 pod');
    const details = listed.posts.slice(1).map(text).join('');
    expect(details).toContain('*/podses* — pod of 1 container: web (`nginx`)');
    expect(details).not.toContain('No Marathon apps');
    await run('/cluster', `attach master=${cluster.masterUrl} marathon=${refusing.url}`, 'U0PODS2');
    const refused = await run('/state', 'marathon', 'U0PODS2');
    expect(String(refused.posts[0]!.body.text)).toContain('Marathon: 0 apps');
    expect(refused.posts.slice(1).map(text).join('')).toContain('Pods could not be read: Marathon answered HTTP 403: Not Authorized');
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

  it('/cluster state --raw shows the state the bot understood, to the attendee only', async () => {
    const { replies, posts } = await run('/cluster', 'state --raw');
    expect(posts).toEqual([]);
    const json = replies.map(text).join('');
    expect(json).toContain('Mesos 1.0.0');
    expect(json).toContain('\\"activatedAgents\\": 2');
    // A field the bot does not read stays out: what is shown is parsed and re-serialised, not the master's bytes.
    expect(json).not.toContain('git_sha');
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

  /** A task of a framework registered on the simulated master, as any scheduler on an attached cluster may: the names are theirs to choose. */
  async function runTask(frameworkName: string, task: { id: string; name: string }): Promise<void> {
    const post = (path: string, body: unknown) =>
      fetch(`${cluster.masterUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const registered = await post('/sim/frameworks', { name: frameworkName, hostname: 'x' });
    const { id: frameworkId } = (await registered.json()) as { id: string };
    await post('/sim/tasks', { frameworkId, tasks: [{ ...task, resources: { cpus: 0.1, mem: 16, disk: 0 } }] });
  }

  it('names a cluster reports with <!channel> or a <url|label> reach Slack escaped, and the terminal as they are', async () => {
    await runTask('<!channel> fw', { id: 'ping-1', name: '<!channel> <https://evil.example|click here>' });
    const posted = [...(await run('/state', 'tasks')).posts, ...(await run('/state', 'frameworks')).posts].map(text).join('');
    expect(posted).toContain('*&lt;!channel&gt; &lt;https://evil.example|click here&gt;* (&lt;!channel&gt; fw)');
    expect(posted).toContain('*&lt;!channel&gt; fw*');
    expect(posted).not.toContain('<!channel>');
    expect(posted).not.toContain('<https://evil.example');
    const shown = (await say(slack.bot, '/state tasks', { user: 'U0BOB' })).map((event) => eventToText(event)).join('\n');
    expect(shown).toContain('*<!channel> <https://evil.example|click here>* (<!channel> fw)');
    expect(shown).not.toContain('&lt;');
    // /check's step details name the cluster's frameworks too.
    const checked = text((await run('/check', 'frameworks')).replies[0]!);
    expect(checked).toContain('(frameworks: marathon, &lt;!channel&gt; fw)');
    expect(checked).not.toContain('<!channel>');
    const checkedHere = (await say(slack.bot, '/check frameworks', { user: 'U0BOB' })).map((event) => eventToText(event)).join('\n');
    expect(checkedHere).toContain('(frameworks: marathon, <!channel> fw)');
    // And so do the task's own logs.
    const logs = text((await run('/cluster', 'logs ping-1')).replies[0]!);
    expect(logs).toContain('Registered executor on &lt;!channel&gt; fw');
    expect(logs).not.toContain('<!channel>');
  });

  it('a task name with terminal escape sequences prints in the terminal as visible escapes, never raw', async () => {
    await runTask('esc', { id: 'esc-1', name: 'web\u001b[2J\u001b]0;pwned\u0007' });
    const shown = (await say(slack.bot, '/state tasks', { user: 'U0BOB' })).map((event) => eventToText(event)).join('\n');
    expect(shown).toContain('web\\u001b[2J\\u001b]0;pwned\\u0007');
    expect(shown).not.toMatch(/(?![\t\n])\p{Cc}/u);
  });

  it('/cluster ps keeps a task name with a code fence and a newline inside its one row of the table', async () => {
    await runTask('fenced', { id: 'fence-1', name: 'a```\n*bold* b' });
    const reply = (await run('/cluster', 'ps')).replies[0]!;
    const sections = (reply.body.blocks as Array<{ text: { text: string } }>).map((block) => block.text.text);
    for (const body of sections) expect(body.match(/```/g)).toHaveLength(2);
    const row = sections
      .join('\n')
      .split('\n')
      .find((line) => line.startsWith('fenced'));
    expect(row).toMatch(/^fenced +a`\u200b`\u200b` \*bold\* b +TASK_/);
  });

  it('/cluster install repeats a hostile id or field name escaped', async () => {
    const answer = text((await run('/cluster', 'install ```{"id": "<!channel>", "cmd": "x", "<!here>": 1}```')).replies[0]!);
    expect(answer).toContain('/\\"&lt;!here&gt;\\": is not a field here');
    expect(answer).not.toContain('&amp;lt;');
    expect(answer).toContain('/id: the string \\"&lt;!channel&gt;\\" is not a valid id');
    expect(answer).not.toMatch(/<!(channel|here)>/);
  });

  it('/cluster detach unlinks it', async () => {
    const { replies } = await run('/cluster', 'detach');
    expect(text(replies[0]!)).toContain(`Detached ${cluster.masterUrl}`);
    const after = await run('/state', 'resources');
    expect(text(after.replies[0]!)).toContain("You don't have a cluster yet.");
  });
});
