import Docker from 'dockerode';
import type { Logger } from '../logger.js';
import type { ClusterEngine } from './cluster-engine.js';
import type { DockerHost } from './hosts.js';
import { copyImage, ensureImage, hasImage, type ImageProgress } from './images.js';
import { clusterFilter, clusterLabels, LABELS } from './labels.js';
import type { RoleContainer } from './roles.js';
import { waitFor } from './wait.js';

export interface DindOptions {
  /** Image with `dockerd` and `sh` (docker:dind, or the local stand-in). */
  image: string;
  /** Container runtime of the engine containers (e.g. a sandboxing runtime); the engine's default otherwise. */
  runtime?: string;
  /** Attendee app ports the engine container publishes (e.g. Marathon's nginx on 80). */
  appPorts: number[];
  deployment: string;
  log: Logger;
}

export interface EngineLimits {
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
}

const ENGINE_API_PORT = 2375;
/** The engine's relay (see engine-relay.ts), published like the API: on the control address only. */
const ENGINE_RELAY_PORT = 2399;
/**
 * One line `<IPv4> <port>` in, then the connection goes on to that address from inside the engine
 * (busybox nc, in docker:dind and the local stand-in alike). Anything but digits and dots is refused.
 */
export const RELAY_HANDLER =
  'read -r host port; case "$host" in ""|*[!0-9.]*) exit 1;; esac; case "$port" in ""|*[!0-9]*) exit 1;; esac; exec nc "$host" "$port"';
/** What dockerd and containerd themselves take inside an attendee's engine container. */
export const ENGINE_OVERHEAD_BYTES = 256 * 1024 * 1024;

/**
 * Inside their engine, a role binds a fixed port, which the engine container publishes: agents
 * all listen on the same port in their containers, so the engine side numbers them 5051, 5052…
 */
export function enginePort(role: RoleContainer): number {
  return role.role === 'agent' ? 5050 + role.index : role.port;
}

/**
 * Its nested containers go under the engine container's own cgroup (cgroup v1 shows the host's
 * path in /proc/self/cgroup), so the container's memory and pids limits bound everything the
 * attendee runs. With cgroup v2 the namespace already nests them.
 */
const ENGINE_SCRIPT = [
  `nc -ll -p ${ENGINE_RELAY_PORT} -e sh -c '${RELAY_HANDLER}' &`,
  'parent=$(sed -n "s/^[0-9]*:pids://p" /proc/self/cgroup)',
  'if [ -n "$parent" ] && [ "$parent" != "/" ]; then set -- --cgroup-parent="$parent/engine"; fi',
  `exec dockerd --tls=false -H tcp://0.0.0.0:${ENGINE_API_PORT} -H unix:///var/run/docker.sock "$@"`,
].join('\n');

/**
 * Docker-in-Docker isolation, as Play with Docker does it: each attendee's cluster runs inside
 * their own engine container, with its own memory/CPU/pids limits and a published port block.
 * The engine containers share one bridge with inter-container traffic off, so attendees cannot
 * reach each other's engines; the engine API is published on the host's control address only.
 */
export class DindEngines {
  constructor(private readonly options: DindOptions) {}

  /** The attendee's engine on `host`, created once (found by labels when a job runs again), answering. */
  async ensure(
    host: DockerHost,
    context: { owner: Parameters<typeof clusterLabels>[0]; roles: RoleContainer[]; limits: EngineLimits },
    signal: AbortSignal,
    onProgress: ImageProgress,
  ): Promise<ClusterEngine> {
    await ensureImage(host.docker, this.options.image, onProgress, signal);
    const container = await this.ensureContainer(host, context);
    const docker = new Docker({ host: host.controlIp, port: publishedPort(container, ENGINE_API_PORT) });
    await waitFor(() => docker.ping().then(() => true), {
      timeoutMs: 60_000,
      signal,
      describe: `The attendee's Docker engine answering on ${host.controlIp} (workers must run on the Docker host, or set control=<private IP> in DOCKER_HOSTS)`,
    });
    const reach = (port: number) => ({ ip: host.publishIp, port: publishedPort(container, port) });
    return {
      docker,
      portBinding: (role) => ({ HostIp: '', HostPort: String(enginePort(role)) }),
      reach,
      // An engine made before the relay existed has none: its clusters' task ports stay unreachable.
      ...(container.NetworkSettings.Ports[`${ENGINE_RELAY_PORT}/tcp`]?.[0]
        ? { relay: { ip: host.controlIp, port: publishedPort(container, ENGINE_RELAY_PORT) } }
        : {}),
      appPorts: Object.fromEntries(this.appPorts(context.roles).map((port) => [String(port), `${host.publishIp}:${reach(port).port}`])),
    };
  }

  /** Images come from the host's engine (pulled there once, a cache for the whole room), never the registry. */
  async loadImages(
    host: DockerHost,
    engine: ClusterEngine,
    images: string[],
    signal: AbortSignal,
    onProgress: ImageProgress,
  ): Promise<void> {
    for (const image of images) {
      signal.throwIfAborted();
      if (await hasImage(engine.docker, image)) continue;
      onProgress(`${image}: copying into your engine`);
      await copyImage(host.docker, engine.docker, image);
    }
  }

  private appPorts(roles: RoleContainer[]): number[] {
    const taken = new Set(roles.map(enginePort));
    return this.options.appPorts.filter((port) => !taken.has(port) && port !== ENGINE_API_PORT && port !== ENGINE_RELAY_PORT);
  }

  private async ensureContainer(
    host: DockerHost,
    context: { owner: Parameters<typeof clusterLabels>[0]; roles: RoleContainer[]; limits: EngineLimits },
  ): Promise<Docker.ContainerInspectInfo> {
    const docker = host.docker;
    const { clusterId } = context.owner;
    const filters = { label: [...clusterFilter(clusterId).label, `${LABELS.role}=engine`] };
    let [found] = await docker.listContainers({ all: true, filters });
    if (!found) {
      const ports = [...context.roles.map(enginePort), ...this.appPorts(context.roles)];
      this.options.log.info({ clusterId, host: host.id }, "creating the attendee's engine container");
      try {
        await docker.createContainer(
          engineContainerOptions({
            name: `workshop-engine-${clusterId}`,
            image: this.options.image,
            labels: clusterLabels(context.owner, 'engine', 0),
            network: await this.network(docker),
            publish: {
              [ENGINE_API_PORT]: host.controlIp,
              [ENGINE_RELAY_PORT]: host.controlIp,
              ...Object.fromEntries(ports.map((port) => [port, host.publishIp])),
            },
            // The engine refuses a cap above the host's CPU count.
            limits: {
              ...context.limits,
              nanoCpus: Math.min(context.limits.nanoCpus, ((await host.docker.info()) as { NCPU: number }).NCPU * 1e9),
            },
            ...(this.options.runtime ? { runtime: this.options.runtime } : {}),
          }),
        );
      } catch (error) {
        // Another worker created it first (a job that ran twice): use theirs.
        if ((error as { statusCode?: number }).statusCode !== 409) throw error;
      }
      [found] = await docker.listContainers({ all: true, filters });
      if (!found) throw new Error(`The engine container of ${clusterId} vanished while it was created`);
    }
    const container = docker.getContainer(found.Id);
    let info = await container.inspect();
    if (!info.State.Running) {
      await container.start();
      info = await container.inspect();
    }
    return info;
  }

  /**
   * One bridge for every engine container of this deployment, with traffic between containers off.
   * It outlives the clusters (one per deployment): `docker network rm workshop-engines-<prefix>` after the workshop.
   */
  private network(docker: Docker): Promise<string> {
    // Builds start in parallel: one creation per process; of duplicates from several processes, all keep the oldest.
    this.networks.set(
      docker,
      this.networks.get(docker) ??
        this.createNetwork(docker).catch((error: unknown) => {
          this.networks.delete(docker);
          throw error;
        }),
    );
    return this.networks.get(docker)!;
  }

  private readonly networks = new Map<Docker, Promise<string>>();

  private async createNetwork(docker: Docker): Promise<string> {
    const name = `workshop-engines-${this.options.deployment}`;
    const named = async () =>
      (await docker.listNetworks({ filters: { name: [name] } }))
        .filter((network) => network.Name === name)
        .sort((a, b) => a.Created.localeCompare(b.Created) || a.Id.localeCompare(b.Id));
    if ((await named()).length === 0) {
      await docker
        .createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Options: { 'com.docker.network.bridge.enable_icc': 'false' },
          Labels: { [LABELS.managed]: 'true', [LABELS.deployment]: this.options.deployment },
        })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 409) throw error;
        });
    }
    const [keep, ...duplicates] = await named();
    await Promise.all(
      duplicates.map((network) =>
        docker
          .getNetwork(network.Id)
          .remove()
          .catch(() => undefined),
      ),
    );
    return keep!.Id;
  }
}

/** A container running its own Docker engine, without --privileged (which these hosts refuse): see machine-notes. */
export function engineContainerOptions(options: {
  name: string;
  image: string;
  labels: Record<string, string>;
  network: string;
  publish: Record<number, string>;
  limits: EngineLimits;
  runtime?: string;
}): Docker.ContainerCreateOptions {
  const ports = Object.keys(options.publish).map(Number);
  return {
    name: options.name,
    Image: options.image,
    Entrypoint: ['sh', '-c', ENGINE_SCRIPT, 'engine'],
    Cmd: [],
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Labels: options.labels,
    ExposedPorts: Object.fromEntries(ports.map((port) => [`${port}/tcp`, {}])),
    // The engine's data must not be overlay on overlay: an anonymous volume, removed with the container.
    Volumes: { '/var/lib/docker': {} },
    HostConfig: {
      NetworkMode: options.network,
      PortBindings: Object.fromEntries(ports.map((port) => [`${port}/tcp`, [{ HostIp: options.publish[port], HostPort: '' }]])),
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      DeviceCgroupRules: ['a *:* rwm'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
      Tmpfs: { '/run': '' },
      Memory: options.limits.memoryBytes,
      NanoCpus: options.limits.nanoCpus,
      PidsLimit: options.limits.pidsLimit,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      ...(options.runtime ? { Runtime: options.runtime } : {}),
    },
  };
}

function publishedPort(container: Docker.ContainerInspectInfo, port: number): number {
  const binding = container.NetworkSettings.Ports[`${port}/tcp`]?.[0];
  if (!binding) throw new Error(`The engine container does not publish port ${port}`);
  return Number(binding.HostPort);
}
