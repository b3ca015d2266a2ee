import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { MesosClient } from '../../src/clients/mesos.js';
import { ZookeeperClient } from '../../src/clients/zookeeper.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { haveRealFixtures, readJsonFixture } from '../support/fixtures.js';
import { testZookeeper, zookeeperChroot } from '../support/services.js';

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('simulated minimesos cluster', () => {
  const http = new HttpClient();
  let cluster: SimulatedCluster;
  let mesos: MesosClient;
  let marathon: MarathonClient;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({
      agents: [
        'cpus(*):2; mem(*):1024; disk(*):2000; ports(*):[31000-32000]',
        'cpus(*):2; mem(*):1024; disk(*):2000; ports(*):[31000-32000]',
      ],
      clusterName: 'alice',
      taskStartDelayMs: 200,
    });
    mesos = new MesosClient(http, { masterUrl: cluster.masterUrl, agentUrls: cluster.agentUrls });
    marathon = new MarathonClient(http, cluster.marathonUrl);
  });
  afterAll(async () => {
    await cluster?.stop();
    await http.close();
  });

  it.skipIf(!haveRealFixtures)('answers /state with the fields and nesting of a real master', async () => {
    const real = readJsonFixture<Record<string, unknown>>('mesos-state/datadog-master-state.json');
    const simulated = (await (await fetch(`${cluster.masterUrl}/state`)).json()) as Record<string, unknown>;
    const preOneZeroCounters = ['staged_tasks', 'started_tasks', 'finished_tasks', 'killed_tasks', 'failed_tasks', 'lost_tasks'];
    for (const key of Object.keys(real).filter((key) => !preOneZeroCounters.includes(key))) expect(simulated).toHaveProperty(key);
    const realSlave = (real.slaves as Array<Record<string, unknown>>)[0]!;
    const simSlave = (simulated.slaves as Array<Record<string, unknown>>)[0]!;
    for (const key of Object.keys(realSlave)) expect(simSlave).toHaveProperty(key);
    expect(typeof (simSlave.resources as Record<string, unknown>).ports).toBe('string');
    expect(simulated.cluster).toBe('alice');
    expect((await fetch(`${cluster.masterUrl}/state.json`)).status).toBe(200);
  });

  it('runs an app: tasks go STAGING → RUNNING, resources are used, Marathon is a framework', async () => {
    await marathon.createApp({ id: 'web', cmd: 'python3 -m http.server $PORT0', cpus: 0.5, mem: 128, instances: 2 });
    const staged = await marathon.app('/web');
    expect(staged.deployments.length).toBe(1);
    const app = await until(
      () => marathon.app('/web'),
      (current) => current.tasksRunning === 2,
    );
    expect(app.tasks.every((task) => task.state === 'TASK_RUNNING' && task.ports.length === 1)).toBe(true);
    await until(
      () => marathon.app('/web'),
      (current) => current.deployments.length === 0,
    );
    const state = await mesos.state();
    const framework = state.frameworks.find((candidate) => candidate.name === 'marathon')!;
    expect(framework.tasks.filter((task) => task.name === 'web')).toHaveLength(2);
    expect(state.agents.reduce((sum, agent) => sum + agent.usedResources.cpus, 0)).toBeCloseTo(1);
  });

  it('locks an app during a deployment (409) unless forced, then scales', async () => {
    cluster.control.setTaskStartDelay(1500);
    await marathon.scaleApp('/web', 3);
    await expect(marathon.scaleApp('/web', 4)).rejects.toThrow('App is locked by one or more deployments');
    await marathon.scaleApp('/web', 1, { force: true });
    cluster.control.setTaskStartDelay(200);
    await until(
      () => marathon.app('/web'),
      (current) => current.tasksRunning === 1 && current.tasksStaged === 0,
    );
  });

  it('keeps an app that does not fit waiting in the queue', async () => {
    await marathon.createApp({ id: 'huge', cmd: 'sleep 1000', cpus: 8, mem: 64 });
    const queue = await until(
      () => marathon.queue(),
      (entries) => entries.some((entry) => entry.appId === '/huge'),
    );
    expect(queue.find((entry) => entry.appId === '/huge')!.count).toBe(1);
    expect((await marathon.app('/huge')).deployments.length).toBe(1);
    await marathon.deleteApp('/huge');
  });

  it("records a failing app's last task failure", async () => {
    await marathon.createApp({ id: 'broken', cmd: 'exit 1', cpus: 0.1, mem: 16 });
    const app = await until(
      () => marathon.app('/broken'),
      (current) => current.lastTaskFailure !== undefined,
    );
    expect(app.lastTaskFailure).toMatchObject({ state: 'TASK_FAILED', message: 'Command exited with status 1' });
    await marathon.deleteApp('/broken');
  });

  it('runs one Elasticsearch node per agent, so asking for 3 on 2 agents stalls at 2', async () => {
    await marathon.createApp({
      id: 'elasticsearch',
      container: { type: 'DOCKER', docker: { image: 'mesos/elasticsearch-scheduler:1.0.1', network: 'BRIDGE' } },
      args: ['--zookeeperMesosUrl', 'zk://zookeeper:2181/mesos', '--elasticsearchNodes', '3'],
      cpus: 0.2,
      mem: 128,
    });
    const state = await until(
      () => mesos.state(),
      (current) =>
        (current.frameworks.find((framework) => framework.name === 'elasticsearch')?.tasks.filter((task) => task.state === 'TASK_RUNNING')
          .length ?? 0) === 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const es = (await mesos.state()).frameworks.find((framework) => framework.name === 'elasticsearch')!;
    expect(es.tasks).toHaveLength(2);
    expect(new Set(es.tasks.map((task) => task.agentId)).size).toBe(2);
    expect(es.tasks[0]!.discoveryPorts.map((port) => port.name)).toEqual(['CLIENT_PORT', 'TRANSPORT_PORT']);
    // Its web UI's API (31100 when free: test files run side by side), where the Scaling tab reads and sets the count.
    const webui = state.frameworks.find((framework) => framework.name === 'elasticsearch')!.webuiUrl!;
    expect(webui).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${webui}/v1/cluster`)).json()).toMatchObject({ configuration: { ElasticsearchNodes: 3 } });
    expect(await (await fetch(`${webui}/v1/cluster/elasticsearchNodes`)).json()).toEqual({ value: 2 });
    await marathon.deleteApp('/elasticsearch');
  });

  it("reads a task's sandbox stdout and stderr through its agent", async () => {
    const { task, content, path } = await mesos.readSandboxFile('web', 'stdout');
    expect(path).toMatch(/\/slaves\/.+\/frameworks\/.+\/executors\/.+\/runs\/.+\/stdout$/);
    expect(content).toContain(`Starting task ${task.id}`);
    const stderr = await mesos.readSandboxFile('web', 'stderr');
    expect(stderr.content).toContain('Executor registered');
    const listing = await mesos.browseSandbox('web');
    expect(listing.map((entry) => entry.path.split('/').pop()).sort()).toEqual(['stderr', 'stdout']);
    expect(listing.every((entry) => entry.mode === '-rw-r--r--' && entry.size > 0)).toBe(true);
  });
});

describe.skipIf(!testZookeeper())('simulator and a real ZooKeeper', () => {
  it('writes the znodes real Mesos and Marathon write', async () => {
    const connect = await zookeeperChroot('sim');
    const cluster = await startSimulatedCluster({ zookeeper: connect, taskStartDelayMs: 100 });
    const zk = await ZookeeperClient.connect(connect);
    try {
      const { leader } = await zk.mesosMasters('/mesos');
      expect(leader?.pid).toBe(cluster.master.pid);
      expect(await zk.marathonLeader('/marathon')).toBe(new URL(cluster.marathonUrl).host);
      const http = new HttpClient();
      await new MarathonClient(http, cluster.marathonUrl).createApp({ id: 'zk-app', cmd: 'sleep 1', cpus: 0.1, mem: 16 });
      await http.close();
      await until(() => zk.exists('/marathon/state/app:zk-app'), Boolean);
      expect(JSON.parse((await zk.getData('/marathon/state/app:zk-app')).toString())).toMatchObject({ id: '/zk-app', cmd: 'sleep 1' });
    } finally {
      zk.close();
      await cluster.stop();
    }
  });
});
