import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, runCheck, serveRoutes } from '../support.js';

const spec = (changes: { clusterName?: string | null; mapAgentSandboxVolume?: boolean } = {}) => ({
  clusterName: 'ada',
  mesosVersion: '1.0.0',
  mapAgentSandboxVolume: true,
  agents: 1,
  ...changes,
});

describe('check type: cluster (up, and its minimesosFile settings)', () => {
  const clients = checkClients();
  let named: SimulatedCluster;
  let unnamed: SimulatedCluster;
  beforeAll(async () => {
    [named, unnamed] = await Promise.all([startSimulatedCluster({ clusterName: 'ada' }), startSimulatedCluster({})]);
  });
  afterAll(async () => {
    await clients.close();
    await Promise.all([named?.stop(), unnamed?.stop()]);
  });

  it('passes for a running cluster whose master leads an agent', async () => {
    expect(await runCheck({ type: 'cluster' }, { master: named.masterUrl }, clients)).toMatchObject({
      status: 'pass',
      detail: 'Mesos 1.0.0 with 1 agent',
    });
  });

  it('nameChanged reads the name from the master: passes for "ada", fails for a cluster nobody named', async () => {
    expect(await runCheck({ type: 'cluster', nameChanged: true }, { master: named.masterUrl }, clients)).toMatchObject({
      status: 'pass',
      detail: 'Mesos 1.0.0 with 1 agent, named "ada"',
    });
    expect(await runCheck({ type: 'cluster', nameChanged: true }, { master: unnamed.masterUrl }, clients)).toMatchObject({
      status: 'fail',
      detail: 'the cluster is still called nothing: the default, not a name you chose',
    });
    // The bot built it from a minimesosFile that kept `minimesos init`'s placeholder.
    const placeholder = spec({ clusterName: 'Change Cluster Name in minimesosFile file' });
    expect(
      await runCheck({ type: 'cluster', nameChanged: true }, { master: unnamed.masterUrl }, clients, { spec: placeholder }),
    ).toMatchObject({
      status: 'fail',
    });
  });

  it('mapAgentSandboxVolume comes from the spec the bot built with; an attached cluster cannot tell', async () => {
    const check = { type: 'cluster', mapAgentSandboxVolume: true };
    expect(await runCheck(check, { master: named.masterUrl }, clients, { spec: spec() })).toMatchObject({ status: 'pass' });
    expect(await runCheck(check, { master: named.masterUrl }, clients, { spec: spec({ mapAgentSandboxVolume: false }) })).toMatchObject({
      status: 'fail',
      detail: 'it was built with mapAgentSandboxVolume = false',
    });
    expect(await runCheck(check, { master: named.masterUrl }, clients)).toMatchObject({
      status: 'error',
      detail: expect.stringContaining("I can't see the minimesosFile of a cluster you attached"),
    });
  });

  it('fails while no agent has registered', async () => {
    const master = await serveRoutes({ '/state': { version: '1.0.0', leader: 'master@127.0.0.1:5050', slaves: [], frameworks: [] } });
    expect(await runCheck({ type: 'cluster' }, { master: master.url }, clients)).toMatchObject({
      status: 'fail',
      detail: 'the master runs but no agent has registered with it',
    });
    await master.stop();
  });

  it.skipIf(!haveRealFixtures)(
    `real captures: DataDog's master is named, the 0.19 one is not (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const datadog = await serveRoutes({ '/state': readJsonFixture('mesos-state/datadog-master-state.json') });
      const old = await serveRoutes({ '/state.json': readJsonFixture('mesos-state/mesos-cli-master_state-0.19.0.json') });
      expect(await runCheck({ type: 'cluster', nameChanged: true }, { master: datadog.url }, clients)).toMatchObject({
        status: 'pass',
        detail: expect.stringContaining('named "datadog-test"'),
      });
      expect(await runCheck({ type: 'cluster', nameChanged: true }, { master: old.url }, clients)).toMatchObject({ status: 'fail' });
      await Promise.all([datadog.stop(), old.stop()]);
    },
  );
});
