import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_HANDLER } from '../../src/docker/dind.js';
import { checkClients, runCheck } from '../checks/support.js';
import { until } from '../support/until.js';

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((path) => existsSync(path));

const listening = (server: Server | HttpServer, host = '127.0.0.1') =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

/** What a raw connection to the relay gets back after `line` and an HTTP request. */
function through(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
    socket.write(`${line}\nGET / HTTP/1.0\r\n\r\n`);
    setTimeout(() => socket.destroy(), 2000);
  });
}

/**
 * The relay an attendee's engine runs (the same busybox nc and handler as in the engine container),
 * here on this machine: the bot's clients for a provisioned cluster reach everything but the
 * cluster's published endpoints through it, HTTP and TCP checks alike.
 */
describe.skipIf(!BUSYBOX)("the engine's relay", () => {
  const clients = checkClients();
  let relay: ChildProcess;
  let relayPort: number;
  let page: HttpServer;
  let pagePort: number;
  let greeter: Server;
  let greeterPort: number;
  let closedPort: number;

  beforeAll(async () => {
    // On every loopback address: 127.0.0.1 stands for the published endpoint, 127.0.0.2 for a task.
    page = createHttpServer((_request, response) => response.end('Weave Scope (simulated)'));
    pagePort = await listening(page, '0.0.0.0');
    greeter = createServer((socket) => socket.end('J\0\0\0\x0a5.7.12\0 mysql_native_password\0'));
    greeterPort = await listening(greeter);
    const spare = createServer();
    closedPort = await listening(spare);
    await new Promise((resolve) => spare.close(resolve));
    const probe = createServer();
    relayPort = await listening(probe);
    await new Promise((resolve) => probe.close(resolve));
    relay = spawn(BUSYBOX!, ['nc', '-ll', '-p', String(relayPort), '-e', 'sh', '-c', RELAY_HANDLER], { stdio: 'ignore' });
    await until(async () => (await through(relayPort, `127.0.0.1 ${pagePort}`)).includes('Weave Scope'));
  });
  afterAll(async () => {
    relay?.kill();
    await clients.close();
    await new Promise((resolve) => page?.close(resolve));
    await new Promise((resolve) => greeter?.close(resolve));
  });

  it('takes an IPv4 address and a port, and nothing else (no option, no name)', async () => {
    expect(await through(relayPort, `127.0.0.1 ${pagePort}`)).toContain('Weave Scope');
    expect(await through(relayPort, '-e sh')).toBe('');
    expect(await through(relayPort, `localhost ${pagePort}`)).toBe('');
    expect(await through(relayPort, `127.0.0.1 ${pagePort};id`)).toBe('');
  });

  it("HTTP and TCP checks of a provisioned cluster go through it to what the cluster reports; its endpoints don't", async () => {
    const endpoints = { master: `http://127.0.0.1:${pagePort}`, relay: `127.0.0.1:${relayPort}` };
    const options = { kind: 'provisioned' as const };
    expect(
      await runCheck({ type: 'http', url: `http://127.0.0.2:${pagePort}/`, bodyContains: 'Weave Scope' }, endpoints, clients, options),
    ).toEqual({
      status: 'pass',
      detail: `http://127.0.0.2:${pagePort}/ answered HTTP 200 with "Weave Scope"`,
    });
    expect(
      await runCheck(
        { type: 'tcp', address: `127.0.0.1:${greeterPort}`, greetingContains: 'mysql_native_password' },
        endpoints,
        clients,
        options,
      ),
    ).toMatchObject({ status: 'pass' });
    // Through the relay the connection is made whatever the target: a close before a byte means nothing listened.
    expect(await runCheck({ type: 'tcp', address: `127.0.0.1:${closedPort}` }, endpoints, clients, options)).toEqual({
      status: 'fail',
      detail: `nothing accepts connections at 127.0.0.1:${closedPort}`,
    });
    expect(await runCheck({ type: 'http', url: `http://127.0.0.1:${closedPort}/` }, endpoints, clients, options)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('the connection closed before an answer'),
    });
    expect(await runCheck({ type: 'http', url: `http://agent-1:${pagePort}/` }, endpoints, clients, options)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('is not an IPv4 address and port inside your engine'),
    });

    // With the relay gone, the published endpoints still answer directly; everything else is unreachable.
    const down = { ...endpoints, relay: `127.0.0.1:${closedPort}` };
    expect(await runCheck({ type: 'http', url: '{master}/', bodyContains: 'Weave' }, down, clients, options)).toMatchObject({
      status: 'pass',
    });
    expect(await runCheck({ type: 'http', url: `http://127.0.0.2:${pagePort}/` }, down, clients, options)).toMatchObject({
      status: 'fail',
    });
  });
});
