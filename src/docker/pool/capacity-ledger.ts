import type { Redis } from 'ioredis';

/** What one Docker host offers to attendee clusters. */
export interface HostCapacity {
  id: string;
  memoryBytes: number;
  nanoCpus: number;
  /** At most this many clusters at once, whatever the memory says (bounds concurrent starts too). */
  maxClusters: number;
}

/** Where a cluster may go: `onlyOn` that host (a warm cluster), and its place in line (`requestedAt`: when its attendee asked). */
export interface Placement {
  onlyOn?: string;
  requestedAt?: number;
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

  /**
   * The host reserved for the cluster, or null when no healthy host has room for it. An attendee's
   * build (`requestedAt`: when they asked) that finds no room joins the line, and room goes to those
   * in line first, oldest first: a build retrying every few seconds never overtakes one that waits
   * longer. The oldest build in line that fits nowhere yet holds one host (where it will fit first):
   * smaller builds asking later may use the other hosts' room, never that one's. One that stops asking
   * (removed, its worker gone) loses its place after LINE_STALE_MS. Builds without `requestedAt`
   * (warm clusters) come after everyone in line.
   */
  async reserve(clusterId: string, need: ClusterNeed, options: Placement = {}): Promise<string | null> {
    const hostIds = this.hosts.map((host) => host.id);
    const result = await this.redis().eval(
      RESERVE,
      3 + hostIds.length,
      reservationKey(clusterId),
      LINE_KEY,
      LINE_NEEDS_KEY,
      ...hostIds.map(hostKey),
      need.memoryBytes,
      need.nanoCpus,
      need.diskBytes ?? 0,
      options.requestedAt ?? '',
      Date.now(),
      LINE_STALE_MS,
      options.onlyOn ?? '',
      clusterId,
      ...hostIds,
    );
    return typeof result === 'string' && result !== '' ? result : null;
  }

  /** Leaves the line without a reservation from it (a warm cluster gave the build its room). */
  async leaveLine(clusterId: string): Promise<void> {
    await this.redis().multi().zrem(LINE_KEY, clusterId).hdel(LINE_NEEDS_KEY, clusterId).exec();
  }

  /** Gives the cluster's reservation back (idempotent). */
  async release(clusterId: string): Promise<void> {
    await this.leaveLine(clusterId);
    const host = await this.hostOf(clusterId);
    if (host) await this.redis().eval(RELEASE, 2, reservationKey(clusterId), hostKey(host), host);
  }

  /** How many more clusters of this need the host takes now (0 when it is down or full). */
  async room(hostId: string, need: ClusterNeed): Promise<number> {
    const host = (await this.usage()).find((usage) => usage.id === hostId);
    return host ? roomOn(host, need) : 0;
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

/** How many clusters of this need the host takes as its usage stands (0 when it is down or full). */
export function roomOn(host: HostUsage, need: ClusterNeed): number {
  if (host.down) return 0;
  const fits = [
    host.maxClusters - host.clusters,
    Math.floor((host.memoryBytes - host.memoryUsed) / Math.max(need.memoryBytes, 1)),
    Math.floor((host.nanoCpus - host.cpuUsed) / Math.max(need.nanoCpus, 1)),
    ...(host.diskFreeBytes === undefined || !need.diskBytes ? [] : [Math.floor(host.diskFreeBytes / need.diskBytes)]),
  ];
  return Math.max(0, Math.min(...fits));
}

/**
 * The line for room the host pool keeps (CapacityLedger.reserve): cluster ids scored by when their
 * attendee asked, and what each needs and when it last looked for room (`mem cpu disk seenAt`).
 */
export const LINE_KEY = 'pool:line';
export const LINE_NEEDS_KEY = 'pool:line:needs';
/** A build in line looks for room every 5 s; one silent this long is gone (or its worker is) and keeps nobody waiting. */
export const LINE_STALE_MS = 60_000;

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

// KEYS[1] reservation, KEYS[2] the line, KEYS[3] what those in line need, KEYS[4..] host hashes.
// ARGV: mem, cpu, disk, requestedAt ('' = not in line), now, staleMs, onlyOn ('' = any), cluster id,
// host ids (same order as KEYS[4..]). An unmeasured disk (no diskFree) does not block placement.
const RESERVE = `
local existing = redis.call('HGET', KEYS[1], 'host')
if existing then return existing end
local mem, cpu, disk = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local requestedAt, now, staleMs, onlyOn, me = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
local hosts = {}
for i = 4, #KEYS do
  local h = redis.call('HMGET', KEYS[i], 'memTotal', 'memUsed', 'cpuTotal', 'cpuUsed', 'clusters', 'maxClusters', 'down', 'diskFree')
  if h[1] and h[7] ~= '1' then
    table.insert(hosts, {
      key = KEYS[i], id = ARGV[i + 5],
      mem = tonumber(h[1]) - tonumber(h[2] or 0), cpu = tonumber(h[3]) - tonumber(h[4] or 0),
      slots = tonumber(h[6]) - tonumber(h[5] or 0), disk = h[8] and tonumber(h[8]),
      memTotal = tonumber(h[1]), cpuTotal = tonumber(h[3]), maxClusters = tonumber(h[6]),
    })
  end
end
-- The host with most free memory that fits (on onlyOn, if given).
local function best(m, c, d, only)
  local chosen = nil
  for _, h in ipairs(hosts) do
    if (only == '' or h.id == only) and h.mem >= m and h.cpu >= c and h.slots > 0 and (not h.disk or h.disk >= d)
      and (not chosen or h.mem > chosen.mem) then chosen = h end
  end
  return chosen
end
-- The host a build that fits nowhere now would fit on first: of those big enough for it, the one with most free memory.
local function closest(m, c)
  local chosen = nil
  for _, h in ipairs(hosts) do
    if h.memTotal >= m and h.cpuTotal >= c and h.maxClusters > 0 and (not chosen or h.mem > chosen.mem) then chosen = h end
  end
  return chosen
end
-- Those in line before this build take their room first (on paper), each where it would go. The
-- first of them that fits nowhere yet holds the host it will fit on first: room freed there waits
-- for it, so builds smaller than it cannot pass it for as long as the pool stays busy.
local holding = false
local ahead = requestedAt == '' and redis.call('ZRANGE', KEYS[2], 0, -1) or redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. requestedAt)
for _, other in ipairs(ahead) do
  local entry = redis.call('HGET', KEYS[3], other)
  local m, c, d, seen = string.match(entry or '', '^(%S+) (%S+) (%S+) (%S+)$')
  if other ~= me and seen and tonumber(seen) >= now - staleMs then
    local h = best(tonumber(m), tonumber(c), tonumber(d), '')
    if h then
      h.mem, h.cpu, h.slots = h.mem - tonumber(m), h.cpu - tonumber(c), h.slots - 1
      if h.disk then h.disk = h.disk - tonumber(d) end
    elseif not holding then
      local held = closest(tonumber(m), tonumber(c))
      if held then
        held.slots = 0
        holding = true
      end
    end
  elseif other ~= me then
    redis.call('ZREM', KEYS[2], other)
    redis.call('HDEL', KEYS[3], other)
  end
end
local chosen = best(mem, cpu, disk, onlyOn)
if not chosen then
  if requestedAt ~= '' then
    redis.call('ZADD', KEYS[2], 'NX', requestedAt, me)
    redis.call('HSET', KEYS[3], me, mem .. ' ' .. cpu .. ' ' .. disk .. ' ' .. now)
  end
  return ''
end
if chosen.disk and disk > 0 then redis.call('HINCRBY', chosen.key, 'diskFree', -disk) end
redis.call('HINCRBY', chosen.key, 'memUsed', mem)
redis.call('HINCRBY', chosen.key, 'cpuUsed', cpu)
redis.call('HINCRBY', chosen.key, 'clusters', 1)
redis.call('HSET', KEYS[1], 'host', chosen.id, 'mem', mem, 'cpu', cpu)
redis.call('ZREM', KEYS[2], me)
redis.call('HDEL', KEYS[3], me)
return chosen.id
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
