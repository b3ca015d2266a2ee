import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/local/free-port.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { checkClients, installApps, runCheck } from '../support.js';

describe('check type: tcp (a port answers, optionally with a greeting)', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  let greeter: Server;
  let greeterPort = 0;
  const received: string[] = [];
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    await installApps(cluster, [{ id: 'mysql', cpus: 0.5, mem: 128, container: { type: 'MESOS', docker: { image: 'mysql:5.7.12' } } }]);
    greeter = createServer((socket) => {
      socket.on('data', (data) => received.push(data.toString()));
      socket.write('SSH-2.0-OpenSSH_7.4\r\n');
    });
    await new Promise<void>((resolve) => greeter.listen(0, '127.0.0.1', resolve));
    greeterPort = (greeter.address() as { port: number }).port;
  });
  afterAll(async () => {
    await Promise.all([clients.close(), new Promise((resolve) => greeter?.close(resolve))]);
    await cluster?.stop();
  });

  it('MySQL of a simulated cluster greets on 3306 of its agent with its version and auth plugin', async () => {
    const endpoints = { master: cluster.masterUrl };
    const agent = new URL(cluster.agentUrls[0]!).hostname;
    expect(
      await runCheck({ type: 'tcp', address: '{image:mysql:3306}', greetingContains: 'mysql_native_password' }, endpoints, clients),
    ).toMatchObject({
      status: 'pass',
      // Its version and plugin, not the random scramble between them (garbage that breaks Slack's markup).
      detail: `${agent}:3306 answers: 5.7.12 … mysql_native_password`,
    });
    expect(await runCheck({ type: 'tcp', address: '{task:mysql:3306}' }, endpoints, clients)).toEqual({
      status: 'pass',
      detail: `${agent}:3306 accepts connections`,
    });
  });

  it('a server with another greeting fails the greeting, and the check sends it nothing', async () => {
    const endpoints = { master: cluster.masterUrl };
    expect(
      await runCheck({ type: 'tcp', address: `127.0.0.1:${greeterPort}`, greetingContains: 'mysql_native_password' }, endpoints, clients),
    ).toEqual({
      status: 'fail',
      detail: `127.0.0.1:${greeterPort} answers, but its greeting has no "mysql_native_password" (SSH-2.0-OpenSSH_7.4)`,
    });
    expect(received).toEqual([]);
  });

  it('nothing listening fails with the reason', async () => {
    const port = await freePort();
    expect(await runCheck({ type: 'tcp', address: `127.0.0.1:${port}` }, { master: cluster.masterUrl }, clients)).toEqual({
      status: 'fail',
      detail: `nothing accepts connections at 127.0.0.1:${port}`,
    });
  });
});
