import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import { MesosClient } from '../../../src/clients/mesos.js';
import { parseMinimesosFile, resourcesString } from '../../../src/clusters/minimesos-file/index.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { testRedisUrl, testZookeeper, zookeeperChroot } from '../../support/services.js';
import { until } from '../../support/until.js';
import { type CheckBot, exerciseJson, type Reply, startCheckBot, stepLine } from './support.js';

const STEPS = [
  'Elasticsearch runs 3 nodes',
  'Elasticsearch answers on port 9200',
  'Kibana runs',
  "Kibana's UI answers on port 5601",
  'Logstash runs as a framework',
];

/**
 * The ELK bonus end to end, as an attendee does it on a simulated cluster of the exercise's own
 * minimesosFile (three agents offering 9200 and 9300): Elasticsearch, Kibana and Logstash installed
 * with /cluster install, Kibana scaled away and back through Marathon's REST API, /check after each
 * step through Bolt's receiver with the fake Slack, and the hint and solution buttons.
 */
describe.skipIf(!testRedisUrl() || !testZookeeper())('/check elk: Elasticsearch, Kibana and Logstash on three agents (e2e)', () => {
  const user = 'U0ELK';
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  const http = new HttpClient();
  let marathon: MarathonClient;

  beforeAll(async () => {
    const spec = parseMinimesosFile(readFileSync(new URL('../../../exercises/files/elk/minimesosFile', import.meta.url), 'utf8'));
    cluster = await startSimulatedCluster({
      agents: spec.agents.map(resourcesString),
      taskStartDelayMs: 50,
      zookeeper: await zookeeperChroot('check-elk'),
    });
    marathon = new MarathonClient(http, cluster.marathonUrl);
    bot = await startCheckBot();
    await bot.slack.bot.services.clusters.attach(user, {
      master: cluster.masterUrl,
      marathon: cluster.marathonUrl,
      agents: cluster.agentUrls,
      zookeeper: cluster.zookeeper!,
    });
  });
  afterAll(async () => {
    await http.close();
    await bot?.stop();
    await cluster?.stop();
  });

  const check = () => bot.command('/check', 'elk', user);
  const icons = (reply: Reply) => STEPS.map((title) => stepLine(reply, title).slice(0, 1));
  const frameworkTasks = async (name: string) => {
    const state = await new MesosClient(http, { masterUrl: cluster.masterUrl }).state();
    return state.frameworks.find((framework) => framework.name === name)?.tasks.filter((task) => task.state === 'TASK_RUNNING') ?? [];
  };
  const install = async (file: string, app: string) =>
    expect((await bot.command('/cluster', `install ${exerciseJson(file)}`, user)).text).toContain(`Installed app \`/${app}\``);

  it("before anything: every step fails, each saying what is missing; the buttons give the first step's hint to its owner only", async () => {
    const reply = await check();
    expect(icons(reply)).toEqual(['❌', '❌', '❌', '❌', '❌']);
    expect(stepLine(reply, 'Logstash runs as a framework')).toContain('no active framework "logstash" is registered');
    expect(stepLine(reply, "Kibana's UI answers on port 5601")).toContain('no task of image kibana is running');
    expect(Object.keys(reply.buttons)).toEqual(['check.again', 'check.hint', 'check.solution']);
    const someoneElse = await bot.press('check.hint', reply.buttons['check.hint']!, 'U0NEIGHBOUR');
    expect(someoneElse.text).toContain(`These buttons belong to <@${user}>'s check, so nothing was changed`);
    const solution = await bot.press('check.solution', reply.buttons['check.solution']!, user);
    expect(solution.text).toContain('three `elasticsearch-executor` tasks');
  });

  it("Kibana installed too early: it runs, but its UI is Kibana's red status page until Elasticsearch answers on its agent", async () => {
    await install('files/elk/kibana.json', 'kibana');
    await until(async () => (await marathon.apps()).find((app) => app.id === '/kibana')?.tasksRunning === 1);
    const reply = await check();
    expect(icons(reply)).toEqual(['❌', '❌', '✅', '❌', '❌']);
    expect(stepLine(reply, "Kibana's UI answers on port 5601")).toMatch(/http:\/\/127\.[\d.]+:5601\/app\/kibana answered HTTP 503/);
    expect(await kibanaStatus()).toMatchObject({
      overall: 'red',
      elasticsearch: expect.stringContaining('Unable to connect to Elasticsearch at http://127.'),
    });
  });

  it('Elasticsearch: three nodes, one per agent on the 9200 the agents offer; now Kibana answers too', async () => {
    await install('files/elk/elasticsearch.json', 'elasticsearch');
    await until(async () => (await frameworkTasks('elasticsearch')).length === 3);
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '❌']);
    expect(stepLine(reply, 'Elasticsearch answers on port 9200')).toMatch(
      /http:\/\/127\.[\d.]+:9200\/ answered HTTP 200 with "cluster_name"/,
    );
    expect(stepLine(reply, "Kibana's UI answers on port 5601")).toMatch(/^✅/);
    expect(await kibanaStatus()).toEqual({ overall: 'green', elasticsearch: 'Kibana index ready' });
  });

  it('Logstash: its scheduler registers framework logstash with an executor on each of the three agents; every step passes', async () => {
    await install('files/elk/logstash.json', 'logstash');
    await until(async () => (await frameworkTasks('logstash')).length === 3);
    expect(new Set((await frameworkTasks('logstash')).map((task) => task.agentId)).size).toBe(3);
    const reply = await bot.command('/check', 'elk --again', user);
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '✅']);
    expect(reply.text).toContain('5 of 5 steps done');
    expect(stepLine(reply, 'Logstash runs as a framework')).toContain('logstash has 3 running tasks');
  });

  it("Kibana scaled to 0 through Marathon's REST API: --again fails its steps, and the passes come back at 1", async () => {
    await marathon.scaleApp('kibana', 0);
    await until(async () => (await marathon.apps()).find((app) => app.id === '/kibana')?.tasksRunning === 0);
    let reply = await bot.command('/check', 'elk --again', user);
    expect(icons(reply)).toEqual(['✅', '✅', '❌', '❌', '✅']);
    expect(stepLine(reply, "Kibana's UI answers on port 5601")).toContain('no task of image kibana is running');
    await marathon.scaleApp('kibana', 1);
    await until(async () => (await marathon.apps()).find((app) => app.id === '/kibana')?.tasksRunning === 1);
    reply = await check();
    expect(reply.text).toContain('5 of 5 steps done');
  });

  /** Kibana's /api/status, as a browser or curl gets it on the agent that runs Kibana. */
  async function kibanaStatus(): Promise<{ overall: string; elasticsearch: string | undefined }> {
    const [task] = (await marathon.app('kibana')).tasks;
    const { status } = JSON.parse((await http.request(`http://${task!.host}:5601/api/status`)).text) as {
      status: { overall: { state: string }; statuses: Array<{ id: string; message: string }> };
    };
    return {
      overall: status.overall.state,
      elasticsearch: status.statuses.find((plugin) => plugin.id.startsWith('plugin:elasticsearch'))?.message,
    };
  }
});
