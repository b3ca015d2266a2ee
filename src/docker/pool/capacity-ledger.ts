import type { Redis } from 'ioredis';

/** What one Docker host offers to attendee clusters. */
export interface HostCapacity {
  id: string;
  memoryBytes: number;
  nanoCpus: number;
  /** At most this many clusters at once, whatever the memory says (bounds concurrent starts too). */
  maxClusters: number;
}

/** What one cluster needs on its host. */
export interface ClusterNeed {
  memoryBytes: number;
  nanoCpus: number;
  /** Disk the cluster will write (images copied into an engine, logs). */
  diskBytes?: number;
}

export interface HostUsage extends HostCapacity {
  memoryUsed: number;
  cpuUsed: number;
  clusters: number;
  down: boolean;
  /** Disk a host still offers (measured free space above its reserve, minus reservations since); unknown: not measured. */
  diskFreeBytes?: number;
}

/**
 * Reserves a cluster's memory/CPU on the host with most free memory, atomically (one Lua script),
 * so a room typing /cluster up in the same second never over-books a host. A reservation is keyed
 * by cluster id: reserving again returns the same host (a retried job lands where it started).
 */
export class CapacityLedger {
  constructor(
    private readonly redis: () => Redis,
    private readonly hosts: HostCapacity[],
  ) {}

  /** Writes the hosts' capacities (keeps what is in use). Call on start. */
  async register(): Promise<void> {
    const pipeline = this.redis().pipeline();
    for (const host of this.hosts) {
      pipeline.hset(hostKey(host.id), { memTotal: host.memoryBytes, cpuTotal: host.nanoCpus, maxClusters: host.maxClusters });
      pipeline.hsetnx(hostKey(host.id), 'memUsed', 0);
      pipeline.hsetnx(hostKey(host.id), 'cpuUsed', 0);
      pipeline.hsetnx(hostKey(host.id), 'clusters', 0);
    }
    await pipeline.exec();
  }

  /** A host's size as measured again (it may have come back, or its disk filled up); keeps what is in use. */
  async update(hostId: string, size: { memoryBytes: number; nanoCpus: number; diskFreeBytes?: number }): Promise<void> {
    const pipeline = this.redis().pipeline().hset(hostKey(hostId), { memTotal: size.memoryBytes, cpuTotal: size.nanoCpus });
    if (size.diskFreeBytes === undefined) pipeline.hdel(hostKey(hostId), 'diskFree');
    else pipeline.hset(hostKey(hostId), 'diskFree', Math.floor(size.diskFreeBytes));
    await pipeline.exec();
  }

  /** The host reserved for the cluster (among `onlyOn`, if given), or null when no healthy host has room. */
  async reserve(clusterId: string, need: ClusterNeed, onlyOn?: string): Promise<string | null> {
    const hostIds = this.hosts.map((host) => host.id).filter((id) => onlyOn === undefined || id === onlyOn);
    const result = await this.redis().eval(
      RESERVE,
      1 + hostIds.length,
      reservationKey(clusterId),
      ...hostIds.map(hostKey),
      need.memoryBytes,
      need.nanoCpus,
      need.diskBytes ?? 0,
      ...hostIds,
    );
    return typeof result === 'string' && result !== '' ? result : null;
  }

  /** Gives the cluster's reservation back (idempotent). */
  async release(clusterId: string): Promise<void> {
    const host = await this.hostOf(clusterId);
    if (host) await this.redis().eval(RELEASE, 2, reservationKey(clusterId), hostKey(host), host);
  }

  /** How many more clusters of this need the host takes now (0 when it is down or full). */
  async room(hostId: string, need: ClusterNeed): Promise<number> {
    const host = (await this.usage()).find((usage) => usage.id === hostId);
    if (!host || host.down) return 0;
    const fits = [
      host.maxClusters - host.clusters,
      Math.floor((host.memoryBytes - host.memoryUsed) / Math.max(need.memoryBytes, 1)),
      Math.floor((host.nanoCpus - host.cpuUsed) / Math.max(need.nanoCpus, 1)),
      ...(host.diskFreeBytes === undefined || !need.diskBytes ? [] : [Math.floor(host.diskFreeBytes / need.diskBytes)]),
    ];
    return Math.max(0, Math.min(...fits));
  }

  async hostOf(clusterId: string): Promise<string | null> {
    return this.redis().hget(reservationKey(clusterId), 'host');
  }

  /** A host that stops answering gets no new clusters until it answers again. */
  async setDown(hostId: string, down: boolean): Promise<void> {
    await this.redis().hset(hostKey(hostId), 'down', down ? 1 : 0);
  }

  async usage(): Promise<HostUsage[]> {
    const pipeline = this.redis().pipeline();
    for (const host of this.hosts) pipeline.hgetall(hostKey(host.id));
    const rows = (await pipeline.exec()) ?? [];
    return this.hosts.map((host, index) => {
      const row = (rows[index]?.[1] ?? {}) as Record<string, string>;
      return {
        ...host,
        ...(row.memTotal ? { memoryBytes: Number(row.memTotal), nanoCpus: Number(row.cpuTotal) } : {}),
        memoryUsed: Number(row.memUsed ?? 0),
        cpuUsed: Number(row.cpuUsed ?? 0),
        clusters: Number(row.clusters ?? 0),
        down: row.down === '1',
        ...(row.diskFree !== undefined ? { diskFreeBytes: Number(row.diskFree) } : {}),
      };
    });
  }

  /**
   * Rebuilds every reservation from what actually runs (container labels on each host), so a
   * restart of Redis or the bot loses nothing and frees what is gone.
   */
  async rebuild(running: Array<{ clusterId: string; hostId: string; need: ClusterNeed }>): Promise<void> {
    const redis = this.redis();
    const stale = await scanKeys(redis, `${RESERVATION_KEY_PREFIX}*`);
    const pipeline = redis.multi();
    if (stale.length > 0) pipeline.del(...stale.map(stripPrefix(redis)));
    const totals = new Map(this.hosts.map((host) => [host.id, { mem: 0, cpu: 0, clusters: 0 }]));
    for (const cluster of running) {
      const total = totals.get(cluster.hostId);
      if (!total) continue;
      total.mem += cluster.need.memoryBytes;
      total.cpu += cluster.need.nanoCpus;
      total.clusters += 1;
      pipeline.hset(reservationKey(cluster.clusterId), { host: cluster.hostId, mem: cluster.need.memoryBytes, cpu: cluster.need.nanoCpus });
    }
    for (const [hostId, total] of totals)
      pipeline.hset(hostKey(hostId), { memUsed: total.mem, cpuUsed: total.cpu, clusters: total.clusters });
    await pipeline.exec();
  }
}

const HOST_KEY_PREFIX = 'pool:host:';
/** The ledger's keys (without ioredis' prefix), for scripts that move a reservation (WarmPool.evictFor). */
export const RESERVATION_KEY_PREFIX = 'pool:reservation:';
export const hostKey = (id: string) => `${HOST_KEY_PREFIX}${id}`;
export const reservationKey = (clusterId: string) => `${RESERVATION_KEY_PREFIX}${clusterId}`;

/** SCAN returns full key names (with ioredis' keyPrefix); commands add the prefix again. */
function stripPrefix(redis: Redis): (key: string) => string {
  const prefix = redis.options.keyPrefix ?? '';
  return (key) => (key.startsWith(prefix) ? key.slice(prefix.length) : key);
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const prefix = redis.options.keyPrefix ?? '';
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}${pattern}`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

// KEYS[1] reservation, KEYS[2..] host hashes; ARGV: mem, cpu, disk, host ids (same order as KEYS[2..]).
// An unmeasured disk (no diskFree) does not block placement.
const RESERVE = `
local existing = redis.call('HGET', KEYS[1], 'host')
if existing then return existing end
local mem = tonumber(ARGV[1])
local cpu = tonumber(ARGV[2])
local disk = tonumber(ARGV[3])
local best, bestFree, bestIndex = nil, -1, nil
for i = 2, #KEYS do
  local h = redis.call('HMGET', KEYS[i], 'memTotal', 'memUsed', 'cpuTotal', 'cpuUsed', 'clusters', 'maxClusters', 'down', 'diskFree')
  if h[1] and h[7] ~= '1' then
    local free = tonumber(h[1]) - tonumber(h[2] or 0)
    local cpuFree = tonumber(h[3]) - tonumber(h[4] or 0)
    local diskOk = (not h[8]) or tonumber(h[8]) >= disk
    if free >= mem and cpuFree >= cpu and diskOk and tonumber(h[5] or 0) < tonumber(h[6]) and free > bestFree then
      best, bestFree, bestIndex = ARGV[i + 2], free, i
    end
  end
end
if not best then return '' end
if redis.call('HEXISTS', KEYS[bestIndex], 'diskFree') == 1 then redis.call('HINCRBY', KEYS[bestIndex], 'diskFree', -disk) end
redis.call('HINCRBY', KEYS[bestIndex], 'memUsed', mem)
redis.call('HINCRBY', KEYS[bestIndex], 'cpuUsed', cpu)
redis.call('HINCRBY', KEYS[bestIndex], 'clusters', 1)
redis.call('HSET', KEYS[1], 'host', best, 'mem', mem, 'cpu', cpu)
return best
`;

// KEYS[1] reservation, KEYS[2] its host; ARGV[1] the host id read before (checked again here).
const RELEASE = `
local r = redis.call('HMGET', KEYS[1], 'host', 'mem', 'cpu')
if r[1] ~= ARGV[1] then return 0 end
redis.call('HINCRBY', KEYS[2], 'memUsed', -tonumber(r[2]))
redis.call('HINCRBY', KEYS[2], 'cpuUsed', -tonumber(r[3]))
redis.call('HINCRBY', KEYS[2], 'clusters', -1)
redis.call('DEL', KEYS[1])
return 1
`;
