import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedCluster } from '../../src/clusters/backend.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { hostDocker, localBackend, removeEnginesNetwork } from '../support/docker.js';
import { dockerAvailable } from '../support/services.js';

const deployment = 'test-sim-apps';

/**
 * A cluster of the local stand-in images in the attendee's own engine: nginx installed through
 * Marathon's REST API answers where the bot records the attendee's app port 80.
 */
describe.skipIf(!dockerAvailable())('simulated apps on a local-images cluster in dind isolation (real Docker)', () => {
  const backend = localBackend(deployment, { appPorts: [80, 3306] });
  const clusterId = `sim-apps-${Date.now()}`;
  let cluster: ProvisionedCluster;

  beforeAll(async () => {
    await buildLocalImages(hostDocker);
    cluster = await backend.provision({
      attendee: 'U0SIMAPPS',
      clusterId,
      spec: specFromFlags({ agents: 1, clusterName: 'sim-apps' }),
      signal: new AbortController().signal,
      onProgress: () => undefined,
    });
  }, 300_000);
  afterAll(async () => {
    await backend.destroy(clusterId);
    await removeEnginesNetwork(deployment);
  }, 60_000);

  it("nginx installed through Marathon's REST API answers at the address recorded for app port 80, until it is removed", async () => {
    const page = async () =>
      fetch(`http://${cluster.endpoints.apps!['80']}/`, { signal: AbortSignal.timeout(3000) }).then(
        async (response) => `${response.headers.get('server')} ${await response.text()}`,
        () => 'no answer',
      );
    expect(await page()).toBe('no answer');
    const created = await fetch(`${cluster.endpoints.marathon}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/nginx',
        cpus: 0.1,
        mem: 128,
        instances: 1,
        container: { type: 'MESOS', docker: { image: 'library/nginx' } },
      }),
    });
    expect(created.status).toBe(201);
    await expect.poll(page, { timeout: 20_000, interval: 250 }).toMatch(/^nginx\/[\d.]+ [\s\S]*<title>Welcome to nginx!<\/title>/);

    await fetch(`${cluster.endpoints.marathon}/v2/apps/nginx`, { method: 'DELETE' });
    await expect.poll(page, { timeout: 20_000, interval: 250 }).toBe('no answer');
  }, 60_000);
});
