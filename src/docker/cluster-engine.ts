import type Docker from 'dockerode';
import type { DockerHost } from './hosts.js';
import type { RoleContainer } from './roles.js';

/**
 * The Docker engine a cluster's containers run on, and how their ports are reached from outside:
 * the host's own engine (shared isolation) or the attendee's engine container on it (dind).
 */
export interface ClusterEngine {
  docker: Docker;
  /** How a role's port is bound on this engine. */
  portBinding(role: RoleContainer): { HostIp: string; HostPort: string };
  /** Where clients outside reach a port the engine bound (`host:port`). */
  reach(boundPort: number): { ip: string; port: number };
  /** Attendee app ports reachable from outside (container port → `host:port`). */
  appPorts: Record<string, string>;
  /** dind: where the bot reaches the engine's relay into the cluster's network (src/clients/engine-relay.ts). */
  relay?: { ip: string; port: number };
}

/** Containers directly on the host's engine: random host ports on the host's publish address. */
export function sharedEngine(host: DockerHost): ClusterEngine {
  return {
    docker: host.docker,
    portBinding: () => ({ HostIp: host.publishIp, HostPort: '' }),
    reach: (port) => ({ ip: host.publishIp, port }),
    appPorts: {},
  };
}
