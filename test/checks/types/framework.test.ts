import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, runCheck, serveRoutes } from '../support.js';

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
});
