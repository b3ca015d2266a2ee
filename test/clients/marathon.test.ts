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
