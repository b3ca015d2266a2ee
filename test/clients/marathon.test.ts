import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { type HttpStub, startHttpStub } from '../support/http-stub.js';

/** A Marathon 1.4+ launch queue (as the DC/OS UI's captures have it): apps and pods, one with a count that is no count. */
describe('Marathon client: the launch queue', () => {
  const http = new HttpClient();
  let marathon: HttpStub;
  beforeAll(async () => {
    const queue = {
      queue: [
        { app: { id: '/web' }, count: 2, delay: { timeLeftSeconds: 0, overdue: true } },
        { pod: { id: '/podses' }, count: 1, delay: { timeLeftSeconds: 37, overdue: false } },
        { app: { id: '/broken' }, count: 'many', delay: {} },
      ],
    };
    marathon = await startHttpStub((path) =>
      path === '/v2/queue' ? { status: 200, body: JSON.stringify(queue) } : { status: 404, body: '{"message":"not found"}' },
    );
  });
  afterAll(async () => {
    await http.close();
    await marathon.close();
  });

  it('names a queued pod by its id and never counts NaN instances', async () => {
    expect(await new MarathonClient(http, marathon.url).queue()).toEqual([
      { appId: '/web', count: 2, delayed: false },
      { appId: '/podses', count: 1, delayed: true },
      { appId: '/broken', count: 0, delayed: false },
    ]);
  });
});

/** Pods as Marathon 1.4+ reports them in /v2/pods/::status (the shape of the DC/OS UI's captures); Marathon 1.3 has no such path. */
describe('Marathon client: pods', () => {
  const http = new HttpClient();
  const stubs: HttpStub[] = [];
  afterAll(async () => {
    await http.close();
    await Promise.all(stubs.map((stub) => stub.close()));
  });
  const serve = async (answer: { status: number; body: string }) => {
    const stub = await startHttpStub((path) => (path === '/v2/pods/::status' ? answer : { status: 404, body: '' }));
    stubs.push(stub);
    return new MarathonClient(http, stub.url);
  };
  const instance = (status: string) => ({ id: `podses.instance-${status}`, status, agentHostname: '10.0.0.67', containers: [] });

  it("reads each pod: containers and images, instances asked for and running, one instance's cpus and MB", async () => {
    const status = [
      {
        id: '/podses',
        status: 'DEGRADED',
        spec: {
          id: '/podses',
          containers: [
            { name: 'container-1', resources: { cpus: 0.1, mem: 32 }, image: { kind: 'DOCKER', id: 'redis' } },
            { name: 'container-2', resources: { cpus: 0.2, mem: 64 }, exec: { command: { shell: 'sleep 100' } } },
          ],
          scaling: { kind: 'fixed', instances: 3 },
          executorResources: { cpus: 0.1, mem: 32, disk: 10 },
        },
        instances: [instance('STABLE'), instance('DEGRADED'), instance('STAGING')],
      },
    ];
    const [pod] = await (await serve({ status: 200, body: JSON.stringify(status) })).pods();
    expect(pod).toMatchObject({
      id: '/podses',
      status: 'DEGRADED',
      instances: 3,
      running: 2,
      containers: [{ name: 'container-1', image: 'redis' }, { name: 'container-2' }],
      cpus: 0.4,
      mem: 128,
    });
  });

  it('a Marathon without pods (1.3 answers 404) has none; another error is not hidden', async () => {
    expect(await (await serve({ status: 404, body: '<html>Not Found</html>' })).pods()).toEqual([]);
    await expect((await serve({ status: 503, body: '{"message":"Leader unavailable"}' })).pods()).rejects.toThrow('Leader unavailable');
  });
});
