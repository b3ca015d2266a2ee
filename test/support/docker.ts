import Docker from 'dockerode';
import { DindEngines } from '../../src/docker/dind.js';
import { DockerBackend } from '../../src/docker/docker-backend.js';
import { parseDockerHosts } from '../../src/docker/host-address.js';
import { connectDockerHosts } from '../../src/docker/hosts.js';
import { localImage } from '../../src/docker/image-names.js';
import { clusterFilter, LABELS } from '../../src/docker/labels.js';
import { createLogger } from '../../src/logger.js';

export const hostDocker = new Docker({ socketPath: '/var/run/docker.sock' });

/** A test deployment's engine network outlives its clusters (as in production); tests remove theirs. */
export async function removeEnginesNetwork(deployment: string): Promise<void> {
  const networks = await hostDocker.listNetworks({ filters: { name: [`workshop-engines-${deployment}`] } });
  await Promise.all(
    networks.map((network) =>
      hostDocker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}

/** A client for the Docker engine inside an attendee's engine container (dind isolation), and the container itself. */
export async function attendeeEngine(clusterId: string): Promise<{ info: Docker.ContainerInspectInfo; docker: Docker; ip: string }> {
  const [container] = await hostDocker.listContainers({ filters: { label: [...clusterFilter(clusterId).label, `${LABELS.role}=engine`] } });
  if (!container) throw new Error(`cluster ${clusterId} has no engine container`);
  const info = await hostDocker.getContainer(container.Id).inspect();
  const port = Number(info.NetworkSettings.Ports['2375/tcp']![0]!.HostPort);
  const ip = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
  return { info, docker: new Docker({ host: '127.0.0.1', port }), ip };
}

/** Runs a shell script in a throwaway container on `network` of `engine` (as a task there would run) and returns what it printed. */
export async function runOnNetwork(engine: Docker, network: string, script: string): Promise<string> {
  const container = await engine.createContainer({
    Image: localImage('sim'),
    Entrypoint: ['/bin/busybox', 'sh', '-c', script],
    Tty: true, // plain output, without Docker's stream headers
    HostConfig: { NetworkMode: network },
  });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString();
  } finally {
    await container.remove({ force: true });
  }
}

/** A Docker backend on the local engine with the local images and small limits; attendee engines when `appPorts` is given (dind). */
export function localBackend(deployment: string, dind?: { appPorts: number[] }): DockerBackend {
  const log = createLogger('silent', { pretty: false });
  return new DockerBackend({
    hosts: connectDockerHosts(parseDockerHosts('')),
    images: 'local',
    deployment,
    log,
    limits: { nanoCpus: 5e8, pidsLimit: 128 },
    ...(dind ? { dind: new DindEngines({ image: localImage('dind'), appPorts: dind.appPorts, deployment, log }) } : {}),
  });
}
