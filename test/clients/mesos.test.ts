import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointError, HttpClient } from '../../src/clients/http.js';
import { MesosClient } from '../../src/clients/mesos.js';
import { freePort } from '../../src/local/free-port.js';
import { haveRealFixtures, readFixture } from '../support/fixtures.js';

/** Real HTTP servers on loopback: an old master (only .json names), a non-leader that redirects, a broken one. */
function serve(
  handler: (path: string) => { status: number; body: string; headers?: Record<string, string> } | 'hang',
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const answer = handler(req.url ?? '/');
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

describe.skipIf(!haveRealFixtures)('Mesos client over HTTP', () => {
  const http = new HttpClient({ connectMs: 500, headersMs: 800, bodyMs: 800 });
  const servers: Server[] = [];
  let oldMaster: string;
  let follower: string;
  let broken: string;
  let silent: string;

  beforeAll(async () => {
    const state = readFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json');
    const leader = await serve((path) => (path === '/state.json' ? { status: 200, body: state } : { status: 404, body: '' }));
    oldMaster = leader.url;
    const redirecting = await serve(() => ({ status: 307, body: '', headers: { location: `//${new URL(leader.url).host}/state.json` } }));
    follower = redirecting.url;
    const garbage = await serve(() => ({ status: 200, body: '<html>not json</html>' }));
    broken = garbage.url;
    const hanging = await serve(() => 'hang');
    silent = hanging.url;
    servers.push(leader.server, redirecting.server, garbage.server, hanging.server);
  });
  afterAll(async () => {
    await http.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('falls back from /state to /state.json on an old master', async () => {
    const state = await new MesosClient(http, { masterUrl: oldMaster }).state();
    expect(state.frameworks.map((framework) => framework.name)).toContain('elasticsearch');
  });

  it("follows a non-leading master's redirect to the leader", async () => {
    const state = await new MesosClient(http, { masterUrl: follower }).state();
    expect(state.version).toBe('0.22.1');
  });

  it('names the endpoint and the problem when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await new MesosClient(http, { masterUrl: url }).state().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).kind).toBe('unreachable');
    expect((error as EndpointError).message).toBe(`I can't reach ${url}/state: nothing is listening there.`);
  });

  it('gives up on a master that never answers, within the timeout', async () => {
    const started = Date.now();
    const error = (await new MesosClient(http, { masterUrl: silent }).state().catch((caught: unknown) => caught)) as EndpointError;
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('says so when the answer is not JSON', async () => {
    const error = (await new MesosClient(http, { masterUrl: broken }).state().catch((caught: unknown) => caught)) as EndpointError;
    expect(error.kind).toBe('invalid-json');
    expect(error.message).toContain('did not answer with JSON');
  });
});
