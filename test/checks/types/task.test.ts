import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, installApps, runCheck, serveRoutes } from '../support.js';

describe('check type: task (by name or image, in a state)', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    await installApps(cluster, [
      { id: 'web', cpus: 0.1, mem: 32, container: { type: 'DOCKER', docker: { image: 'library/nginx:1.11', network: 'HOST' } } },
      { id: 'broken', cmd: 'exit 1', cpus: 0.1, mem: 32 },
    ]);
  });
  afterAll(async () => {
    await clients.close();
    await cluster?.stop();
  });

  it('finds a running task by Marathon app id and by image (tag and library/ aside)', async () => {
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
    expect(await runCheck({ type: 'task', name: 'web' }, endpoints, clients)).toEqual({ status: 'pass', detail: 'web: 1 task running' });
    expect(await runCheck({ type: 'task', image: 'nginx' }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: 'image nginx: 1 task running',
    });
    expect(await runCheck({ type: 'task', image: 'nginx:1.10' }, endpoints, clients)).toMatchObject({ status: 'fail' });
    expect(await runCheck({ type: 'task', image: 'mysql' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail:
        'image mysql: 0 tasks running; this step needs at least 1. Marathon has no app with image mysql (its apps: /web with image library/nginx:1.11, /broken with no image)',
    });
  });

  it('a finished state is looked for among finished tasks too', async () => {
    const endpoints = { master: cluster.masterUrl };
    expect(await runCheck({ type: 'task', name: 'broken', state: 'TASK_FAILED' }, endpoints, clients)).toMatchObject({ status: 'pass' });
    expect(await runCheck({ type: 'task', name: 'web', state: 'TASK_FAILED' }, endpoints, clients)).toMatchObject({ status: 'fail' });
  });

  it('needs exactly one of name and image', () => {
    return expect(runCheck({ type: 'task', name: 'a', image: 'b' }, { master: cluster.masterUrl }, clients)).rejects.toThrow(
      'give either name or image',
    );
  });

  it.skipIf(!haveRealFixtures)(
    `real captures: tasks of Mesos 0.19 by app id, and by image through Marathon (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      // Masters before 1.0 report no container per task: the image is matched through Marathon's apps.
      const master = await serveRoutes({ '/state': readJsonFixture('mesos-state/mesos-cli-master_state-0.19.0.json') });
      const marathon = await serveRoutes({
        '/v2/apps': {
          apps: [
            {
              id: '/app-215',
              instances: 1,
              container: { docker: { image: 'busybox' } },
              tasks: [{ id: 'app-215.3e6a099c-fcba-11e3-8b67-b6f6cc110ef2' }],
            },
          ],
        },
      });
      const endpoints = { master: master.url, marathon: marathon.url };
      expect(await runCheck({ type: 'task', name: 'app-215' }, endpoints, clients)).toEqual({
        status: 'pass',
        detail: 'app-215: 1 task running',
      });
      expect(await runCheck({ type: 'task', image: 'busybox' }, endpoints, clients)).toMatchObject({ status: 'pass' });
      expect(await runCheck({ type: 'task', name: 'app-999' }, endpoints, clients)).toMatchObject({ status: 'fail' });
      await Promise.all([master.stop(), marathon.stop()]);
    },
  );
});
