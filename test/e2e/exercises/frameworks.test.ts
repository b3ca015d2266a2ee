import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MesosClient } from '../../../src/clients/mesos.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { testRedisUrl, testZookeeper, zookeeperChroot } from '../../support/services.js';
import { until } from '../../support/until.js';
import { type CheckBot, exerciseJson, type Reply, startCheckBot, stepLine } from './support.js';

const needs = testRedisUrl() && testZookeeper();

const STEPS = [
  'Deploy the Elasticsearch scheduler on Marathon',
  'Elasticsearch runs a node',
  'Scale past your agents, and see why it stops',
  'Recreate the cluster with 5 agents',
  'Scale Elasticsearch to 5 nodes',
  '/_nodes lists 5 Elasticsearch nodes',
  "Find the framework's state in ZooKeeper",
];

/**
 * The Frameworks exercise end to end: the workshop's Elasticsearch JSON installed with /cluster
 * install on a one-agent cluster, scaled past its agents, then a five-agent cluster (the attendee
 * destroys theirs and attaches the new one) with five nodes, /_nodes and the ZooKeeper state.
 */
describe.skipIf(!needs)('/check frameworks: Mesos Elasticsearch from one agent to five (e2e)', () => {
  const user = 'U0FRAMEWORKS';
  let bot: CheckBot;
  let small: SimulatedCluster;
  let big: SimulatedCluster | undefined;
  const http = new HttpClient();

  beforeAll(async () => {
    small = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50, zookeeper: await zookeeperChroot('check-es-small') });
    bot = await startCheckBot();
    await attach(small);
  });
  afterAll(async () => {
    await http.close();
    await bot?.stop();
    await small?.stop();
    await big?.stop();
  });

  async function attach(cluster: SimulatedCluster): Promise<void> {
    await bot.slack.bot.services.clusters.detach(user).catch(() => undefined);
    await bot.slack.bot.services.clusters.attach(user, {
      master: cluster.masterUrl,
      marathon: cluster.marathonUrl,
      agents: cluster.agentUrls,
      zookeeper: cluster.zookeeper!,
    });
  }
  const check = () => bot.command('/check', 'frameworks', user);
  const icons = (reply: Reply) => STEPS.map((title) => stepLine(reply, title).slice(0, 1));
  const nodesRunning = (cluster: SimulatedCluster, count: number) =>
    until(async () => {
      const state = await new MesosClient(http, { masterUrl: cluster.masterUrl }).state();
      const es = state.frameworks.find((framework) => framework.name === 'elasticsearch');
      return es?.tasks.filter((task) => task.state === 'TASK_RUNNING').length === count;
    });
  const elasticsearch = (nodes: number) =>
    exerciseJson('files/frameworks/elasticsearch.json', (json) =>
      json.replace(/"--elasticsearchNodes",\s*"1"/, `"--elasticsearchNodes", "${nodes}"`),
    );

  it('before the scheduler: nothing passes; the ZooKeeper step says what is there instead', async () => {
    const reply = await check();
    expect(icons(reply)).toEqual(['❌', '❌', '⏳', '⏳', '⏳', '❌', '❌']);
    expect(stepLine(reply, "Find the framework's state in ZooKeeper")).toContain('there is no znode /elasticsearch/mesos-ha');
    expect(stepLine(reply, '/_nodes lists 5 Elasticsearch nodes')).toContain('no task of framework elasticsearch is running');
  });

  it('the workshop JSON via /cluster install: one node; asking for 3 on one agent still runs one, and that step passes', async () => {
    expect((await bot.command('/cluster', `install ${elasticsearch(1)}`, user)).text).toContain('Installed app `/elasticsearch`');
    await nodesRunning(small, 1);
    // One node on one agent is not yet "scaled past the agents": nothing asked for more.
    let reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '❌', '⏳', '⏳', '❌', '✅']);
    expect(stepLine(reply, 'Scale past your agents, and see why it stops')).toMatch(
      /elasticsearch's own setting \(http:\/\/127\.0\.0\.1:\d+\/v1\/cluster\) asks for 1 with 1 agent: ask for more than 1$/,
    );
    expect((await bot.command('/cluster', `install --update ${elasticsearch(3)}`, user)).text).toContain('Updated app `/elasticsearch`');
    // Marathon restarts the scheduler with the new args, which registers again: as the attendee would, check until it shows.
    const scaledPast = ['✅', '✅', '✅', '❌', '⏳', '❌', '✅'];
    await until(async () => {
      reply = await check();
      return icons(reply).join() === scaledPast.join();
    }, 30_000).catch(() => undefined);
    expect(icons(reply)).toEqual(scaledPast);
    expect(stepLine(reply, 'Scale past your agents, and see why it stops')).toMatch(
      /one on each of the 1 agents \(elasticsearch's own setting \(http:\/\/127\.0\.0\.1:\d+\/v1\/cluster\) asks for 3: the other 2 cannot be placed\)/,
    );
    expect(stepLine(reply, 'Recreate the cluster with 5 agents')).toContain('1 active agent; this step needs at least 5');
    expect(stepLine(reply, '/_nodes lists 5 Elasticsearch nodes')).toMatch(/\/_nodes lists 1 under nodes; this step needs 5/);
  });

  it('a five-agent cluster with five nodes: every step passes, /_nodes on a node lists all five', async () => {
    await small.stop();
    big = await startSimulatedCluster({ agents: 5, taskStartDelayMs: 50, zookeeper: await zookeeperChroot('check-es-big') });
    await attach(big);
    await bot.command('/cluster', `install ${elasticsearch(5)}`, user);
    await nodesRunning(big, 5);
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '✅', '✅', '✅']);
    expect(reply.text).toContain('7 of 7 steps done');
    expect(stepLine(reply, '/_nodes lists 5 Elasticsearch nodes')).toMatch(/http:\/\/127\.[\d.]+:\d+\/_nodes lists 5 under nodes/);
  });
});
