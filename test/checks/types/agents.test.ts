import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, runCheck, serveRoutes } from '../support.js';

describe('check type: agents', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 2 });
  });
  afterAll(async () => {
    await clients.close();
    await cluster?.stop();
  });

  it('counts the active agents of a simulated cluster: exactly, or with a bound', async () => {
    const endpoints = { master: cluster.masterUrl };
    expect(await runCheck({ type: 'agents', count: 2 }, endpoints, clients)).toEqual({ status: 'pass', detail: '2 active agents' });
    expect(await runCheck({ type: 'agents', count: { atLeast: 5 } }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: '2 active agents; this step needs at least 5',
    });
    expect(await runCheck({ type: 'agents', count: { atMost: 1 } }, endpoints, clients)).toMatchObject({ status: 'fail' });
  });

  it('an agent being drained (Mesos 1.9+: still connected, deactivated) is not counted: no task can start there', async () => {
    const master = await serveRoutes({
      '/state': {
        slaves: [
          { id: 'a1', active: true },
          { id: 'a2', active: true },
          { id: 'a3', active: true, deactivated: true, drain_info: { state: 'DRAINING' } },
        ],
      },
    });
    expect(await runCheck({ type: 'agents', count: 3 }, { master: master.url }, clients)).toEqual({
      status: 'fail',
      detail: '2 active agents; this step needs 3',
    });
    await master.stop();
  });

  it.skipIf(!haveRealFixtures)(
    `a real capture: the minimesos 0.22.1 state has 3 agents (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const master = await serveRoutes({ '/state': readJsonFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json') });
      expect(await runCheck({ type: 'agents', count: 3 }, { master: master.url }, clients)).toMatchObject({ status: 'pass' });
      expect(await runCheck({ type: 'agents', count: 5 }, { master: master.url }, clients)).toMatchObject({ status: 'fail' });
      await master.stop();
    },
  );
});
