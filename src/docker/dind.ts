import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
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
/** Longer than loading the images into a host's template ever takes: a builder older than that is dead. */
const TEMPLATE_BUILD_MS = 5 * 60_000;
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

  /**
   * The attendee's engine on `host`, created once (found by labels when a job runs again), answering.
   * Its data directory starts as a copy of the host's template (an engine with `images` loaded once
   * per host), so it has the images before it starts.
   */
  async ensure(
    host: DockerHost,
    context: { owner: Parameters<typeof clusterLabels>[0]; roles: RoleContainer[]; limits: EngineLimits; images: string[] },
    signal: AbortSignal,
    onProgress: ImageProgress,
  ): Promise<ClusterEngine> {
    await ensureImage(host.docker, this.options.image, onProgress, signal);
    const container = await this.ensureContainer(host, context, signal, onProgress);
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

  /**
   * Images come from the host's engine (pulled there once, a cache for the whole room), never the
   * registry; all at once (the engine unpacks one while the host packs the next).
   */
  async loadImages(
    host: DockerHost,
    engine: Pick<ClusterEngine, 'docker'>,
    images: string[],
    signal: AbortSignal,
    onProgress: ImageProgress,
  ): Promise<void> {
    await Promise.all(
      images.map(async (image) => {
        signal.throwIfAborted();
        if (await hasImage(engine.docker, image)) return;
        onProgress(`${image}: copying into your engine`);
        await copyImage(host.docker, engine.docker, image);
      }),
    );
  }

  private appPorts(roles: RoleContainer[]): number[] {
    const taken = new Set(roles.map(enginePort));
    return this.options.appPorts.filter((port) => !taken.has(port) && port !== ENGINE_API_PORT && port !== ENGINE_RELAY_PORT);
  }

  private async ensureContainer(
    host: DockerHost,
    context: { owner: Parameters<typeof clusterLabels>[0]; roles: RoleContainer[]; limits: EngineLimits; images: string[] },
    signal: AbortSignal,
    onProgress: ImageProgress,
  ): Promise<Docker.ContainerInspectInfo> {
    const docker = host.docker;
    const { clusterId } = context.owner;
    const filters = { label: [...clusterFilter(clusterId).label, `${LABELS.role}=engine`] };
    let [found] = await docker.listContainers({ all: true, filters });
    if (!found) {
      const ports = [...context.roles.map(enginePort), ...this.appPorts(context.roles)];
      const template = await this.template(host, context.images, signal, onProgress);
      onProgress("your engine: copying the host's images into it");
      const dataVolume = await this.cloneTemplate(host, template, context.owner);
      this.options.log.info({ clusterId, host: host.id }, "creating the attendee's engine container");
      try {
        await docker.createContainer(
          engineContainerOptions({
            name: `workshop-engine-${clusterId}`,
            image: this.options.image,
            labels: clusterLabels(context.owner, 'engine', 0),
            dataVolume,
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
   * A volume holding the data directory of an engine that has `images` (and nothing else): made once
   * per host and set of images by starting an engine on it and loading them, then stopped. Engines
   * start from a copy of it instead of each loading the images (about 2 s instead of 20–50 s here).
   * It outlives the clusters and deployments, like the images: after the workshop,
   * `docker volume rm $(docker volume ls -q --filter label=workshop.role=template)`.
   */
  private template(host: DockerHost, images: string[], signal: AbortSignal, onProgress: ImageProgress): Promise<string> {
    const digest = createHash('sha256')
      .update([this.options.image, ...[...images].sort()].join('\n'))
      .digest('hex')
      .slice(0, 12);
    // Content-addressed and shared by every deployment on the host (bots, demos, test runs): made once.
    const name = `workshop-template-${digest}`;
    const key = `${host.id}\0${name}`;
    let made = this.templates.get(key);
    if (!made) {
      made = this.makeTemplate(host, name, images, signal, onProgress).catch((error: unknown) => {
        this.templates.delete(key);
        throw error;
      });
      this.templates.set(key, made);
    }
    return made;
  }

  private readonly templates = new Map<string, Promise<string>>();

  private async makeTemplate(host: DockerHost, name: string, images: string[], signal: AbortSignal, onProgress: ImageProgress) {
    const docker = host.docker;
    const ready = `${name}-ready`;
    const labels = { [LABELS.managed]: 'true', [LABELS.role]: 'template' };
    const exists = (volume: string) =>
      docker
        .getVolume(volume)
        .inspect()
        .then(
          () => true,
          () => false,
        );
    for (;;) {
      if (await exists(ready)) return name;
      signal.throwIfAborted();
      const builder = `${name}-builder`;
      const building = await docker
        .getContainer(builder)
        .inspect()
        .catch(() => undefined);
      if (building && Date.now() - Date.parse(building.Created) < TEMPLATE_BUILD_MS) {
        // Another worker is making it: wait for its marker (or for it to give up).
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      // A builder this old belonged to a worker that died.
      if (building)
        await docker
          .getContainer(builder)
          .remove({ force: true })
          .catch(() => undefined);
      // What a builder that died left is half-made: start again.
      await docker
        .getVolume(name)
        .remove()
        .catch(() => undefined);
      await docker.createVolume({ Name: name, Labels: labels });
      onProgress(`loading the images into this host's engine template (once per host): ${images.join(', ')}`);
      const container = await docker
        .createContainer(
          engineContainerOptions({
            name: builder,
            image: this.options.image,
            labels,
            dataVolume: name,
            network: await this.network(docker),
            publish: { [ENGINE_API_PORT]: host.controlIp },
            limits: { memoryBytes: 2 * 1024 ** 3, nanoCpus: ((await docker.info()) as { NCPU: number }).NCPU * 1e9, pidsLimit: 1024 },
            ...(this.options.runtime ? { runtime: this.options.runtime } : {}),
          }),
        )
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode === 409) return undefined; // another worker started first
          throw error;
        });
      if (!container) continue;
      try {
        await container.start();
        const inner = new Docker({ host: host.controlIp, port: publishedPort(await container.inspect(), ENGINE_API_PORT) });
        await waitFor(() => inner.ping().then(() => true), { timeoutMs: 60_000, signal, describe: "The host's template engine answering" });
        await this.loadImages(host, { docker: inner }, images, signal, (detail) => onProgress(`the host's template: ${detail}`));
        await container.stop({ t: 30 });
        await docker.createVolume({ Name: ready, Labels: labels });
      } finally {
        await container.remove({ force: true }).catch(() => undefined);
      }
    }
  }

  /**
   * The new engine's data volume, a copy of the template: its image layers hard-linked (they are
   * never written to: containers write to their own layer), the rest (engine and containerd state)
   * copied. Labelled with the cluster, so removing the cluster removes it.
   */
  private async cloneTemplate(host: DockerHost, template: string, owner: Parameters<typeof clusterLabels>[0]): Promise<string> {
    const docker = host.docker;
    const name = `workshop-engine-data-${owner.clusterId}`;
    // No engine container yet, so a volume of that name is a copy a dead worker left unfinished.
    await docker
      .getVolume(name)
      .remove()
      .catch(() => undefined);
    await docker.createVolume({ Name: name, Labels: clusterLabels(owner, 'engine-data', 0) });
    // Hard links only work within one mount: the helper sees the engine's whole volumes directory.
    const volumes = dirname(dirname(((await docker.getVolume(template).inspect()) as { Mountpoint: string }).Mountpoint));
    const script = `cd "/volumes/$1/_data" && for entry in * .[!.]*; do [ -e "$entry" ] || continue; if [ "$entry" = overlay2 ]; then cp -al "$entry" "/volumes/$2/_data/"; else cp -a "$entry" "/volumes/$2/_data/"; fi; done`;
    const helper = await docker.createContainer({
      name: `workshop-clone-${owner.clusterId}-${Date.now()}`,
      Image: this.options.image,
      Entrypoint: ['/bin/busybox', 'sh', '-c', script, 'clone', template, name],
      Cmd: [],
      Env: ['PATH=/bin'],
      Labels: clusterLabels(owner, 'clone', 0),
      HostConfig: { Binds: [`${volumes}:/volumes`], NetworkMode: 'none' },
    });
    try {
      await helper.start();
      const { StatusCode } = (await helper.wait()) as { StatusCode: number };
      if (StatusCode !== 0) {
        const output = (await helper.logs({ stdout: true, stderr: true })).toString('latin1');
        throw new Error(`Could not copy the engine template into ${name}: ${output.slice(-500)}`);
      }
    } finally {
      await helper.remove({ force: true }).catch(() => undefined);
    }
    return name;
  }

  /**
   * One bridge for every engine container of this deployment, with traffic between containers off.
   * It outlives the clusters (one per deployment): `docker network rm workshop-engines-<deployment id>` after the workshop.
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
  /** A named volume for the engine's data (a copy of the host's template); an anonymous one otherwise. */
  dataVolume?: string;
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
    // The engine's data must not be overlay on overlay: a volume (an anonymous one is removed with the container).
    ...(options.dataVolume ? {} : { Volumes: { '/var/lib/docker': {} } }),
    HostConfig: {
      NetworkMode: options.network,
      PortBindings: Object.fromEntries(ports.map((port) => [`${port}/tcp`, [{ HostIp: options.publish[port], HostPort: '' }]])),
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      DeviceCgroupRules: ['a *:* rwm'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', ...(options.dataVolume ? [`${options.dataVolume}:/var/lib/docker`] : [])],
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
