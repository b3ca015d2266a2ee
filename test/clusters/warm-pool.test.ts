import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFromFlags } from '../../src/clusters/minimesos-file/index.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { WarmPool, warmShape } from '../../src/clusters/warm-pool.js';
import { CapacityLedger } from '../../src/docker/pool/capacity-ledger.js';
import { createLogger } from '../../src/logger.js';
import { Queues } from '../../src/queue/queues.js';
import { type HttpStub, startHttpStub } from '../support/http-stub.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

/** The pool's Redis side: claims under a rush, shapes, and a cluster leaving the pool while it is claimed. */
describe.skipIf(!testRedisUrl())('the warm pool in Redis', () => {
  const log = createLogger('silent', { pretty: false });
  const connections: Redis[] = [];
  const queues: Queues[] = [];
  let master: HttpStub;
  let deadMaster: HttpStub;
  beforeAll(async () => {
    master = await startHttpStub(() => ({ status: 200, body: '{"activated_slaves":1}' }));
    deadMaster = await startHttpStub(() => ({ status: 503, body: '{}' }));
  });
  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await Promise.all(connections.map((connection) => connection.quit()));
    await master.close();
    await deadMaster.close();
  });

  function setup() {
    const prefix = uniquePrefix('warm').slice(0, -1);
    const redis = new Redis(testRedisUrl()!, { keyPrefix: `${prefix}:` });
    connections.push(redis);
    const queue = new Queues(testRedisUrl()!, prefix, log);
    queues.push(queue);
    const config = { warmClusters: 2, clusterTtlMs: 3600_000, dockerHosts: [{ id: 'h1' }, { id: 'h2' }] };
    // h1 holds two clusters; h2 is full (it takes none).
    const ledger = new CapacityLedger(
      () => redis,
      [
        { id: 'h1', memoryBytes: 4e9, nanoCpus: 8e9, maxClusters: 2 },
        { id: 'h2', memoryBytes: 4e9, nanoCpus: 8e9, maxClusters: 0 },
      ],
    );
    return { warm: new WarmPool(() => redis, queue, config), registry: new ClusterRegistry(() => redis), queue, ledger };
  }

  /** A warm cluster built and healthy on `host`, answering at `url`. */
  async function readyCluster(warm: WarmPool, host: string, agents = 1, url = master.url): Promise<string> {
    const id = await warm.add(host, warmShape(specFromFlags({ agents })));
    const endpoints = { master: url, agents: [`${url}/agent`] };
    expect(await warm.markReady(id, { endpoints, exports: [`export MINIMESOS_MASTER=${url}`], clusterTokens: {}, host })).toBe(true);
    return id;
  }

  it('gives each of three ready clusters to exactly one of twenty attendees rushing at once', async () => {
    const { warm, registry } = setup();
    const ids = [await readyCluster(warm, 'h1'), await readyCluster(warm, 'h1'), await readyCluster(warm, 'h2')];
    const attendees = Array.from({ length: 20 }, (_, i) => `U${i}`);
    const claims = await Promise.all(attendees.map((attendee) => warm.claim(attendee, specFromFlags({}), 'C0ROOM')));
    const won = claims.filter((claim) => claim !== null);
    expect(won.map((claim) => claim!.clusterId).sort()).toEqual([...ids].sort());
    // Each winner's record is theirs, ready, with the endpoints and an expiry; the others have none.
    for (const claim of won) {
      const record = (await registry.get(claim!.attendee))!;
      expect(record).toMatchObject({ status: 'ready', clusterId: claim!.clusterId, channel: 'C0ROOM', endpoints: { master: master.url } });
      expect(record.exports).toEqual([`export MINIMESOS_MASTER=${master.url}`]);
      expect(record.expiresAt).toBeGreaterThan(Date.now());
    }
    expect((await registry.list()).length).toBe(3);
    expect(await warm.status()).toEqual([
      { host: 'h1', ready: 0, warming: 0 },
      { host: 'h2', ready: 0, warming: 0 },
    ]);
  });

  it('gives nothing to another shape, or to an attendee who already has a cluster', async () => {
    const { warm, registry } = setup();
    await readyCluster(warm, 'h1', 3);
    expect(await warm.claim('U1', specFromFlags({}))).toBeNull();
    expect(await warm.claim('U1', specFromFlags({ agents: 3, clusterName: 'mine' }))).toBeNull();
    await registry.claim({ attendee: 'U2', kind: 'attached', status: 'ready', endpoints: { master: 'http://203.0.113.5:5050' } });
    expect(await warm.claim('U2', specFromFlags({ agents: 3 }))).toBeNull();
    expect((await warm.claim('U3', specFromFlags({ agents: 3 })))?.spec?.agents).toBe(3);
  });

  it('never hands out a cluster whose master does not answer: it is removed and the next one given', async () => {
    const { warm, registry, queue } = setup();
    const dead = await readyCluster(warm, 'h1', 1, deadMaster.url);
    await readyCluster(warm, 'h2');
    // The dead one is first on the host with most ready clusters: it is tried first.
    const next = await readyCluster(warm, 'h1');
    expect((await warm.claim('U1', specFromFlags({})))?.clusterId).toBe(next);
    expect((await registry.get('U1'))?.endpoints?.master).toBe(master.url);
    expect(await queue.get('clusters').getJob(`down-U1-${dead}`)).toBeDefined();
  });

  it('a cluster taken out of the pool cannot be claimed, and one claimed cannot be taken out', async () => {
    const { warm } = setup();
    const retired = await readyCluster(warm, 'h1');
    expect(await warm.retire(retired)).toBe(true);
    expect(await warm.claim('U1', specFromFlags({}))).toBeNull();
    const claimed = await readyCluster(warm, 'h1');
    expect((await warm.claim('U2', specFromFlags({})))?.clusterId).toBe(claimed);
    expect(await warm.retire(claimed)).toBe(false);
    // A build finishing after its cluster left the pool is told so (it then removes what it made).
    const gone = await warm.add('h1', 'x');
    await warm.retire(gone);
    expect(await warm.markReady(gone, { endpoints: { master: master.url }, exports: [], clusterTokens: {} })).toBe(false);
  });

  const need = { memoryBytes: 2e9, nanoCpus: 1e9 };

  it("gives a ready warm cluster's room to an attendee's build when no host has any, never the one a claim takes", async () => {
    for (let round = 0; round < 10; round++) {
      const { warm, ledger } = setup();
      await ledger.register();
      const ids = [await readyCluster(warm, 'h1'), await readyCluster(warm, 'h1')];
      for (const id of ids) expect(await ledger.reserve(id, need, { onlyOn: 'h1' })).toBe('h1');
      expect(await ledger.reserve('build', need)).toBeNull();
      // The build and two attendees' claims race for the two warm clusters: each goes to one of them.
      const [freed, ...claims] = await Promise.all([
        warm.evictFor('build', need),
        warm.claim('U1', specFromFlags({})),
        warm.claim('U2', specFromFlags({})),
      ]);
      const taken = [freed?.evicted, ...claims.map((claim) => claim?.clusterId)].filter((id) => id !== undefined);
      expect([...taken].sort()).toEqual([...ids].sort());
      if (!freed) continue;
      // The build has the evicted cluster's room on its host, and the host has none left for a warm rebuild.
      expect(freed.host).toBe('h1');
      expect(await ledger.hostOf('build')).toBe('h1');
      expect(await ledger.hostOf(freed.evicted)).toBeNull();
      expect(await ledger.room('h1', need)).toBe(0);
      expect(await warm.status()).toEqual([
        { host: 'h1', ready: 0, warming: 0 },
        { host: 'h2', ready: 0, warming: 0 },
      ]);
      // Until its containers are gone, the keeper does not take it for a warm cluster Redis lost.
      expect(await warm.evicted()).toEqual(new Set([freed.evicted]));
      await warm.forgetEvicted(freed.evicted);
      expect(await warm.evicted()).toEqual(new Set());
      return;
    }
    throw new Error('the build lost every race: eviction never ran');
  });

  it("evicts nothing that is still warming, nor when even a warm cluster's room is too small", async () => {
    const { warm, ledger } = setup();
    await ledger.register();
    const warming = await warm.add('h1', warmShape(specFromFlags({})));
    expect(await ledger.reserve(warming, need, { onlyOn: 'h1' })).toBe('h1');
    const ready = await readyCluster(warm, 'h1');
    expect(await ledger.reserve(ready, need, { onlyOn: 'h1' })).toBe('h1');
    expect(await warm.evictFor('big', { memoryBytes: 3e9, nanoCpus: 1e9 })).toBeNull();
    expect(await warm.evictFor('build', need)).toEqual({ host: 'h1', evicted: ready });
    expect(await warm.evictFor('another', need)).toBeNull();
    expect((await warm.get(warming))?.state).toBe('warming');
  });
});
