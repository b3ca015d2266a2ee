import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { until } from '../../support/until.js';
import { checkClients, installApps, runCheck, serveRoutes } from '../support.js';

describe('check type: framework', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1 });
  });
  afterAll(async () => {
    await clients.close();
    await cluster?.stop();
  });

  it('Marathon is a registered, active framework of a simulated cluster; Chronos is not', async () => {
    const endpoints = { master: cluster.masterUrl };
    expect(await runCheck({ type: 'framework', name: 'marathon' }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: 'framework marathon is registered and active',
    });
    expect(await runCheck({ type: 'framework', name: 'chronos' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: 'no active framework "chronos" is registered (frameworks: marathon)',
    });
  });

  it.skipIf(!haveRealFixtures)(
    `a real capture, elasticsearch with 3 nodes on 3 agents: counts its tasks in a state, and sees one on every agent (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const master = await serveRoutes({ '/state': readJsonFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json') });
      const endpoints = { master: master.url };
      expect(
        await runCheck({ type: 'framework', name: 'elasticsearch', tasks: { count: 3, onePerAgent: true } }, endpoints, clients),
      ).toEqual({
        status: 'pass',
        detail: 'elasticsearch has 3 running tasks: one on each of the 3 agents',
      });
      expect(await runCheck({ type: 'framework', name: 'elasticsearch', tasks: { count: 5 } }, endpoints, clients)).toEqual({
        status: 'fail',
        detail: 'elasticsearch has 3 running tasks (all: 3 running); this step needs 5',
      });
      expect(
        await runCheck(
          { type: 'framework', name: 'elasticsearch', tasks: { state: 'TASK_STAGING', count: { atLeast: 1 } } },
          endpoints,
          clients,
        ),
      ).toMatchObject({ status: 'fail' });
      await master.stop();
    },
  );

  it('an agent running two nodes, or none, fails onePerAgent', async () => {
    const task = (id: string, agent: string) => ({
      id,
      name: 'elasticsearch-executor',
      state: 'TASK_RUNNING',
      slave_id: agent,
      resources: {},
    });
    const master = await serveRoutes({
      '/state': {
        slaves: [
          { id: 'S0', pid: 'slave(1)@10.0.0.1:5051', active: true, resources: { cpus: 2 } },
          { id: 'S1', pid: 'slave(1)@10.0.0.2:5051', active: true, resources: { cpus: 2 } },
        ],
        frameworks: [{ id: 'F', name: 'elasticsearch', active: true, tasks: [task('a', 'S0'), task('b', 'S0')] }],
      },
    });
    expect(
      await runCheck({ type: 'framework', name: 'elasticsearch', tasks: { onePerAgent: true } }, { master: master.url }, clients),
    ).toEqual({
      status: 'fail',
      detail: 'elasticsearch has 2 running tasks on 2 agents; 2 agents do not run exactly one',
    });
    await master.stop();
  });

  it('askedPastAgents: one node on one agent passes only once the scheduler asks for more nodes than there are agents', async () => {
    const scheduler = (nodes: number) => ({
      id: 'elasticsearch',
      cpus: 0.2,
      mem: 512,
      container: { type: 'DOCKER', docker: { image: 'mesos/elasticsearch-scheduler:1.0.1', network: 'BRIDGE' } },
      args: ['--zookeeperMesosUrl', 'zk://127.0.0.1:2181/mesos', '--elasticsearchNodes', String(nodes)],
    });
    const check = {
      type: 'framework',
      name: 'elasticsearch',
      tasks: { onePerAgent: true, askedPastAgents: { app: 'elasticsearch', arg: '--elasticsearchNodes' } },
    };
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    await installApps(cluster, [scheduler(1)]);
    const http = new HttpClient();
    const nodes = async () =>
      (await runCheck({ type: 'framework', name: 'elasticsearch', tasks: { count: 1 } }, endpoints, clients)).status === 'pass';
    await until(nodes);
    // One node on the one agent: what the old check took for "scaled past the agents".
    expect(await runCheck(check, endpoints, clients)).toEqual({
      status: 'fail',
      detail: "elasticsearch has 1 running task; /elasticsearch's --elasticsearchNodes asks for 1 with 1 agent: ask for more than 1",
    });

    await new MarathonClient(http, cluster.marathonUrl).updateApp('elasticsearch', scheduler(3), { force: true });
    await until(async () => (await runCheck(check, endpoints, clients)).status === 'pass');
    // The framework was asked for 3 and still runs one: the other two are never launched.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await runCheck(check, endpoints, clients)).toEqual({
      status: 'pass',
      detail:
        "elasticsearch has 1 running task: one on each of the 1 agents (/elasticsearch's --elasticsearchNodes asks for 3: the other 2 cannot be placed)",
    });
    // A framework setting its web UI does not serve: the app's args count, as before.
    const unserved = { path: '/v1/no-such-setting', json: '$.configuration.ElasticsearchNodes' };
    const withSetting = { ...check, tasks: { ...check.tasks, askedPastAgents: { ...check.tasks.askedPastAgents, setting: unserved } } };
    expect((await runCheck(withSetting, endpoints, clients)).detail).toContain("(/elasticsearch's --elasticsearchNodes asks for 3");
    await http.close();
  });
});
