import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import Docker from 'dockerode';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoCapacityError } from '../../../src/clusters/backend.js';
import { specFromFlags } from '../../../src/clusters/minimesos-file/index.js';
import { DockerBackend } from '../../../src/docker/docker-backend.js';
import { parseDockerHosts } from '../../../src/docker/host-address.js';
import { connectDockerHosts } from '../../../src/docker/hosts.js';
import { localImage } from '../../../src/docker/image-names.js';
import { clusterLabels } from '../../../src/docker/labels.js';
import { buildLocalImages } from '../../../src/docker/local-images.js';
import { HostPool } from '../../../src/docker/pool/host-pool.js';
import { UserError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../../support/services.js';

/** The pool measuring the real engine: memory and CPU from `docker info`, free disk with `df` in a throwaway container. */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('host pool on the real engine', () => {
  const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('hostpool') });
  const log = createLogger('silent', { pretty: false });
  const pool = (minFreeDiskBytes: number) =>
    new HostPool(
      connectDockerHosts(parseDockerHosts('')),
      () => redis,
      {
        maxClustersPerHost: 5,
        memoryShare: 0.8,
        cpuOvercommit: 4,
        deployment: 'test-hostpool',
        minFreeDiskBytes,
        diskProbeImage: localImage('zookeeper'),
      },
      log,
    );
  beforeAll(() => buildLocalImages(new Docker({ socketPath: '/var/run/docker.sock' })), 120_000);
  afterAll(() => redis.quit());

  it("measures the host's memory, CPU and free disk", async () => {
    const measured = pool(0);
    await measured.start();
    const [usage] = await measured.usage();
    expect(usage!.memoryBytes).toBeGreaterThan(1e9);
    expect(usage!.nanoCpus).toBeGreaterThanOrEqual(4e9);
    expect(usage!.diskFreeBytes).toBeGreaterThan(1e9);
    expect(usage!.down).toBe(false);
  });

  it("rebuilds what is reserved from the running clusters' labels, so a restart loses nothing", async () => {
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const reserved = { memoryBytes: 123 * 1024 * 1024, nanoCpus: 1e9, diskBytes: 2.5e8 };
    const container = await docker.createContainer({
      Image: localImage('zookeeper'),
      Cmd: ['sleep', '60'],
      Labels: clusterLabels({ deployment: 'test-hostpool', clusterId: 'survivor', attendee: 'U0SURVIVOR', reserved }, 'zookeeper', 0),
    });
    try {
      const restarted = pool(0);
      await restarted.start();
      expect((await restarted.usage())[0]).toMatchObject({ memoryUsed: reserved.memoryBytes, cpuUsed: reserved.nanoCpus, clusters: 1 });
    } finally {
      await container.remove({ force: true });
    }
  });

  it('places nothing on a host whose disk is below its reserve, and says why', async () => {
    const full = pool(1e15); // a reserve no disk has
    await full.start();
    const error = await full.place('needs-disk', { memoryBytes: 1e8, nanoCpus: 1e9, diskBytes: 1e8 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoCapacityError);
    expect((error as Error).message).toBe('no Docker host has room (1 low on disk)');
  });
  it('refuses a cluster bigger than the host could ever take, instead of letting it wait for room forever', async () => {
    const small = pool(0);
    await small.start();
    const error = await small.place('too-big', { memoryBytes: 1e15, nanoCpus: 1e9 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^This cluster needs 931322\.6 GB of memory on one Docker host, and the largest host here gives clusters \d+\.\d GB, so it can never be built here\.$/,
    );
    expect((error as UserError).hint).toContain('Ask for fewer agents');
  });

  it('tells a build that finds room held for attendees who asked before that it waits its turn', async () => {
    const lined = pool(0);
    await lined.start();
    const [host] = await lined.usage();
    const most = { memoryBytes: Math.floor(host!.memoryBytes * 0.6), nanoCpus: 1e9 };
    await lined.place('running', most);
    const full = await lined.place('asked-first', most, { requestedAt: 1 }).catch((caught: unknown) => caught);
    expect(full).toMatchObject({ message: 'all 1 Docker host is full', waitsFor: 'a cluster is removed' });
    await lined.release('running');
    const behind = await lined.place('asked-later', most, { requestedAt: 2 }).catch((caught: unknown) => caught);
    expect(behind).toBeInstanceOf(NoCapacityError);
    expect(behind).toMatchObject({
      message: 'the room there is goes first to attendees who asked before you',
      waitsFor: 'it is your turn',
    });
    expect((await lined.place('asked-first', most, { requestedAt: 1 })).id).toBe(host!.id);
    await lined.release('asked-first');
    await lined.release('asked-later');
  });

  it('a build waiting on a host that does not answer is told it starts when the host answers again', async () => {
    const silent = new HostPool(
      connectDockerHosts(parseDockerHosts('tcp://127.0.0.1:1')),
      () => redis,
      { maxClustersPerHost: 5, memoryShare: 0.8, cpuOvercommit: 4, deployment: 'test-hostpool-silent', minFreeDiskBytes: 0 },
      log,
    );
    await silent.start();
    const error = await silent.place('waits', { memoryBytes: 1e8, nanoCpus: 1e9 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoCapacityError);
    expect(error).toMatchObject({ message: 'no Docker host has room (1 not answering)', waitsFor: 'a Docker host answers again' });
  });
});

/** The engine behind a TCP proxy that can be cut: a host that stops answering, without stopping this machine's dockerd. */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('a build whose Docker host stopped answering (real engine behind a proxy)', () => {
  /** What the retry of a build placed on the proxied engine says once the proxy is cut, with `others` in the pool too. */
  async function retryOnGoneHost(others: string[]): Promise<{ hostId: string; error: unknown }> {
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const engine = connect('/var/run/docker.sock');
      for (const socket of [client, engine]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
      }
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const hostId = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const redis = new Redis(testRedisUrl()!, { keyPrefix: uniquePrefix('hostgone') });
    const log = createLogger('silent', { pretty: false });
    try {
      const hosts = connectDockerHosts(parseDockerHosts([`tcp://${hostId}`, ...others].join(',')));
      const options = { maxClustersPerHost: 5, memoryShare: 0.8, cpuOvercommit: 4, deployment: 'test-hostgone', minFreeDiskBytes: 0 };
      const pool = new HostPool(hosts, () => redis, options, log);
      await pool.start();
      const backend = new DockerBackend({ hosts, pool, images: 'local', deployment: 'test-hostgone', log });
      // The first attempt placed the cluster there; then the host went away.
      await pool.place('4242', { memoryBytes: 1e8, nanoCpus: 1e9 }, { onlyOn: hostId });
      proxy.close();
      for (const socket of sockets) socket.destroy();
      const error = await backend
        .provision({
          attendee: 'U0GONE',
          clusterId: '4242',
          spec: specFromFlags({ agents: 1 }),
          signal: new AbortController().signal,
          onProgress: () => undefined,
        })
        .catch((caught: unknown) => caught);
      return { hostId, error };
    } finally {
      proxy.close();
      await redis.quit();
    }
  }

  it('waits for that host, and says so, instead of failing on a dead connection three times', async () => {
    const { hostId, error } = await retryOnGoneHost([]);
    expect(error).toBeInstanceOf(NoCapacityError);
    expect(error).toMatchObject({
      message: `the Docker host building your cluster (${hostId}) does not answer`,
      waitsFor: 'it answers again',
    });
  });

  it('with other hosts in the pool, says how to get a new cluster on one of them instead of waiting', async () => {
    const { error } = await retryOnGoneHost(['unix:///var/run/docker.sock']);
    expect(error).toMatchObject({
      waitsFor: 'it answers again, or `/cluster down` then `/cluster up` to build a new one on another host',
    });
  });
});
