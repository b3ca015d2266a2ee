import { existsSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedCluster } from '../../src/clusters/backend.js';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { localImage } from '../../src/docker/image-names.js';
import { clusterFilter, LABELS } from '../../src/docker/labels.js';
import { buildLocalImages } from '../../src/docker/local-images.js';
import { attendeeEngine, localBackend, removeEnginesNetwork } from '../support/docker.js';
import { dockerAvailable } from '../support/services.js';

const host = new Docker({ socketPath: '/var/run/docker.sock' });
const deployment = 'test-dind';

/** What a Marathon app does through the agent's Docker socket: a container on the attendee's engine. */
async function runInEngine(engine: Docker, name: string, script: string, hostConfig: Docker.HostConfig = {}): Promise<Docker.Container> {
  const container = await engine.createContainer({
    name,
    Image: localImage('sim'),
    Entrypoint: ['/bin/busybox', 'sh', '-c', script],
    ExposedPorts: { '80/tcp': {} },
    HostConfig: hostConfig,
  });
  await container.start();
  return container;
}

async function execOutput(container: Docker.Container, script: string): Promise<string> {
  const exec = await container.exec({ Cmd: ['/bin/busybox', 'sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on('end', resolve));
  // Docker multiplexes stdout/stderr with 8-byte frame headers: drop their control bytes.
  return [...Buffer.concat(chunks).toString('latin1')].filter((char) => char.charCodeAt(0) > 8).join('');
}

async function answers(url: string, timeoutMs = 3000): Promise<string | undefined> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).then(
    (response) => response.text(),
    () => undefined,
  );
}

describe.skipIf(!dockerAvailable())('dind isolation: each attendee in their own engine (real Docker)', () => {
  const backend = localBackend(deployment, { appPorts: [80] });
  const ids = { ada: `dind-a-${Date.now()}`, bob: `dind-b-${Date.now()}` };
  const clusters: Record<string, ProvisionedCluster> = {};
  const steps: string[] = [];

  beforeAll(async () => {
    await buildLocalImages(host);
    // The engine alone is the bound: no Marathon, so the engine's CPU cap (its roles' share) stays small.
    const spec = specFromFlags({ agents: 1, clusterName: 'dind-test' });
    const build = (attendee: string, clusterId: string) =>
      backend.provision({
        attendee,
        clusterId,
        spec: { ...spec, marathon: null },
        signal: new AbortController().signal,
        onProgress: (step, detail) => steps.push(detail ? `${step}: ${detail}` : step),
      });
    [clusters.ada, clusters.bob] = await Promise.all([build('U0ADA', ids.ada), build('U0BOB', ids.bob)]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(Object.values(ids).map((id) => backend.destroy(id)));
    await removeEnginesNetwork(deployment);
  }, 60_000);

  it("runs each cluster inside the attendee's engine: the host sees one engine container, not the roles", async () => {
    const onHost = await host.listContainers({ filters: clusterFilter(ids.ada) });
    expect(onHost.map((container) => container.Labels[LABELS.role])).toEqual(['engine']);
    const inner = await (await attendeeEngine(ids.ada)).docker.listContainers();
    expect(inner.map((container) => container.Labels[LABELS.role]).sort()).toEqual(['agent', 'master', 'zookeeper']);
    const state = JSON.parse((await answers(`${clusters.ada!.endpoints.master}/state`))!) as { activated_slaves: number };
    expect(state.activated_slaves).toBe(1);
    // The images reach the engine as a copy of the host's template (loaded once per host), not one by one.
    expect(steps).toContain("pulling images: your engine: copying the host's images into it");
    expect(steps).not.toContain(`pulling images: ${localImage('sim')}: copying into your engine`);
  });

  it('lets two attendees each run an app on port 80, each reaching their own', async () => {
    // The simulated agent runs its tasks' processes on the engine's app ports, so the app is launched
    // as a framework launches it: an Elasticsearch-image task answers `/` with its own task id.
    for (const [name, id] of Object.entries(ids)) {
      const master = clusters[name as keyof typeof ids]!.endpoints.master;
      const post = async (path: string, body: unknown) =>
        (
          await fetch(`${master}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        ).json();
      const framework = (await post('/sim/frameworks', { name: 'test', hostname: id })) as { id: string };
      const task = { id: `hello-from-${name}`, name: 'web', resources: { cpus: 0.1, mem: 16, disk: 0 } };
      await post('/sim/tasks', {
        frameworkId: framework.id,
        tasks: [{ ...task, runtime: { image: 'elasticsearch', listen: [{ fixed: 80 }] } }],
      });
    }
    for (const name of Object.keys(ids) as Array<keyof typeof ids>) {
      const address = clusters[name]!.endpoints.apps!['80'];
      await expect
        .poll(async () => (await answers(`http://${address}/`)) ?? '', { timeout: 15_000 })
        .toContain(`"name": "hello-from-${name}"`);
    }
  });

  it("cannot see or reach the other attendee's engine or containers", async () => {
    const ada = await attendeeEngine(ids.ada);
    const bob = await attendeeEngine(ids.bob);
    const adaSees = await ada.docker.listContainers({ all: true });
    expect(adaSees.some((container) => container.Labels[LABELS.cluster] === ids.bob)).toBe(false);
    // The bot reaches Bob's engine API at its address (so the address is right)…
    expect(await answers(`http://${bob.ip}:2375/version`)).toContain('ApiVersion');
    // …but from inside Ada's cluster it is unreachable, and so is Bob's app.
    const probe = await runInEngine(ada.docker, 'probe', 'sleep 600');
    const output = await execOutput(
      probe,
      `timeout 4 wget -qO- http://${bob.ip}:2375/version; echo "api:$?"; timeout 4 wget -qO- http://${bob.ip}:80/; echo "app:$?"; ` +
        // Nor can Ada borrow Bob's relay to reach into his engine.
        `printf '127.0.0.1 2375\\nGET /version HTTP/1.0\\r\\n\\r\\n' | timeout 4 nc ${bob.ip} 2399; echo "relay:$?"`,
    );
    expect(output).not.toContain('ApiVersion');
    expect(output).not.toContain('hello-from-bob');
    expect(output).toMatch(/api:[1-9]/);
    expect(output).toMatch(/app:[1-9]/);
    expect(output).toMatch(/relay:[1-9]/);
  }, 30_000);

  it("keeps the host and the other cluster working when an attendee's app fork-bombs", async () => {
    const ada = await attendeeEngine(ids.ada);
    // As Mesos would launch it: no per-container limit, only the engine container's.
    await runInEngine(ada.docker, 'bomb', 'bomb(){ bomb|bomb& }; bomb; sleep 600');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const started = Date.now();
    expect(await answers(`${clusters.bob!.endpoints.master}/state`, 5000)).toContain('activated_slaves');
    await host.ping();
    expect(Date.now() - started).toBeLessThan(5000);
    const pidsFile = `/sys/fs/cgroup/pids/docker/${ada.info.Id}/pids.current`; // cgroup v1, as on these machines
    if (existsSync(pidsFile)) expect(Number(readFileSync(pidsFile, 'utf8'))).toBeLessThanOrEqual(ada.info.HostConfig.PidsLimit!);
    // The bomb is the attendee's own problem: removing their cluster clears it.
    await backend.destroy(ids.ada);
    expect(await host.listContainers({ all: true, filters: clusterFilter(ids.ada) })).toEqual([]);
  }, 60_000);
});
