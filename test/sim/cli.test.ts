import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MesosClient } from '../../src/clients/mesos.js';
import { freePort } from '../../src/local/free-port.js';

/** One process per role, configured like the minimesos images (env vars), as the containers run them. */
describe('workshop-bot sim, one process per role', () => {
  const children: ChildProcess[] = [];
  const http = new HttpClient();
  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await http.close();
  });

  const run = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'sim', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.once('exit', (code) => reject(new Error(`sim ${args[0]} exited ${code}`)));
    });
  };

  it('master, agent and Marathon find each other over HTTP', async () => {
    const [masterPort, agentPort, marathonPort] = [await freePort(), await freePort(), await freePort()];
    expect(await run(['master', '--host', '127.0.0.1'], { MESOS_PORT: String(masterPort), MESOS_CLUSTER: 'split' })).toContain(
      'simulated Mesos master',
    );
    const masterUrl = `http://127.0.0.1:${masterPort}`;
    await run(['agent', '--host', '127.0.0.1', '--port', String(agentPort)], {
      MESOS_MASTER: masterUrl,
      MESOS_RESOURCES: 'cpus(*):1.5; mem(*):512; disk(*):100; ports(*):[31000-31009]',
    });
    await run(['marathon', '--host', '127.0.0.1', '--port', String(marathonPort), '--master', masterUrl]);
    const state = await new MesosClient(http, { masterUrl }).state();
    expect(state.cluster).toBe('split');
    expect(state.agents).toHaveLength(1);
    expect(state.agents[0]!.resources).toMatchObject({ cpus: 1.5, mem: 512 });
    expect(state.frameworks.map((framework) => framework.name)).toEqual(['marathon']);
  });

  it('explains its usage for an unknown role', async () => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'sim', 'zookeeperz']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('unknown role "zookeeperz"');
  });
});
