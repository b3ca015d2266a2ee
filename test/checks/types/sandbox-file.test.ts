import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { fixturesNote, haveRealFixtures, readFixture, readJsonFixture } from '../../support/fixtures.js';
import { checkClients, installApps, runCheck, serveRoutes } from '../support.js';

describe('check type: sandbox-file (read through the task’s agent)', () => {
  const clients = checkClients();
  let cluster: SimulatedCluster;
  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50 });
    await installApps(cluster, [
      {
        id: 'weave-scope',
        cpus: 0.1,
        mem: 32,
        container: { type: 'DOCKER', docker: { image: 'weaveworks/scope:0.13.1' } },
      },
    ]);
  });
  afterAll(async () => {
    await clients.close();
    await cluster?.stop();
  });

  it("a simulated task's stdout exists and contains what the executor wrote; a task that never ran has none", async () => {
    const endpoints = { master: cluster.masterUrl, agents: cluster.agentUrls };
    expect(await runCheck({ type: 'sandbox-file', name: 'weave-scope' }, endpoints, clients)).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^weave-scope's sandbox has stdout \(\d+ bytes\)$/),
    });
    expect(
      await runCheck(
        { type: 'sandbox-file', image: 'weaveworks/scope', file: 'stderr', contains: 'Executor registered' },
        endpoints,
        clients,
      ),
    ).toMatchObject({
      status: 'pass',
    });
    expect(await runCheck({ type: 'sandbox-file', name: 'weave-scope', contains: 'Elasticsearch started' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: `weave-scope's stdout does not contain "Elasticsearch started"`,
    });
    expect(await runCheck({ type: 'sandbox-file', name: 'kibana' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: 'no task of kibana has run, so it has no sandbox',
    });
  });

  it.skipIf(!haveRealFixtures)(
    `real captures: Mesos 0.19's master, agent and a sandbox stdout (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const agentState = readJsonFixture<{ frameworks: Array<{ executors: Array<{ id: string; directory: string }> }> }>(
        'mesos-state/mesos-cli-agent_state-0.19.0.json',
      );
      const directory = agentState.frameworks[0]!.executors.find((executor) => executor.id.startsWith('app-215'))!.directory;
      const stdout = readFixture('misc/sandbox/mesos-cli-sandbox-stdout');
      const master = await serveRoutes({ '/state': readJsonFixture('mesos-state/mesos-cli-master_state-0.19.0.json') });
      const agent = await serveRoutes({
        '/state': agentState,
        '/files/browse': () => ({ status: 200, body: [{ path: `${directory}/stdout`, size: stdout.length, mode: '-rw-r--r--' }] }),
        '/files/read': (request: IncomingMessage) => {
          const query = new URL(request.url!, 'http://agent').searchParams;
          if (query.get('path') !== `${directory}/stdout`) return { status: 404, body: 'no such file' };
          const offset = Number(query.get('offset'));
          if (offset === -1) return { status: 200, body: { data: '', offset: stdout.length } };
          return { status: 200, body: { data: stdout.slice(offset, offset + Number(query.get('length'))), offset } };
        },
      });
      const endpoints = { master: master.url, agents: [agent.url] };
      expect(await runCheck({ type: 'sandbox-file', name: 'app-215', contains: 'Forked command' }, endpoints, clients)).toMatchObject({
        status: 'pass',
      });
      expect(await runCheck({ type: 'sandbox-file', name: 'app-215', file: 'stderr' }, endpoints, clients)).toMatchObject({
        status: 'fail',
        detail: "app-215.3e6a099c-fcba-11e3-8b67-b6f6cc110ef2's sandbox has no stderr (it has stdout)",
      });
      await Promise.all([master.stop(), agent.stop()]);
    },
  );
});
