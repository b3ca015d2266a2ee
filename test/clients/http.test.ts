import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, parseAllowList } from '../../src/clients/address-policy.js';
import { ConnectGuard, type LookupAll } from '../../src/clients/connect-guard.js';
import { EndpointError, HttpClient, MAX_BODY_BYTES } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { type HttpStub, startHttpStub } from '../support/http-stub.js';
import { until } from '../support/until.js';

const SECRET = 'iam-role-credentials-0123456789';
const allowing = (list: string) => new AddressPolicy(parseAllowList(list));

describe('HTTP to cluster endpoints', () => {
  const http = new HttpClient({ connectMs: 500, headersMs: 1000, bodyMs: 1000, totalMs: 3000 });
  const stubs: HttpStub[] = [];
  let elsewhere: HttpStub;
  let redirecting: HttpStub;
  let failing: HttpStub;

  beforeAll(async () => {
    elsewhere = await startHttpStub(() => ({ status: 200, body: JSON.stringify({ secret: SECRET }) }), '127.0.0.2');
    redirecting = await startHttpStub(() => ({ status: 307, body: '', headers: { location: `${elsewhere.url}/latest/meta-data` } }));
    failing = await startHttpStub(() => ({ status: 500, body: `<html><pre>${SECRET}</pre></html>` }));
    stubs.push(elsewhere, redirecting, failing);
  });
  afterAll(async () => {
    await http.close();
    await Promise.all(stubs.map((stub) => stub.close()));
  });

  it('never follows a redirect: the caller gets the 307 and decides', async () => {
    const response = await http.request(`${redirecting.url}/state`);
    expect(response.status).toBe(307);
    expect(elsewhere.hits).toEqual([]);
  });

  it('an HTTP error names the status, never what the endpoint answered (that stays on the error, for the log)', async () => {
    const error = (await http.json(`${failing.url}/state`).catch((caught: unknown) => caught)) as EndpointError;
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.message).toBe(`${failing.url}/state answered HTTP 500.`);
    expect(error.hint).not.toContain(SECRET);
    expect(error.body).toContain(SECRET);
  });
});

describe('an endpoint that answers forever, or too much', () => {
  const http = new HttpClient({ connectMs: 500, headersMs: 1000, bodyMs: 1000, totalMs: 2000 });
  const servers: Server[] = [];
  const serve = async (handler: (response: ServerResponse) => void): Promise<string> => {
    const server = createServer((_request, response) => handler(response));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterAll(async () => {
    await http.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('gives up on a body that drips in just under the idle timeout, at the total deadline', async () => {
    const url = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => response.write(' '), 500);
      response.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const error = (await http.request(`${url}/state`).catch((caught: unknown) => caught)) as EndpointError;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not finish answering within 2 s');
  });

  it('refuses a body larger than any cluster endpoint sends, without keeping it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const url = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const more = () => {
        while (sent < 64 && response.write(chunk)) sent++;
        if (sent < 64) response.once('drain', more);
        else response.end();
      };
      more();
    });
    const error = (await http.request(`${url}/state`).catch((caught: unknown) => caught)) as EndpointError;
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain(`answered more than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  });
});

describe("Marathon's errors in replies", () => {
  const http = new HttpClient({ connectMs: 500, headersMs: 1000, bodyMs: 1000, totalMs: 3000 });
  const stubs: HttpStub[] = [];
  const marathonAnswering = async (status: number, body: string) => {
    const stub = await startHttpStub(() => ({ status, body }));
    stubs.push(stub);
    return new MarathonClient(http, stub.url);
  };
  afterAll(async () => {
    await http.close();
    await Promise.all(stubs.map((stub) => stub.close()));
  });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('should have failed'),
      (error: unknown) => error as EndpointError,
    );

  it("repeats Marathon's own error message and details", async () => {
    const marathon = await marathonAnswering(
      422,
      JSON.stringify({ message: 'Object is not valid', details: [{ path: '/cpus', errors: ['error.min'] }] }),
    );
    expect((await failure(marathon.createApp({ id: 'x' }))).message).toBe(
      'Marathon refused the definition: Object is not valid\n• /cpus: error.min',
    );
  });

  it.each([
    ['an HTML error page', `<html>${SECRET}</html>`],
    ['JSON that is not a Marathon error', JSON.stringify({ error: SECRET })],
    ['a message that is not text', JSON.stringify({ message: { text: SECRET } })],
    ['details that are not Marathon details', JSON.stringify({ message: 'bad', details: [{ path: '/id', errors: [{ SECRET }] }] })],
  ])('says only the status when the body is %s', async (_kind, body) => {
    const marathon = await marathonAnswering(502, body);
    const error = await failure(marathon.apps());
    expect(error.message).toBe(`Marathon answered HTTP 502.`);
    expect(error.body).toBe(body);
  });

  it("cuts Marathon's message when it is longer than any Marathon writes", async () => {
    const marathon = await marathonAnswering(404, JSON.stringify({ message: `App '/x' does not exist ${'x'.repeat(5000)}` }));
    const error = await failure(marathon.app('x'));
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toMatch(/^Marathon: App '\/x' does not exist x+…$/);
  });

  it('a success that is not JSON is an error that names the endpoint, not a parser message quoting the body', async () => {
    const marathon = await marathonAnswering(200, `<html>${SECRET}</html>`);
    const error = await failure(marathon.info());
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.kind).toBe('invalid-json');
    expect(error.message).not.toContain(SECRET);
  });
});

/** The guard decides on every connection, and the connection goes to the address it decided on. */
describe('connections to attached clusters (DNS rebinding)', () => {
  const stubs: HttpStub[] = [];
  let allowed: HttpStub;
  let refused: HttpStub;
  beforeAll(async () => {
    allowed = await startHttpStub(() => ({ status: 200, body: '{"ok": true}' }), '127.0.0.1');
    refused = await startHttpStub(() => ({ status: 200, body: JSON.stringify({ secret: SECRET }) }), '127.0.0.2');
    stubs.push(allowed, refused);
  });
  afterAll(async () => {
    await Promise.all(stubs.map((stub) => stub.close()));
  });

  /** A resolver whose answers change from one lookup to the next, like an attacker's DNS server with TTL 0. */
  function rebinding(...answers: string[][]): LookupAll & { calls: number } {
    const lookup = Object.assign(
      async () => {
        const answer = answers[Math.min(lookup.calls, answers.length - 1)]!;
        lookup.calls += 1;
        return answer.map((address) => ({ address }));
      },
      { calls: 0 },
    );
    return lookup;
  }

  it('connects to the address it checked, not to a second lookup of the name', async () => {
    const lookup = rebinding(['127.0.0.1']);
    const http = new HttpClient(undefined, { guard: new ConnectGuard(allowing('127.0.0.1/32'), { lookup }) });
    // `.test` never resolves in real DNS: an answer proves the connection used the checked address.
    const response = await http.request(`http://cluster.test:${allowed.port}/state`);
    await http.close();
    expect(response.status).toBe(200);
    expect(lookup.calls).toBe(1);
    expect(allowed.hits).toContain('/state');
  });

  it('a name that passed the check at attach time cannot reach a refused address at connect time', async () => {
    const lookup = rebinding(['127.0.0.1'], ['127.0.0.2']);
    const guard = new ConnectGuard(allowing('127.0.0.1/32'), { lookup });
    expect(await guard.check('rebind.test', refused.port, { fresh: true })).toEqual(['127.0.0.1']);
    const http = new HttpClient(undefined, { guard });
    const error = (await http
      .request(`http://rebind.test:${refused.port}/latest/meta-data`)
      .catch((caught: unknown) => caught)) as EndpointError;
    await http.close();
    expect(error).toBeInstanceOf(EndpointError);
    expect(error.kind).toBe('refused');
    expect(error.message).toContain("I won't connect to http://rebind.test:");
    expect(error.message).not.toContain('127.0.0.2');
    expect(refused.hits).toEqual([]);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const http = new HttpClient(undefined, {
      guard: new ConnectGuard(allowing('127.0.0.1/32'), { lookup: rebinding(['127.0.0.1', '169.254.169.254']) }),
    });
    const error = (await http.request(`http://both.test:${allowed.port}/`).catch((caught: unknown) => caught)) as EndpointError;
    await http.close();
    expect(error.kind).toBe('refused');
  });

  it('checks IP literals too: a refused one is never connected to', async () => {
    const http = new HttpClient(undefined, { guard: new ConnectGuard(allowing('127.0.0.1/32')) });
    const error = (await http.request(`${refused.url}/`).catch((caught: unknown) => caught)) as EndpointError;
    await http.close();
    expect(error.kind).toBe('refused');
    expect(error.message).toBe(`I won't connect to ${refused.url}/: 127.0.0.2 is a loopback address.`);
    expect(refused.hits).toEqual([]);
  });
});

describe('pools of clusters that are gone', () => {
  const idle = { connectMs: 500, headersMs: 1000, bodyMs: 1000, totalMs: 3000 };

  it("closes an origin's pool once it has been idle, so destroyed clusters leave nothing behind", async () => {
    // Idle time far longer than the three calls take, even on a loaded machine.
    const http = new HttpClient(idle, { poolIdleMs: 2000 });
    const clusters = await Promise.all([1, 2, 3].map(() => startHttpStub(() => ({ status: 200, body: '{}' }))));
    try {
      for (const cluster of clusters) await http.json(`${cluster.url}/state`);
      expect(http.origins().sort()).toEqual(clusters.map((cluster) => cluster.url).sort());
      await Promise.all(clusters.map((cluster) => cluster.close()));
      await until(async () => http.origins().length === 0, 10_000, 50);
      // A cluster rebuilt at an address used before is reached as if new.
      const rebuilt = await startHttpStub(() => ({ status: 200, body: '{"again":true}' }));
      clusters.push(rebuilt);
      expect(await http.json(`${rebuilt.url}/state`)).toEqual({ again: true });
    } finally {
      await http.close();
      await Promise.all(clusters.map((cluster) => cluster.close().catch(() => undefined)));
    }
  });
});
