import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { DockerBackend } from '../../src/docker/docker-backend.js';
import { parseDockerHosts } from '../../src/docker/host-address.js';
import { connectDockerHosts } from '../../src/docker/hosts.js';
import { pullImage } from '../../src/docker/images.js';
import { clusterFilter } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { errorMessage, UserError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { FakeRegistry } from '../support/fake-registry.js';
import { dockerAvailable } from '../support/services.js';

describe.skipIf(!dockerAvailable())('Docker backend with the local images (real engine)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const backend = new DockerBackend({
    hosts: connectDockerHosts(parseDockerHosts('')),
    images: 'local',
    deployment: 'test-docker',
    log: createLogger('silent', { pretty: false }),
    limits: { nanoCpus: 5e8, pidsLimit: 128 },
  });
  const clusterId = String(Math.floor(Math.random() * 2 ** 31));
  const steps: string[] = [];
  let result: Awaited<ReturnType<DockerBackend['provision']>>;

  beforeAll(async () => {
    await buildLocalImages(docker);
    result = await backend.provision({
      attendee: 'U0DOCKER',
      clusterId,
      spec: specFromFlags({ agents: 2, clusterName: 'docker-test' }),
      signal: new AbortController().signal,
      onProgress: (step) => steps.push(step),
    });
  }, 120_000);
  afterAll(() => backend.destroy(clusterId));

  it('brings up ZooKeeper, master, agents and Marathon in order, reachable on published ports', async () => {
    expect(steps).toEqual(['pulling images', 'zookeeper', 'master', 'agents', 'marathon', 'ready']);
    const state = (await (await fetch(`${result.endpoints.master}/state`)).json()) as { activated_slaves: number; cluster: string };
    expect(state).toMatchObject({ activated_slaves: 2, cluster: 'docker-test' });
    expect(((await (await fetch(`${result.endpoints.marathon}/v2/info`)).json()) as { name: string }).name).toBe('marathon');
    expect(result.endpoints.agents).toHaveLength(2);
  });

  it('names and labels containers like minimesos, with limits on every one', async () => {
    const containers = await docker.listContainers({ filters: clusterFilter(clusterId) });
    expect(containers).toHaveLength(5);
    for (const container of containers) {
      expect(container.Names[0]).toMatch(new RegExp(`^/minimesos-(zookeeper|master|agent|marathon)-${clusterId}-\\d+$`));
      expect(container.Labels['workshop.attendee']).toBe('U0DOCKER');
      const info = await docker.getContainer(container.Id).inspect();
      expect(info.HostConfig.Memory).toBeGreaterThan(0);
      expect(info.HostConfig.NanoCpus).toBe(5e8);
      expect(info.HostConfig.PidsLimit).toBe(128);
    }
  });

  it('prints the export lines of minimesos info (MINIMESOS_AGENT only with one agent)', () => {
    expect(result.exports[0]).toMatch(/^export MINIMESOS_NETWORK_GATEWAY=\d+\.\d+\.\d+\.\d+$/);
    expect(result.exports).toContain(`export MINIMESOS_MASTER=${result.endpoints.master}; export MINIMESOS_MASTER_IP=127.0.0.1`);
    expect(result.exports.some((line) => line.includes('MINIMESOS_AGENT'))).toBe(false);
  });

  it('is idempotent: running again for the same cluster creates nothing new', async () => {
    const before = (await docker.listContainers({ all: true, filters: clusterFilter(clusterId) })).map((container) => container.Id).sort();
    const again = await backend.provision({
      attendee: 'U0DOCKER',
      clusterId,
      spec: specFromFlags({ agents: 2, clusterName: 'docker-test' }),
      signal: new AbortController().signal,
      onProgress: () => undefined,
    });
    const after = (await docker.listContainers({ all: true, filters: clusterFilter(clusterId) })).map((container) => container.Id).sort();
    expect(after).toEqual(before);
    expect(again.endpoints.master).toBe(result.endpoints.master);
  });

  it('destroy removes every container and the network, and can run twice', async () => {
    await backend.destroy(clusterId);
    await backend.destroy(clusterId);
    expect(await docker.listContainers({ all: true, filters: clusterFilter(clusterId) })).toHaveLength(0);
    expect(await docker.listNetworks({ filters: clusterFilter(clusterId) })).toHaveLength(0);
  });
});

/** Real images come from a registry: a missing one is pulled, and the attendee sees the layers arrive. */
describe.skipIf(!dockerAvailable())('Docker backend pulling a missing image (real engine, local registry)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const backend = new DockerBackend({
    hosts: connectDockerHosts(parseDockerHosts('')),
    images: 'minimesos',
    deployment: 'test-pull',
    log: createLogger('silent', { pretty: false }),
  });
  const clusterId = String(Math.floor(Math.random() * 2 ** 31));
  let registry: FakeRegistry;
  let image = '';
  beforeAll(async () => {
    registry = await new FakeRegistry(4e6).start();
    image = await registry.serveImage(`workshop/zookeeper-${clusterId}:1`, 12e6);
  });
  afterAll(async () => {
    await backend.destroy(clusterId);
    await registry.stop();
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('shows the download under "pulling images", then says which service did not come up', async () => {
    const base = specFromFlags({ agents: 1 });
    // Every role from the registry; the image is not a real ZooKeeper, so the build stops there.
    const spec = {
      ...base,
      timeout: 3,
      zookeeper: { image },
      master: { ...base.master, image },
      agents: base.agents.map((agent) => ({ ...agent, image })),
      marathon: null,
    };
    const steps: string[] = [];
    const failure = await backend
      .provision({
        attendee: 'U0PULL',
        clusterId,
        spec,
        signal: new AbortController().signal,
        onProgress: (step, detail) => steps.push(detail ? `${step}: ${detail}` : step),
      })
      .catch((error: Error) => error);
    const pulling = steps.filter((step) => step.startsWith(`pulling images: ${image}: `));
    expect(pulling.some((step) => /: [0-9.]+ of 1[23]\.\d MB, 0 of 1 layers$/.test(step))).toBe(true);
    expect(pulling.at(-1)).toMatch(/, 1 of 1 layers$/);
    expect(registry.pulls).toHaveLength(1); // pulled once, though three roles use it
    expect((failure as Error).message).toMatch(/^ZooKeeper answering did not happen within 3 s/);
  }, 60_000);
  it("an image that does not exist names the minimesosFile fields to fix; a registry out of reach says it is not the attendee's doing", async () => {
    const missing = await pullImage(docker, `${registry.address}/workshop/no-such-agent:1.0`, () => undefined).catch(
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(UserError);
    expect(errorMessage(missing)).toBe(
      `The image "${registry.address}/workshop/no-such-agent:1.0" does not exist on its registry (or is private).`,
    );
    expect((missing as UserError).hint).toContain('`imageName` and `imageTag` in your minimesosFile');
    const unreachable = await pullImage(docker, '127.0.0.1:1/workshop/agent:1.0', () => undefined).catch((error: unknown) => error);
    expect(errorMessage(unreachable)).toMatch(
      /^Could not pull "127\.0\.0\.1:1\/workshop\/agent:1\.0": the Docker host cannot reach its registry \(".*connection refused.*"\)\.$/,
    );
    expect((unreachable as UserError).hint).toContain('Nothing you wrote causes this: tell the instructor');
  });
});
