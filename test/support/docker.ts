import Docker from 'dockerode';
import { DindEngines } from '../../src/docker/dind.js';
import { DockerBackend } from '../../src/docker/docker-backend.js';
import { parseDockerHosts } from '../../src/docker/hosts.js';
import { LOCAL_IMAGES } from '../../src/docker/local-images.js';
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

/** A backend that builds local-images clusters inside attendee engines on the local Docker, with small limits. */
export function localDindBackend(deployment: string, appPorts: number[]): DockerBackend {
  const log = createLogger('silent', { pretty: false });
  return new DockerBackend({
    hosts: parseDockerHosts(''),
    images: 'local',
    deployment,
    log,
    limits: { nanoCpus: 5e8, pidsLimit: 128 },
    dind: new DindEngines({ image: LOCAL_IMAGES.dind, appPorts, deployment, log }),
  });
}
