import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { MesosClient } from '../../src/clients/mesos.js';
import { ZookeeperClient } from '../../src/clients/zookeeper.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { haveRealFixtures, readJsonFixture } from '../support/fixtures.js';
import { testZookeeper, zookeeperChroot } from '../support/services.js';
import { until } from '../support/until.js';

const NGINX = { id: '/nginx', cpus: 0.1, mem: 128, instances: 1, container: { type: 'MESOS', docker: { image: 'library/nginx' } } };

/** A GET as a check would make it: the status, the Server header and the body, or the connection error's code. */
async function get(url: string): Promise<{ status: number; server: string | null; body: string } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, server: response.headers.get('server'), body: await response.text() };
  } catch (error) {
    return { error: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
  }
}

/** The first packet a TCP server sends, or the connection error's code. */
function firstPacket(host: string, port: number): Promise<Buffer | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('simulated tasks answer on their ports as their images would', () => {
  const http = new HttpClient();
  let cluster: SimulatedCluster;
  let marathon: MarathonClient;
  let mesos: MesosClient;

  const runningTasks = async (appId: string, count: number) => {
    await until(async () => {
      const app = await marathon.app(appId);
      return app.tasksRunning === count && app.tasks.length === count;
    });
    return (await marathon.app(appId)).tasks;
  };

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    marathon = new MarathonClient(http, cluster.marathonUrl);
    mesos = new MesosClient(http, { masterUrl: cluster.masterUrl, agentUrls: cluster.agentUrls });
  });
  afterEach(async () => {
    // Each test starts on an empty agent: a task left on port 80 would fail the next one's nginx.
    for (const app of await marathon.apps()) await marathon.deleteApp(app.id);
    await until(async () => (await mesos.state()).frameworks.every((framework) => framework.tasks.length === 0));
  });
  afterAll(async () => {
    await cluster?.stop();
    await http.close();
  });

  it('gives the agent its own loopback address, which the agent, the master and Marathon all report', async () => {
    const address = cluster.agents[0]!.address;
    expect(address).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(address).not.toBe('127.0.0.1');
    expect(cluster.agentUrls[0]).toBe(`http://${address}:5051`);
    const agentState = (await (await fetch(`${cluster.agentUrls[0]}/state`)).json()) as { hostname: string; pid: string };
    expect(agentState).toMatchObject({ hostname: address, pid: `slave(1)@${address}:5051` });
    expect((await mesos.state()).agents.map((agent) => agent.hostname)).toEqual([address]);
  });

  it("nginx installed through Marathon's REST API answers on the agent's IP:80 with the nginx page, until it is destroyed", async () => {
    await marathon.createApp(NGINX);
    const [task] = await runningTasks('/nginx', 1);
    const address = cluster.agents[0]!.address;
    expect(task).toMatchObject({ host: address });
    const tasks = (await (await fetch(`${cluster.marathonUrl}/v2/tasks`)).json()) as { tasks: Array<{ ipAddresses: unknown[] }> };
    expect(tasks.tasks[0]!.ipAddresses).toEqual([{ ipAddress: address, protocol: 'IPv4' }]);
    const page = await get(`http://${address}:80/`);
    expect(page).toMatchObject({ status: 200, server: expect.stringMatching(/^nginx\/1\.\d+/) });
    expect((page as { body: string }).body).toContain('<title>Welcome to nginx!</title>');
    expect(await get(`http://${address}:80/missing`)).toMatchObject({ status: 404 });

    await marathon.scaleApp('/nginx', 3);
    expect((await runningTasks('/nginx', 3)).every((each) => each.state === 'TASK_RUNNING')).toBe(true);
    expect(await get(`http://${address}:80/`)).toMatchObject({ status: 200 });
    await marathon.scaleApp('/nginx', 1, { force: true });
    await runningTasks('/nginx', 1);
    expect(await get(`http://${address}:80/`)).toMatchObject({ status: 200 });

    await marathon.deleteApp('/nginx');
    await until(async () => 'error' in (await get(`http://${address}:80/`)));
    expect(await get(`http://${address}:80/`)).toEqual({ error: 'ECONNREFUSED' });
  });

  it('a BRIDGE app with portMappings answers on the hostPort Mesos assigned (and reports), not on the container port', async () => {
    await marathon.createApp({
      id: '/mapped',
      cpus: 0.1,
      mem: 64,
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx:1.10.3', network: 'BRIDGE', portMappings: [{ containerPort: 80, hostPort: 0 }] },
      },
    });
    const [task] = await runningTasks('/mapped', 1);
    expect(task!.ports).toHaveLength(1);
    const hostPort = task!.ports[0]!;
    const mesosTask = (await mesos.state()).frameworks.flatMap((framework) => framework.tasks).find((each) => each.id === task!.id)!;
    expect(mesosTask.resources.ports).toEqual([{ begin: hostPort, end: hostPort }]);
    expect(await get(`http://${task!.host}:${hostPort}/`)).toMatchObject({ status: 200, server: 'nginx/1.10.3' });
    expect(await get(`http://${task!.host}:80/`)).toEqual({ error: 'ECONNREFUSED' });
    await marathon.deleteApp('/mapped');
  });

  it('an image the simulator does not know has nothing listening, so a check against it fails honestly', async () => {
    await marathon.createApp({ id: '/echo', cpus: 0.1, mem: 32, container: { type: 'DOCKER', docker: { image: 'hashicorp/http-echo' } } });
    const [task] = await runningTasks('/echo', 1);
    expect(await get(`http://${task!.host}:${task!.ports[0]}/`)).toEqual({ error: 'ECONNREFUSED' });
    await marathon.deleteApp('/echo');
  });

  it.skipIf(!haveRealFixtures)(
    "the workshop's MySQL greets on the agent's 3306; its WordPress cannot resolve mysql.service.consul and says so",
    async () => {
      await marathon.createApp(readJsonFixture('marathon/apps/workshop/wordpress-mysql.json') as object);
      const [mysql] = await runningTasks('/mysql', 1);
      expect(mysql!.ports).toEqual([]);
      const greeting = await firstPacket(mysql!.host, 3306);
      expect(Buffer.isBuffer(greeting)).toBe(true);
      expect((greeting as Buffer)[4]).toBe(10); // protocol version 10
      expect((greeting as Buffer).subarray(5, 12).toString('latin1')).toBe('5.7.12\0');

      await marathon.createApp(readJsonFixture('marathon/apps/workshop/wordpress-wordpress.json') as object);
      const [wordpress] = await runningTasks('/wordpress', 1);
      const page = await get(`http://${wordpress!.host}:80/`);
      expect(page).toMatchObject({ status: 500 });
      expect((page as { body: string }).body).toContain('Error establishing a database connection');

      await marathon.updateApp('/wordpress', { env: { WORDPRESS_DB_HOST: `${mysql!.host}:3306` } }, { force: true });
      await until(async () => {
        const answer = await get(`http://${wordpress!.host}:80/`);
        return 'body' in answer && answer.body.includes('WordPress') && answer.status === 200;
      });
      const installer = (await get(`http://${wordpress!.host}:80/`)) as { body: string };
      expect(installer.body).toContain('WordPress &rsaquo; Installation');
      await marathon.deleteApp('/wordpress');
      await marathon.deleteApp('/mysql');
      await until(async () => (await firstPacket(mysql!.host, 3306)) === 'ECONNREFUSED');
    },
  );

  it('two images on one fixed port of one agent: the second task fails with the reason, as its bind would', async () => {
    await marathon.createApp(NGINX);
    await runningTasks('/nginx', 1);
    await marathon.createApp({ id: '/blog', cpus: 0.1, mem: 64, container: { type: 'DOCKER', docker: { image: 'wordpress:4.5.1' } } });
    await until(async () => (await marathon.app('/blog')).lastTaskFailure !== undefined);
    expect((await marathon.app('/blog')).lastTaskFailure!.message).toMatch(
      /wordpress cannot listen on 127\.[\d.]+:80: nginx .* already does/,
    );
    await marathon.deleteApp('/blog');
    await marathon.deleteApp('/nginx');
  });

  it.skipIf(!haveRealFixtures)("minimesos' Weave Scope app shows a page on the agent's 4040 listing the cluster's containers", async () => {
    await marathon.createApp(readJsonFixture('marathon/apps/minimesos/weave-scope.json') as object);
    await marathon.createApp(NGINX);
    const [scope] = await runningTasks('/weave-scope', 1);
    await runningTasks('/nginx', 1);
    const page = await get(`http://${scope!.host}:4040/`);
    expect(page).toMatchObject({ status: 200 });
    const body = (page as { body: string }).body;
    expect(body).toContain('Weave Scope');
    for (const container of ['Mesos master', 'Mesos agent', 'Marathon', 'weaveworks/scope:0.13.1', 'library/nginx'])
      expect(body).toContain(container);
    await marathon.deleteApp('/weave-scope');
    await marathon.deleteApp('/nginx');
  });
});

describe('the simulated Elasticsearch framework', () => {
  it('scaled past the agents, leaves the extra nodes unlaunched; /_nodes lists one node per agent; its state is in ZooKeeper', async () => {
    const zookeeper = testZookeeper() ? await zookeeperChroot('es') : undefined;
    const cluster = await startSimulatedCluster({ agents: 2, taskStartDelayMs: 50, ...(zookeeper ? { zookeeper } : {}) });
    const http = new HttpClient();
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    const mesos = new MesosClient(http, { masterUrl: cluster.masterUrl });
    const esNodes = async () =>
      (await mesos.state()).frameworks
        .find((framework) => framework.name === 'elasticsearch')
        ?.tasks.filter((task) => task.state === 'TASK_RUNNING') ?? [];
    try {
      const scheduler = {
        id: 'elasticsearch',
        container: { docker: { image: 'mesos/elasticsearch-scheduler:1.0.1', network: 'BRIDGE' } },
        args: ['--zookeeperMesosUrl', 'zk://zookeeper:2181/mesos', '--elasticsearchNodes', '1'],
        cpus: 0.2,
        mem: 512,
      };
      await marathon.createApp(scheduler);
      await until(async () => (await esNodes()).length === 1);
      await marathon.updateApp('/elasticsearch', { args: [...scheduler.args.slice(0, 3), '5'] }, { force: true });
      await until(async () => (await esNodes()).length === 2);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const nodes = await esNodes();
      expect(nodes).toHaveLength(2);

      const state = await mesos.state();
      const hostOf = (agentId: string) => state.agents.find((agent) => agent.id === agentId)!.hostname;
      const first = nodes[0]!;
      const httpAddress = `${hostOf(first.agentId)}:${first.resources.ports[0]!.begin}`;
      const root = (await (await fetch(`http://${httpAddress}/`)).json()) as Record<string, unknown>;
      expect(root).toMatchObject({
        name: first.id,
        cluster_name: 'mesos-ha',
        version: { number: expect.stringMatching(/^\d+\.\d+\.\d+$/) },
      });
      const listing = (await (await fetch(`http://${httpAddress}/_nodes`)).json()) as {
        cluster_name: string;
        nodes: Record<string, { name: string; host: string; http_address: string; transport_address: string }>;
      };
      expect(listing.cluster_name).toBe('mesos-ha');
      expect(
        Object.values(listing.nodes)
          .map((node) => node.http_address)
          .sort(),
      ).toEqual(nodes.map((node) => `${hostOf(node.agentId)}:${node.resources.ports[0]!.begin}`).sort());
      expect(new Set(Object.values(listing.nodes).map((node) => node.host)).size).toBe(2);

      if (zookeeper) {
        const zk = await ZookeeperClient.connect(zookeeper);
        try {
          const frameworkId = (await zk.getData('/elasticsearch/mesos-ha/frameworkId')).toString();
          expect(frameworkId).toBe(state.frameworks.find((framework) => framework.name === 'elasticsearch')!.id);
          await until(async () => (await zk.children(`/elasticsearch/mesos-ha/${frameworkId}/state`)).length === 2);
          expect(JSON.parse((await zk.getData(`/elasticsearch/mesos-ha/${frameworkId}/stateList`)).toString()).sort()).toEqual(
            nodes.map((node) => node.id).sort(),
          );
          await marathon.updateApp('/elasticsearch', { args: [...scheduler.args.slice(0, 3), '1'] }, { force: true });
          await until(async () => (await zk.children(`/elasticsearch/mesos-ha/${frameworkId}/state`)).length === 1);
        } finally {
          zk.close();
        }
      }
    } finally {
      await http.close();
      await cluster.stop();
    }
  });
});

describe('simulated clusters side by side', () => {
  it('run nginx on port 80 each, on their own agent addresses, and stop answering when stopped', async () => {
    const clusters = await Promise.all([1, 2].map(() => startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 })));
    const http = new HttpClient();
    try {
      const addresses = clusters.map((cluster) => cluster.agents[0]!.address);
      expect(new Set(addresses).size).toBe(2);
      await Promise.all(clusters.map((cluster) => new MarathonClient(http, cluster.marathonUrl).createApp(NGINX)));
      for (const address of addresses) await until(async () => 'status' in (await get(`http://${address}:80/`)));
    } finally {
      await Promise.all(clusters.map((cluster) => cluster.stop()));
      await http.close();
    }
    for (const cluster of clusters) expect(await get(`http://${cluster.agents[0]!.address}:80/`)).toEqual({ error: 'ECONNREFUSED' });
  });

  it('--elasticsearchPorts: each node takes exactly those ports, and an agent that does not offer them gets no node', async () => {
    const cluster = await startSimulatedCluster({
      agents: [
        'ports(*):[9200-9200,9300-9300,31000-32000]; cpus(*):2; mem(*):2048; disk(*):4000',
        'ports(*):[31000-32000]; cpus(*):2; mem(*):2048; disk(*):4000',
      ],
      taskStartDelayMs: 50,
    });
    const http = new HttpClient();
    try {
      await new MarathonClient(http, cluster.marathonUrl).createApp({
        id: 'elasticsearch',
        cpus: 0.2,
        mem: 512,
        container: { type: 'DOCKER', docker: { image: 'mesos/elasticsearch-scheduler:1.0.1', network: 'BRIDGE' } },
        args: ['--zookeeperMesosUrl', 'zk://127.0.0.1:2181/mesos', '--elasticsearchNodes', '2', '--elasticsearchPorts', '9200,9300'],
      });
      const mesos = new MesosClient(http, { masterUrl: cluster.masterUrl });
      const nodes = async () =>
        (await mesos.state()).frameworks
          .find((framework) => framework.name === 'elasticsearch')
          ?.tasks.filter((task) => task.state === 'TASK_RUNNING') ?? [];
      await until(async () => (await nodes()).length === 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const [node, ...others] = await nodes();
      expect(others).toEqual([]);
      expect(node!.agentId).toBe(cluster.agents[0]!.id);
      expect(node!.discoveryPorts.map((port) => port.number)).toEqual([9200, 9300]);
      expect(await get(`http://${cluster.agents[0]!.address}:9200/`)).toMatchObject({
        status: 200,
        body: expect.stringContaining('"cluster_name": "mesos-ha"'),
      });
    } finally {
      await http.close();
      await cluster.stop();
    }
  });
});
