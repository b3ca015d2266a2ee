import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedCluster } from '../../src/clusters/backend.js';
import { parseMinimesosFile } from '../../src/clusters/minimesos-file/index.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { zookeeperServes } from '../../src/docker/wait.js';
import { attendeeEngine, hostDocker, localBackend, removeEnginesNetwork, runOnNetwork } from '../support/docker.js';
import { dockerAvailable } from '../support/services.js';

/**
 * An app like the Elasticsearch exercise's scheduler: it runs inside the cluster and is told where
 * ZooKeeper and the master are through minimesos' tokens; two tokens this cluster cannot fill.
 */
const PROBE_APP = {
  id: 'token-probe',
  cmd: 'sleep 600',
  cpus: 0.1,
  mem: 32,
  instances: 0,
  env: {
    ZOOKEEPER: '${MINIMESOS_ZOOKEEPER}',
    ZOOKEEPER_ADDRESS: '${MINIMESOS_ZOOKEEPER_IP}:${MINIMESOS_ZOOKEEPER_PORT}',
    MASTER: '${MINIMESOS_MASTER}',
    DNS: '${MINIMESOS_CONSUL_IP}',
    LOGS: '${MINIMESOS_HOST_DIR}/.minimesos',
  },
};

/** Serves the app's JSON, as a URL in a minimesosFile's `marathon { app { marathonJson = … } }`. */
async function serveApp(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.end(JSON.stringify(PROBE_APP)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token-probe.json` };
}

for (const isolation of ['shared', 'dind'] as const) {
  describe.skipIf(!dockerAvailable())(`minimesos tokens of a ${isolation} cluster (real Docker, local images)`, () => {
    const deployment = `test-tokens-${isolation}`;
    const backend = localBackend(deployment, isolation === 'dind' ? { appPorts: [] } : undefined);
    const clusterId = String(Math.floor(Math.random() * 2 ** 31));
    let served: { server: Server; url: string };
    let cluster: ProvisionedCluster;
    /** The engine the cluster's containers run on: the host's, or the attendee's own. */
    let engine: Docker;

    beforeAll(async () => {
      await buildLocalImages(hostDocker);
      served = await serveApp();
      const spec = parseMinimesosFile(
        `minimesos {\n  clusterName = "tokens"\n  agent {\n  }\n  marathon {\n    app {\n      marathonJson = "${served.url}"\n    }\n  }\n}`,
      );
      cluster = await backend.provision({
        attendee: 'U0TOKENS',
        clusterId,
        spec,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      });
      engine = isolation === 'dind' ? (await attendeeEngine(clusterId)).docker : hostDocker;
    }, 240_000);
    afterAll(async () => {
      await backend.destroy(clusterId);
      if (isolation === 'dind') await removeEnginesNetwork(deployment);
      served?.server.close();
    }, 60_000);

    it("puts in-cluster addresses into the minimesosFile's app, and a container on the cluster's network reaches them", async () => {
      const { app } = (await (await fetch(`${cluster.endpoints.marathon}/v2/apps/token-probe`)).json()) as {
        app: { env: Record<string, string> };
      };
      const [zookeeperIp, zookeeperPort] = app.env.ZOOKEEPER_ADDRESS!.split(':');
      expect(app.env.ZOOKEEPER).toBe(`zk://${zookeeperIp}:${zookeeperPort}/mesos`);
      const master = new URL(app.env.MASTER!);
      // busybox's nc for both (its static wget crashes in this image): ZooKeeper's srvr, then HTTP by hand.
      const answers = await runOnNetwork(
        engine,
        `minimesos-${clusterId}`,
        `echo srvr | nc -w 5 ${zookeeperIp} ${zookeeperPort}; printf 'GET /state HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${master.hostname} ${master.port}`,
      );
      expect(answers).toContain('Mode: standalone');
      expect(answers).toContain('"activated_slaves":1');
    }, 60_000);

    it('gives /cluster install the same in-cluster values, and says which tokens of the app it could not fill', async () => {
      const { app } = (await (await fetch(`${cluster.endpoints.marathon}/v2/apps/token-probe`)).json()) as {
        app: { env: Record<string, string> };
      };
      expect(cluster.clusterTokens).toMatchObject({ MINIMESOS_ZOOKEEPER: app.env.ZOOKEEPER, MINIMESOS_MASTER: app.env.MASTER });
      expect(cluster.warnings).toEqual([
        `${served.url}: \${MINIMESOS_CONSUL_IP} not replaced: this cluster runs no consul; the workshop bot does not run consul/registrator/mesosdns`,
        expect.stringMatching(/^http:\S+: \$\{MINIMESOS_HOST_DIR\} not replaced: your cluster runs on the workshop's Docker hosts/),
      ]);
    });

    it('keeps the published addresses for /cluster info, reachable from the host', async () => {
      expect(cluster.exports).toContain(`export MINIMESOS_MASTER=${cluster.endpoints.master}; export MINIMESOS_MASTER_IP=127.0.0.1`);
      expect(await (await fetch(`${cluster.endpoints.master}/state`)).text()).toContain('activated_slaves');
      const [host, port] = cluster.endpoints.zookeeper!.split(':');
      expect(await zookeeperServes(host!, Number(port))).toBe(true);
    });
  });
}
