import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { until } from '../../support/until.js';
import { checkClients, runCheck, serveRoutes } from '../support.js';

describe('check type: marathon-app (by id or image)', () => {
  const clients = checkClients();
  const http = new HttpClient();
  let cluster: SimulatedCluster;
  let marathon: MarathonClient;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    marathon = new MarathonClient(http, cluster.marathonUrl);
    await marathon.createApp({ id: 'nginx', cpus: 0.1, mem: 32, instances: 2, container: { type: 'MESOS', docker: { image: 'nginx' } } });
    await until(async () => (await marathon.apps())[0]?.deployments.length === 0);
  });
  afterAll(async () => {
    await Promise.all([clients.close(), http.close()]);
    await cluster?.stop();
  });

  it('instances and running tasks, by id (with or without the slash) or image', async () => {
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    expect(await runCheck({ type: 'marathon-app', id: 'nginx', instances: 2 }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: '/nginx (image nginx): 2 instances, 2 running',
    });
    expect(await runCheck({ type: 'marathon-app', id: '/nginx', running: { atLeast: 1 } }, endpoints, clients)).toMatchObject({
      status: 'pass',
    });
    expect(await runCheck({ type: 'marathon-app', image: 'nginx', instances: 3 }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: '/nginx (image nginx): 2 instances, 2 running; this step needs 3 instances and 3 running',
    });
    expect(await runCheck({ type: 'marathon-app', id: 'mysql' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: 'Marathon has no app /mysql (its apps: /nginx with image nginx)',
    });
    expect(await runCheck({ type: 'marathon-app', id: 'nginx', healthy: true }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('it has no health checks, so Marathon cannot call it healthy'),
    });
  });

  it('a deployment still in progress fails unless deploymentDone: false', async () => {
    cluster.control.setTaskStartDelay(5000);
    await marathon.scaleApp('nginx', 4);
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    expect(await runCheck({ type: 'marathon-app', id: 'nginx', instances: 4, running: { atLeast: 1 } }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('wait for its deployment to finish'),
    });
    expect(
      await runCheck(
        { type: 'marathon-app', id: 'nginx', instances: 4, running: { atLeast: 1 }, deploymentDone: false },
        endpoints,
        clients,
      ),
    ).toMatchObject({ status: 'pass' });
  });

  it.skipIf(!haveRealFixtures)(
    `real captures from marathon-lb and Marathon's docs (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const zdd = await serveRoutes({ '/v2/apps': readJsonFixture('marathon/responses/marathon-lb-zdd_apps.json') });
      const docs = await serveRoutes({ '/v2/apps': readJsonFixture('marathon/api-docs-v1.3.5/examples/app_list.json') });
      const at = (server: { url: string }) => ({ master: 'http://127.0.0.1:1', marathon: server.url });
      expect(await runCheck({ type: 'marathon-app', id: 'nginx-green', instances: 3, healthy: true }, at(zdd), clients)).toMatchObject({
        status: 'pass',
        detail: '/nginx-green (image brndnmtthws/nginx-echo-sleep): 3 instances, 3 running, 3 healthy',
      });
      // Two apps of one image: one that fits is enough.
      expect(await runCheck({ type: 'marathon-app', image: 'brndnmtthws/nginx-echo-sleep', instances: 1 }, at(zdd), clients)).toMatchObject(
        { status: 'pass' },
      );
      expect(await runCheck({ type: 'marathon-app', id: 'myapp', instances: 3, running: { atLeast: 0 } }, at(docs), clients)).toEqual({
        status: 'fail',
        detail: '/myapp: 3 instances, 0 running, a deployment in progress; wait for its deployment to finish',
      });
      await Promise.all([zdd.stop(), docs.stop()]);
    },
  );
});
