import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMarathonApps } from '../../src/docker/marathon-apps.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';

/** Apps a minimesosFile names by URL, as people publish them: one for Marathon 1.3.5, one written for Marathon 1.5. */
const FILES: Record<string, object> = {
  '/nginx.json': { id: 'nginx', cmd: 'nginx -g "daemon off;"', cpus: 0.1, mem: 32, instances: 0 },
  '/nginx-1.5.json': {
    id: 'nginx-new',
    instances: 0,
    container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] },
    networks: [{ mode: 'container/bridge' }],
  },
};

describe('installing the apps a minimesosFile names (simulated Marathon, a local file server)', () => {
  let cluster: SimulatedCluster;
  let files: Server;
  let base: string;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1 });
    files = createServer((request, response) => {
      const body = FILES[request.url ?? ''];
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(body ? JSON.stringify(body) : '');
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => files?.close(resolve));
    await cluster?.stop();
  });

  it('says what to do with an app it cannot download', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/weave-scope.json`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await installMarathonApps({ apps: [unreachable], groups: [] }, cluster.marathonUrl, {})).toEqual([
      `${unreachable}: not installed: could not download it (fetch failed); paste its JSON after /cluster install instead`,
    ]);
  });

  it('installs a 1.3.5 app, and sends none written for a later Marathon, saying what 1.3.5 would have dropped', async () => {
    const warnings = await installMarathonApps(
      { apps: [`${base}/nginx.json`, `${base}/nginx-1.5.json`, 'es.json'], groups: [] },
      cluster.marathonUrl,
      {},
    );
    expect((await fetch(`${cluster.marathonUrl}/v2/apps/nginx`)).status).toBe(200);
    expect((await fetch(`${cluster.marathonUrl}/v2/apps/nginx-new`)).status).toBe(404);
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${base}/nginx-1\\.5\\.json: not installed: Marathon would not take this app as it is, so it was not sent: /networks: is a field of later Marathon versions .*; /container/portMappings: .*move the list into "container": \\{"docker": \\{"portMappings"`,
        ),
      ),
      'es.json: not installed: only URLs can be fetched here; install a local file with /cluster install',
    ]);
  });
});
