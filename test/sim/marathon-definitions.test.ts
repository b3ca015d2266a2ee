import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { haveRealFixtures, readJsonFixture } from '../support/fixtures.js';
import { until } from '../support/until.js';

describe('the simulated Marathon refuses what Marathon refuses, and flattens groups as it does', () => {
  let cluster: SimulatedCluster;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${cluster.marathonUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const appIds = async () => ((await call('GET', '/v2/apps')).body.apps as Array<{ id: string }>).map((app) => app.id).sort();

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
  });
  afterAll(() => cluster?.stop());

  it('answers 422 with each problem for an unknown network mode and numbers written as strings, and installs nothing', async () => {
    const answer = await call('POST', '/v2/apps', {
      id: 'web',
      cpus: '0.5',
      instances: '2',
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'OVERLAY' } },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe('Object is not valid');
    expect((answer.body.details as Array<{ path: string }>).map((detail) => detail.path).sort()).toEqual([
      '/container/docker/network',
      '/cpus',
      '/instances',
    ]);
    expect(await appIds()).toEqual([]);
  });

  it('installs an app with a field Marathon does not know, ignoring the field', async () => {
    expect((await call('POST', '/v2/apps', { id: 'odd', cmd: 'sleep 100', cpus: 0.1, mem: 16, colour: 'red' })).status).toBe(201);
    expect(await appIds()).toEqual(['/odd']);
    await call('DELETE', '/v2/apps/odd');
  });

  it('refuses a group whose app has no id, naming the app by its path', async () => {
    const answer = await call('POST', '/v2/groups', { id: 'shop', apps: [{ id: 'web', cmd: 'serve' }, { cmd: 'no id' }] });
    expect(answer.status).toBe(422);
    expect(answer.body.details).toEqual([
      { path: '/apps/1/id', errors: ['is missing: every app and group needs an "id", e.g. "id": "nginx"'] },
    ]);
    expect(await appIds()).toEqual([]);
  });

  it("a nested group's apps appear in /v2/apps with their full ids and run; deleting the group removes them all", async () => {
    const group = {
      id: 'shop',
      apps: [{ id: 'web', cmd: 'serve', cpus: 0.1, mem: 16 }],
      groups: [
        {
          id: 'back',
          apps: [
            { id: 'db', cmd: 'db', cpus: 0.1, mem: 16 },
            { id: '../cache', cmd: 'cache', cpus: 0.1, mem: 16 },
          ],
        },
      ],
    };
    expect((await call('POST', '/v2/groups', group)).status).toBe(201);
    expect(await appIds()).toEqual(['/shop/back/db', '/shop/cache', '/shop/web']);
    await until(async () => ((await call('GET', '/v2/tasks')).body.tasks as unknown[]).length === 3);
    const tree = (await call('GET', '/v2/groups/shop')).body as {
      apps: Array<{ id: string }>;
      groups: Array<{ id: string; apps: Array<{ id: string }> }>;
    };
    expect(tree.apps.map((app) => app.id).sort()).toEqual(['/shop/cache', '/shop/web']);
    expect(tree.groups.map((child) => [child.id, child.apps.map((app) => app.id)])).toEqual([['/shop/back', ['/shop/back/db']]]);
    expect((await call('POST', '/v2/groups', group)).body.message).toBe('An app with id [/shop/web] already exists.');

    expect((await call('DELETE', '/v2/groups/shop')).status).toBe(200);
    expect(await appIds()).toEqual([]);
    await until(async () => ((await call('GET', '/v2/tasks')).body.tasks as unknown[]).length === 0);
    expect((await call('GET', '/v2/groups/shop')).status).toBe(404);
  });

  it.skipIf(!haveRealFixtures)(
    "minimesos' pingPongGroup: refused for its capitals; lowercased, it installs as Marathon 1.3.5 reads it (two empty subgroups)",
    async () => {
      const group = readJsonFixture<{ id: string }>('marathon/apps/minimesos/test-group-pingPongGroup.json');
      const refused = await call('POST', '/v2/groups', group);
      expect(refused.status).toBe(422);
      expect((refused.body.details as Array<{ path: string }>)[0]!.path).toBe('/id');
      expect((await call('POST', '/v2/groups', { ...group, id: 'pingpong' })).status).toBe(201);
      expect(await appIds()).toEqual([]);
      expect((await call('GET', '/v2/groups/pingpong')).body).toMatchObject({
        id: '/pingpong',
        apps: [],
        groups: [{ id: '/pingpong/ping' }, { id: '/pingpong/pong' }],
      });
      await call('DELETE', '/v2/groups/pingpong');
    },
  );
});
