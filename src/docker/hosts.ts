import Docker from 'dockerode';
import type { DockerHostAddress } from './host-address.js';

/** A request with no traffic this long is abandoned: a host that vanishes mid-call must not hang a worker. */
const IDLE_TIMEOUT_MS = 120_000;

/** One Docker engine of the pool, connected, and the addresses its attendees' ports answer on. */
export interface DockerHost extends Omit<DockerHostAddress, 'tls'> {
  docker: Docker;
}

/** A client for each configured engine (no call is made until one is needed). */
export function connectDockerHosts(addresses: readonly DockerHostAddress[]): DockerHost[] {
  return addresses.map(({ tls, ...address }) => ({
    ...address,
    // Explicit socketPath or host: dockerode would otherwise take DOCKER_HOST from the environment.
    docker: address.socketPath
      ? new Docker({ socketPath: address.socketPath, timeout: IDLE_TIMEOUT_MS })
      : new Docker({ host: address.host, port: address.port, protocol: tls ? 'https' : 'http', timeout: IDLE_TIMEOUT_MS, ...tls }),
  }));
}
