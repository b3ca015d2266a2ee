import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, parseAllowList } from '../../src/clients/address-policy.js';
import { ConnectGuard } from '../../src/clients/connect-guard.js';
import { EndpointError, HttpClient } from '../../src/clients/http.js';
import { MesosClient } from '../../src/clients/mesos.js';
import { UserError } from '../../src/errors.js';
import { freePort } from '../../src/local/free-port.js';
import { haveRealFixtures, readFixture } from '../support/fixtures.js';
import { type HttpStub, startHttpStub } from '../support/http-stub.js';

/** Real HTTP servers on loopback: an old master (only .json names), non-leaders that redirect, a broken one. */

describe.skipIf(!haveRealFixtures)('Mesos client over HTTP', () => {
  const http = new HttpClient({ connectMs: 500, headersMs: 800, bodyMs: 800, totalMs: 3000 });
  const stubs: HttpStub[] = [];
  let oldMaster: string;
  let leader: HttpStub;
  let honeypot: HttpStub;
  let broken: string;
  let silent: string;

  /** A non-leading master: 307 to `location` for everything, except a /state naming `leaderPid` when given. */
  async function follower(location: string, leaderPid?: string): Promise<string> {
    const stub = await startHttpStub((path) =>
      leaderPid && path === '/state'
        ? { status: 200, body: JSON.stringify({ leader: leaderPid }) }
        : { status: 307, body: '', headers: { location } },
    );
    stubs.push(stub);
    return stub.url;
  }

  beforeAll(async () => {
    const state = readFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json');
    const old = await startHttpStub((path) => (path === '/state.json' ? { status: 200, body: state } : { status: 404, body: '' }));
    oldMaster = old.url;
    leader = await startHttpStub((path) =>
      path.startsWith('/master/tasks')
        ? { status: 200, body: JSON.stringify({ tasks: [{ id: 'web.1', name: 'web' }] }) }
        : { status: 404, body: '' },
    );
    // Where a malicious master's Location points: the bot must never ask it anything.
    honeypot = await startHttpStub(() => ({ status: 200, body: JSON.stringify({ tasks: [{ id: 'stolen' }] }) }), '127.0.0.2');
    const garbage = await startHttpStub(() => ({ status: 200, body: '<html>not json</html>' }));
    broken = garbage.url;
    const hanging = await startHttpStub(() => 'hang');
    silent = hanging.url;
    stubs.push(old, leader, honeypot, garbage, hanging);
  });
  afterAll(async () => {
    await http.close();
    await Promise.all(stubs.map((stub) => stub.close()));
  });

  it('falls back from /state to /state.json on an old master', async () => {
    const state = await new MesosClient(http, { masterUrl: oldMaster }).state();
    expect(state.frameworks.map((framework) => framework.name)).toContain('elasticsearch');
  });

  it('asks the leader a non-leading master names in its /state, never the host in its Location header', async () => {
    const master = await follower(`${honeypot.url}/master/tasks`, `master@${leader.host}:${leader.port}`);
    const tasks = await new MesosClient(http, { masterUrl: master }).tasks();
    expect(tasks.map((task) => task.id)).toEqual(['web.1']);
    expect(honeypot.hits).toEqual([]);
  });

  it('asks the leader ZooKeeper names, when the cluster has one', async () => {
    const master = await follower(`${honeypot.url}/master/tasks`);
    const client = new MesosClient(http, { masterUrl: master, leaderFromZookeeper: async () => `${leader.host}:${leader.port}` });
    expect((await client.tasks()).map((task) => task.id)).toEqual(['web.1']);
    expect(honeypot.hits).toEqual([]);
  });

  it('refuses a redirecting master when nothing names the leader', async () => {
    const master = await follower(`${honeypot.url}/state`);
    const error = (await new MesosClient(http, { masterUrl: master }).state().catch((caught: unknown) => caught)) as EndpointError;
    expect(error.message).toBe(`${master} is not the leading Mesos master, and I can't tell which one is.`);
    expect(error.hint).toContain('zookeeper=');
    expect(honeypot.hits).toEqual([]);
  });

  it('asks the leader only through the client for reported addresses, which checks it like any attached address', async () => {
    const master = await follower(`${leader.url}/master/tasks`, `master@127.0.0.2:${leader.port}`);
    const reportedHttp = new HttpClient(undefined, { guard: new ConnectGuard(new AddressPolicy(parseAllowList('127.0.0.1/32'))) });
    const error = (await new MesosClient(http, { masterUrl: master, reportedHttp })
      .tasks()
      .catch((caught: unknown) => caught)) as EndpointError;
    await reportedHttp.close();
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('127.0.0.2 is a loopback address');
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

describe('Mesos client: an agent the master lists without an address', () => {
  it('/cluster logs says the master names no address for the agent, not "something went wrong" (http:// with no host)', async () => {
    const state = {
      slaves: [{ id: 'a1', resources: { cpus: 1 } }],
      frameworks: [{ id: 'f', name: 'marathon', tasks: [{ id: 'web.1', name: 'web', state: 'TASK_RUNNING', slave_id: 'a1' }] }],
    };
    const master = await startHttpStub((path) =>
      path === '/state' ? { status: 200, body: JSON.stringify(state) } : { status: 404, body: '' },
    );
    const http = new HttpClient();
    try {
      const error = await new MesosClient(http, { masterUrl: master.url })
        .readSandboxFile('web', 'stdout')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toContain('names no address for agent a1');
    } finally {
      await http.close();
      await master.close();
    }
  });
});

describe("Mesos client: a task of Mesos' default executor (1.1+: pods, SDK frameworks' task groups)", () => {
  it("/cluster logs reads the task's own sandbox under the executor's (tasks/<task id>), not the executor's log", async () => {
    // The shape of a dcos-commons hello-world pod (dcos-net's Mesos 1.5 capture): executor world__…, its task world-0-server__….
    const taskId = 'world-0-server__deb2e5df';
    const executorDir = '/var/lib/mesos/slave/slaves/S0/frameworks/F1/executors/world__2531276d/runs/latest';
    const asked: string[] = [];
    const agent = await startHttpStub((path) => {
      asked.push(decodeURIComponent(path));
      if (path === '/state')
        return {
          status: 200,
          body: JSON.stringify({
            id: 'S0',
            frameworks: [
              {
                id: 'F1',
                executors: [
                  { id: 'world__2531276d', type: 'DEFAULT', directory: executorDir, tasks: [{ id: taskId }] },
                  // A command executor's task (Marathon app) keeps reading the executor's sandbox.
                  { id: 'web.1', directory: '/sandbox/web.1', tasks: [{ id: 'web.1' }] },
                ],
              },
            ],
          }),
        };
      if (path.startsWith('/files/read'))
        return { status: 200, body: JSON.stringify(path.includes('offset=-1') ? { offset: 5 } : { data: 'hello' }) };
      return { status: 404, body: '' };
    });
    const state = {
      slaves: [{ id: 'S0', pid: 'slave(1)@10.0.0.1:5051' }],
      frameworks: [
        {
          id: 'F1',
          name: 'hello-world',
          tasks: [
            { id: taskId, name: 'world-0-server', state: 'TASK_RUNNING', slave_id: 'S0', executor_id: 'world__2531276d' },
            { id: 'web.1', name: 'web', state: 'TASK_RUNNING', slave_id: 'S0' },
          ],
        },
      ],
    };
    const master = await startHttpStub((path) =>
      path === '/state' ? { status: 200, body: JSON.stringify(state) } : { status: 404, body: '' },
    );
    const http = new HttpClient();
    try {
      const mesos = new MesosClient(http, { masterUrl: master.url, agentUrls: [agent.url] });
      expect((await mesos.readSandboxFile('world-0-server', 'stdout')).path).toBe(`${executorDir}/tasks/${taskId}/stdout`);
      expect((await mesos.readSandboxFile('web', 'stderr')).path).toBe('/sandbox/web.1/stderr');
      expect(asked).toContain(`/files/read?path=${executorDir}/tasks/${taskId}/stdout&offset=-1`);
    } finally {
      await http.close();
      await Promise.all([master.close(), agent.close()]);
    }
  });
});
