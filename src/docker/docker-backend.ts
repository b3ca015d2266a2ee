import { randomInt } from 'node:crypto';
import type Docker from 'dockerode';
import { type ClusterBackend, NoCapacityError, type ProvisionedCluster, type ProvisionRequest } from '../clusters/backend.js';
import { exportLines, minimesosTokens } from '../clusters/tokens.js';
import type { Logger } from '../logger.js';
import { withTimeout } from '../within.js';
import { type ClusterEngine, sharedEngine } from './cluster-engine.js';
import { type DindEngines, ENGINE_OVERHEAD_BYTES, type EngineLimits } from './dind.js';
import type { DockerHost } from './hosts.js';
import { ensureImage } from './images.js';
import { clusterFilter, clusterLabels, LABELS } from './labels.js';
import { installMarathonApps } from './marathon-apps.js';
import type { ClusterNeed, Placement } from './pool/capacity-ledger.js';
import type { HostPool } from './pool/host-pool.js';
import { clusterRoles, type ImageMode, type RoleContainer } from './roles.js';
import { HOST_ANSWER_MS, httpJson, waitFor, zookeeperServes } from './wait.js';

export interface DockerBackendOptions {
  hosts: DockerHost[];
  images: ImageMode;
  log: Logger;
  /** Labels everything this deployment creates; the orphan sweep only touches its own. */
  deployment: string;
  /** Limits on every container: CPU share and process count (a fork bomb stays inside). */
  limits?: ContainerLimits;
  /** Places new clusters on the host with most room; without it, the first host takes all. */
  pool?: HostPool;
  /** Each attendee's cluster inside their own engine container; without it, directly on the host's engine. */
  dind?: DindEngines;
  /**
   * An attendee's build that finds no room takes a warm cluster's (WarmPool.evictFor): its room is
   * reserved for the build, and the warm cluster is removed here before the build starts.
   */
  evict?: {
    evictFor(clusterId: string, need: ClusterNeed): Promise<{ host: string; evicted: string } | null>;
    forgetEvicted(clusterId: string): Promise<void>;
  };
}

/** Each container's caps unless configured: one CPU, and a process count a fork bomb stays inside. */
export const CONTAINER_LIMITS = { nanoCpus: 1e9, pidsLimit: 256 };
export type ContainerLimits = typeof CONTAINER_LIMITS;

/** CPU a container is expected to use, against its 1-CPU cap: what the pool reserves. */
const CPU_REQUEST = 0.25e9;

export type ClusterOwner = Parameters<typeof clusterLabels>[0];

type CreatedContainer = { id: string; running: boolean };

/** Where a client reaches one of the cluster's containers. */
type Reached = { ip: string; port: number };

/** A started container: where the bot and the attendee reach it (published), and where the cluster's apps do. */
type Started = { published: Reached; inCluster: Reached };

/**
 * Builds a minimesos cluster on a Docker engine, like `minimesos up`: one labelled bridge network,
 * containers named `minimesos-<role>-<clusterId>-<uuid>`, health waits bounded by the spec's
 * timeout. Idempotent by labels: a re-run reuses what exists and creates only what is missing.
 */
export class DockerBackend implements ClusterBackend {
  private readonly limits: ContainerLimits;

  constructor(private readonly options: DockerBackendOptions) {
    this.limits = options.limits ?? CONTAINER_LIMITS;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionedCluster> {
    const { spec, clusterId } = request;
    const roles = clusterRoles(spec, clusterId, this.options.images);
    const need = this.need(roles);
    const host = await this.hostFor(clusterId, need, { onlyOn: request.host, requestedAt: request.requestedAt });
    return this.build(request, host, roles, need).catch((error: unknown) => {
      throw hostLost(error, host.id) ?? error;
    });
  }

  private async build(request: ProvisionRequest, host: DockerHost, roles: RoleContainer[], need: ClusterNeed): Promise<ProvisionedCluster> {
    const { spec, clusterId, attendee, signal } = request;
    const timeoutMs = spec.timeout * 1000;

    request.onProgress('pulling images');
    const showImage = (detail: string) => request.onProgress('pulling images', detail);
    const images = [...new Set(roles.map((role) => role.image))];
    for (const image of images) await ensureImage(host.docker, image, showImage, signal);
    const dind = this.options.dind;
    const owner = {
      deployment: this.options.deployment,
      clusterId,
      attendee,
      reserved: need,
      ...(request.warm ? { warm: request.warm } : {}),
    };
    const engine = dind
      ? await dind.ensure(host, { owner, roles, limits: engineLimits(roles, this.limits), images }, signal, showImage)
      : sharedEngine(host);
    if (dind) await dind.loadImages(host, engine, images, signal, showImage);
    const network = await this.ensureNetwork(engine.docker, clusterId, attendee);

    // A re-run finds what a dead worker made. Creating needs no order, so every container is created
    // at once, up front; only the starts wait on each other, in minimesos' order.
    const existing = await engine.docker.listContainers({ all: true, filters: clusterFilter(clusterId) });
    const created = await Promise.all(roles.map((role) => this.ensureCreated(engine, role, { owner, network, existing }, signal)));
    const start = async (role: RoleContainer) => this.ensureStarted(engine, role, created[roles.indexOf(role)]!, network, signal);
    const url = (reached: Reached) => `http://${reached.ip}:${reached.port}`;

    request.onProgress('zookeeper');
    const zookeeper = await start(roles.find((role) => role.role === 'zookeeper')!);
    await waitFor(() => zookeeperServes(zookeeper.published.ip, zookeeper.published.port), {
      timeoutMs,
      signal,
      describe: 'ZooKeeper answering',
    });

    request.onProgress('master');
    const master = await start(roles.find((role) => role.role === 'master')!);
    const masterUrl = url(master.published);
    await waitFor(async () => ((await httpJson(`${masterUrl}/state`)) ? true : undefined), {
      timeoutMs,
      signal,
      describe: 'The Mesos master answering',
    });

    // Agents and Marathon need only the master: they start together.
    request.onProgress('agents');
    const marathonRole = roles.find((role) => role.role === 'marathon');
    const marathonStarted = marathonRole ? start(marathonRole) : undefined;
    marathonStarted?.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    const agents = await Promise.all(roles.filter((candidate) => candidate.role === 'agent').map(start));
    await waitFor(
      async () => {
        const state = (await httpJson(`${masterUrl}/state`)) as { activated_slaves?: number };
        return (state.activated_slaves ?? 0) >= agents.length ? true : undefined;
      },
      { timeoutMs, signal, describe: `All ${agents.length} agents registering with the master` },
    );

    let marathon: Started | undefined;
    let marathonUrl: string | undefined;
    if (marathonStarted) {
      request.onProgress('marathon');
      marathon = await marathonStarted;
      marathonUrl = url(marathon.published);
      await waitFor(async () => ((await httpJson(`${marathonUrl}/v2/info`)) ? true : undefined), {
        timeoutMs,
        signal,
        describe: 'Marathon answering',
      });
    }

    // Two views of the same services: published (the attendee's terminal, the bot) and on the
    // cluster's network, where Marathon's apps run and 127.0.0.1:<published port> is nothing.
    const seenFrom = (side: keyof Started) => ({
      master: url(master[side]),
      ...(marathon ? { marathon: url(marathon[side]) } : {}),
      zookeeper: `${zookeeper[side].ip}:${zookeeper[side].port}`,
      agents: agents.map((agent) => url(agent[side])),
    });
    const gateway = await this.gateway(engine.docker, network);
    const endpoints = {
      ...seenFrom('published'),
      ...(Object.keys(engine.appPorts).length > 0 ? { apps: engine.appPorts } : {}),
      ...(engine.relay ? { relay: `${engine.relay.ip}:${engine.relay.port}` } : {}),
    };
    const clusterTokens = minimesosTokens({ ...seenFrom('inCluster'), gateway });
    let warnings: string[] = [];
    if (spec.marathon && marathonUrl && (spec.marathon.apps.length > 0 || spec.marathon.groups.length > 0)) {
      request.onProgress('apps');
      warnings = await installMarathonApps(spec.marathon, marathonUrl, clusterTokens);
      if (warnings.length > 0) request.onProgress('apps', warnings.join('; '));
    }
    request.onProgress('ready');
    return {
      endpoints,
      exports: exportLines({ ...endpoints, gateway }),
      clusterTokens,
      ...(warnings.length > 0 ? { warnings } : {}),
      host: host.id,
    };
  }

  /** Every cluster that has containers on some host (the reaper compares them with the records). */
  async clusterIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (const host of await this.answeringHosts()) {
      const containers = await host.docker
        .listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.deployment}=${this.options.deployment}`] } })
        .catch(() => []);
      for (const container of containers) if (container.Labels[LABELS.cluster]) ids.add(container.Labels[LABELS.cluster]!);
    }
    return [...ids];
  }

  /** A host that does not answer keeps its containers until it does; then the reaper's orphan sweep removes them. */
  async destroy(clusterId: string): Promise<void> {
    await Promise.all((await this.answeringHosts()).map((host) => removeCluster(host.docker, clusterId)));
    await this.options.pool?.release(clusterId);
  }

  /** Hosts that answer now: a paused or unreachable engine would hang every call made to it. */
  private async answeringHosts(): Promise<DockerHost[]> {
    const answers = await Promise.all(this.options.hosts.map((host) => withTimeout(host.docker.ping(), HOST_ANSWER_MS)));
    const answering = this.options.hosts.filter((_, index) => answers[index] !== undefined);
    for (const host of this.options.hosts.filter((candidate) => !answering.includes(candidate)))
      this.options.log.warn({ host: host.id }, 'Docker host does not answer; its clusters are left until it does');
    return answering;
  }

  /**
   * What the cluster reserves on its host: its containers' memory limits (plus the attendee's engine
   * in dind mode), a CPU request per container well under its cap (clusters idle most of the time),
   * and disk.
   */
  private need(roles: RoleContainer[]): ClusterNeed {
    // An engine holds its own copy of the images; shared containers only write logs.
    const diskBytes = this.options.dind ? 2e9 : 2.5e8;
    const memoryBytes = this.options.dind ? engineLimits(roles, this.limits).memoryBytes : rolesMemory(roles);
    return { memoryBytes, nanoCpus: roles.length * CPU_REQUEST, diskBytes };
  }

  /** Where the cluster already is (a re-run), else where the pool has room for it. */
  private async hostFor(clusterId: string, need: ClusterNeed, where: Placement): Promise<DockerHost> {
    const { onlyOn } = where;
    const answering = await this.answeringHosts();
    for (const host of answering) {
      const existing = await host.docker.listContainers({ all: true, filters: clusterFilter(clusterId) });
      if (existing.length > 0) return host;
    }
    // A retry after its host went away: what was built is there, so the build waits for it (visibly) rather than failing.
    const reserved = await this.options.pool?.reservedHost(clusterId);
    if (reserved && !answering.some((host) => host.id === reserved))
      throw new NoCapacityError(
        `the Docker host building your cluster (${reserved}) does not answer`,
        // Its containers are there; a new cluster (a new id) can go to any host that answers.
        this.options.hosts.length > 1
          ? 'it answers again, or `/cluster down` then `/cluster up` to build a new one on another host'
          : 'it answers again',
      );
    if (!this.options.pool) return this.options.hosts.find((host) => host.id === onlyOn) ?? this.options.hosts[0]!;
    try {
      return await this.options.pool.place(clusterId, need, where);
    } catch (error) {
      // Warm builds (onlyOn) never evict; an attendee's build wins over a warm cluster nobody has yet.
      const freed = error instanceof NoCapacityError && onlyOn === undefined ? await this.options.evict?.evictFor(clusterId, need) : null;
      const host = freed && this.options.hosts.find((candidate) => candidate.id === freed.host);
      if (!freed || !host) throw error;
      this.options.log.info({ clusterId, host: host.id, evicted: freed.evicted }, 'a warm cluster gave its room to an attendee');
      await removeCluster(host.docker, freed.evicted);
      await this.options.evict!.forgetEvicted(freed.evicted);
      await this.options.pool.leaveLine(clusterId);
      return host;
    }
  }

  /** What a cluster of this spec reserves on its host (the warm pool builds only where it fits). */
  needFor(spec: ProvisionRequest['spec']): ClusterNeed {
    return this.need(clusterRoles(spec, '0', this.options.images));
  }

  private async ensureNetwork(docker: Docker, clusterId: string, attendee: string): Promise<string> {
    const name = `minimesos-${clusterId}`;
    const existing = await docker.listNetworks({ filters: { name: [name] } });
    if (existing.some((network) => network.Name === name)) return name;
    await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.deployment]: this.options.deployment,
        [LABELS.cluster]: clusterId,
        [LABELS.attendee]: attendee,
      },
    });
    return name;
  }

  private async ensureCreated(
    engine: ClusterEngine,
    role: RoleContainer,
    context: { owner: ClusterOwner; network: string; existing: Docker.ContainerInfo[] },
    signal: AbortSignal,
  ): Promise<CreatedContainer> {
    signal.throwIfAborted();
    const found = context.existing.find(
      (container) => container.Labels[LABELS.role] === role.role && container.Labels[LABELS.index] === String(role.index),
    );
    if (found) return { id: found.Id, running: found.State === 'running' };
    const container = await engine.docker.createContainer(containerOptions(role, { ...context, engine, limits: this.limits }));
    return { id: container.id, running: false };
  }

  private async ensureStarted(
    engine: ClusterEngine,
    role: RoleContainer,
    created: CreatedContainer,
    network: string,
    signal: AbortSignal,
  ): Promise<Started> {
    signal.throwIfAborted();
    const container = engine.docker.getContainer(created.id);
    if (!created.running)
      await container.start().catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 304) throw error; // already running
      });
    const info = await container.inspect();
    const binding = info.NetworkSettings.Ports[`${role.port}/tcp`]?.[0];
    if (!binding) throw new Error(`${role.alias} has no published port ${role.port}`);
    const inCluster = info.NetworkSettings.Networks[network]?.IPAddress;
    if (!inCluster) throw new Error(`${role.alias} has no address on the network ${network}`);
    return { published: engine.reach(Number(binding.HostPort)), inCluster: { ip: inCluster, port: role.port } };
  }

  private async gateway(docker: Docker, network: string): Promise<string> {
    const info = await docker.getNetwork(network).inspect();
    return (info.IPAM?.Config?.[0]?.Gateway as string | undefined) ?? '';
  }
}

/** Errors that mean the connection to the host broke, not that something on it failed. */
const CONNECTION_LOST = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * "socket hang up" is what a build stopped by a host going away says: named for the attendee (and the
 * instructor, who knows the host), it tells them it was not their cluster's doing.
 */
function hostLost(error: unknown, hostId: string): Error | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !CONNECTION_LOST.has(code)) return undefined;
  return new Error(`the Docker host building your cluster (${hostId}) stopped answering (${code})`);
}

const rolesMemory = (roles: RoleContainer[]) => roles.reduce((sum, role) => sum + role.memoryMb * 1024 * 1024, 0);

/** An attendee engine's caps: its containers' memory and the engine's own, their CPU caps, their processes and the engine's. */
export function engineLimits(roles: RoleContainer[], limits: ContainerLimits): EngineLimits {
  return {
    memoryBytes: rolesMemory(roles) + ENGINE_OVERHEAD_BYTES,
    nanoCpus: roles.length * limits.nanoCpus,
    pidsLimit: limits.pidsLimit * (roles.length + 2),
  };
}

/** How minimesos would create one of the cluster's containers: name, labels, limits, published port. */
export function containerOptions(
  role: RoleContainer,
  context: { owner: ClusterOwner; network: string; engine: ClusterEngine; limits: ContainerLimits },
): Docker.ContainerCreateOptions {
  const portKey = `${role.port}/tcp`;
  // The engine publishes the app ports outside on the same numbers (dind); a shared engine has none.
  const appPorts = role.servesAppPorts ? Object.keys(context.engine.appPorts).map((port) => `${port}/tcp`) : [];
  return {
    name: `minimesos-${role.role}-${context.owner.clusterId}-${randomInt(1, 2 ** 32 - 1)}`,
    Image: role.image,
    ...(role.cmd ? { Cmd: role.cmd } : {}),
    Env: role.env,
    Hostname: role.alias,
    Labels: clusterLabels(context.owner, role.role, role.index),
    ExposedPorts: Object.fromEntries([portKey, ...appPorts].map((key) => [key, {}])),
    HostConfig: {
      NetworkMode: context.network,
      PortBindings: {
        [portKey]: [context.engine.portBinding(role)],
        ...Object.fromEntries(appPorts.map((key) => [key, [{ HostIp: '', HostPort: key.replace('/tcp', '') }]])),
      },
      Memory: role.memoryMb * 1024 * 1024,
      NanoCpus: context.limits.nanoCpus,
      PidsLimit: context.limits.pidsLimit,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      ...(role.dockerSocket ? { Binds: ['/var/run/docker.sock:/var/run/docker.sock'] } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [context.network]: { Aliases: [role.alias] } } },
  };
}

/** Removes a cluster's containers, then its network (idempotent). */
export async function removeCluster(docker: Docker, clusterId: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: clusterFilter(clusterId) });
  await Promise.all(
    containers.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true, v: true })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
        }),
    ),
  );
  // An attendee engine's data and a warm cluster's claim marker (see WarmKeeper) are volumes.
  const { Volumes: volumes } = await docker.listVolumes({ filters: clusterFilter(clusterId) });
  await Promise.all((volumes ?? []).map((volume) => removeVolume(docker, volume.Name)));
  const networks = await docker.listNetworks({ filters: clusterFilter(clusterId) });
  await Promise.all(
    networks.map((network) =>
      docker
        .getNetwork(network.Id)
        .remove()
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 404) throw error;
        }),
    ),
  );
}

/** Removes a volume; one still in use by a container another removal (the reaper, a `down`) is removing is tried again. */
async function removeVolume(docker: Docker, name: string, attempts = 10): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status !== 409 || attempts <= 1) throw error;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await removeVolume(docker, name, attempts - 1);
  }
}
