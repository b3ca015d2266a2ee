import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, runCheck, serveRoutes } from '../support.js';

describe('check type: marathon-app-absent', () => {
  const clients = checkClients();
  const http = new HttpClient();
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
  });
  afterAll(async () => {
    await Promise.all([clients.close(), http.close()]);
    await cluster?.stop();
  });

  it('passes while no such app exists, fails once it does, passes again once it is destroyed', async () => {
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    expect(await runCheck({ type: 'marathon-app-absent', image: 'nginx' }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: 'Marathon has no app with image nginx any more',
    });
    await marathon.createApp({ id: 'nginx', cpus: 0.1, mem: 32, container: { type: 'MESOS', docker: { image: 'nginx' } } });
    expect(await runCheck({ type: 'marathon-app-absent', id: 'nginx' }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^Marathon still has \/nginx \(image nginx\): 1 instance/),
    });
    await marathon.deleteApp('nginx');
    expect(await runCheck({ type: 'marathon-app-absent', id: 'nginx' }, endpoints, clients)).toMatchObject({ status: 'pass' });
  });

  it.skipIf(!haveRealFixtures)(`a real capture: marathon-lb's apps (${haveRealFixtures ? 'shared' : fixturesNote})`, async () => {
    const marathon = await serveRoutes({ '/v2/apps': readJsonFixture('marathon/responses/marathon-lb-zdd_apps.json') });
    const endpoints = { master: 'http://127.0.0.1:1', marathon: marathon.url };
    expect(await runCheck({ type: 'marathon-app-absent', id: 'nginx-blue' }, endpoints, clients)).toMatchObject({ status: 'fail' });
    expect(await runCheck({ type: 'marathon-app-absent', id: 'nginx-red' }, endpoints, clients)).toMatchObject({ status: 'pass' });
    await marathon.stop();
  });
});
