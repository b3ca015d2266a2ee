import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/local/free-port.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, installApps, runCheck, serveRoutes } from '../support.js';

describe('check type: http (templated GET)', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    await installApps(cluster, [{ id: 'nginx', cpus: 0.1, mem: 32, container: { type: 'MESOS', docker: { image: 'nginx' } } }]);
    server = await serveRoutes({
      '/': '<html><title>Mesos</title></html>',
      '/_nodes': { cluster_name: 'mesos-ha', nodes: { a: {}, b: {}, c: {} } },
      '/broken': () => ({ status: 500, body: '<h1>Error establishing a database connection</h1>' }),
    });
  });
  afterAll(async () => {
    await Promise.all([clients.close(), server?.stop()]);
    await cluster?.stop();
  });

  it('status, body text and a JSON count, from a URL templated on the endpoints', async () => {
    const endpoints = { master: server.url };
    expect(await runCheck({ type: 'http', url: '{master}/', bodyContains: 'Mesos' }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: `${server.url}/ answered HTTP 200 with "Mesos"`,
    });
    expect(await runCheck({ type: 'http', url: '{master}/_nodes', json: { path: 'nodes', count: 3 } }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: `${server.url}/_nodes lists 3 under nodes`,
    });
    expect(await runCheck({ type: 'http', url: '{master}/_nodes', json: { path: '$.nodes', count: 5 } }, endpoints, clients)).toMatchObject(
      {
        status: 'fail',
        detail: `${server.url}/_nodes lists 3 under $.nodes; this step needs 5`,
      },
    );
    expect(await runCheck({ type: 'http', url: '{master}/', json: { path: 'nodes', count: 1 } }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('did not answer JSON with nodes'),
    });
    expect(await runCheck({ type: 'http', url: '{master}/broken', bodyLacks: 'Error establishing' }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: `${server.url}/broken answered HTTP 500 with "Error establishing"; this step needs a 2xx without it`,
    });
    expect(
      await runCheck({ type: 'http', url: '{master}/broken', status: 500, bodyLacks: 'Error establishing' }, endpoints, clients),
    ).toMatchObject({
      status: 'fail',
      detail: `${server.url}/broken answered "Error establishing"`,
    });
  });

  it("{image:nginx:80} is the agent's address in a simulated cluster, and what endpoints.apps says in an attendee engine", async () => {
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    const agent = new URL(cluster.agentUrls[0]!).hostname;
    expect(
      await runCheck({ type: 'http', url: 'http://{image:nginx:80}/', bodyContains: 'Welcome to nginx!' }, endpoints, clients),
    ).toMatchObject({
      status: 'pass',
      detail: `http://${agent}:80/ answered HTTP 200 with "Welcome to nginx!"`,
    });
    // dind: the engine publishes the app's port 80 elsewhere.
    const published = new URL(server.url).host;
    expect(
      await runCheck(
        { type: 'http', url: 'http://{task:nginx:80}/', bodyContains: 'Mesos' },
        { ...endpoints, apps: { '80': published } },
        clients,
      ),
    ).toMatchObject({
      status: 'pass',
      detail: `http://${published}/ answered HTTP 200 with "Mesos"`,
    });
  });

  it('fails with the reason when nothing runs or listens there', async () => {
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    expect(await runCheck({ type: 'http', url: 'http://{image:wordpress:80}/' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail:
        'no task of image wordpress is running, so there is nothing to reach. Marathon has no app with image wordpress (its apps: /nginx with image nginx)',
    });
    const port = await freePort();
    expect(await runCheck({ type: 'http', url: `http://127.0.0.1:${port}/` }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: `I can't reach http://127.0.0.1:${port}/: nothing is listening there.`,
    });
  });

  it.skipIf(!haveRealFixtures)(
    `a real capture: the minimesos 0.22.1 master lists 3 agents in its /state (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const master = await serveRoutes({
        '/state.json': readJsonFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json'),
      });
      const endpoints = { master: master.url };
      expect(
        await runCheck({ type: 'http', url: '{master}/state.json', json: { path: 'slaves', count: 3 } }, endpoints, clients),
      ).toMatchObject({
        status: 'pass',
      });
      expect(
        await runCheck({ type: 'http', url: '{master}/state.json', json: { path: 'frameworks[0].tasks', count: 5 } }, endpoints, clients),
      ).toMatchObject({
        status: 'fail',
        detail: `${master.url}/state.json lists 3 under frameworks[0].tasks; this step needs 5`,
      });
      await master.stop();
    },
  );

  it('an unknown placeholder is refused when the exercise loads', async () => {
    await expect(runCheck({ type: 'http', url: 'http://{agent}/' }, { master: server.url }, clients)).rejects.toThrow(
      '{agent} is not a placeholder I know',
    );
  });
});
