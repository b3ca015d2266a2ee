import { createHash, randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { publishRoomChange } from '../board/changes.js';
import { type ClusterNeed, hostKey as ledgerHostKey, RESERVATION_KEY_PREFIX, reservationKey } from '../docker/pool/capacity-ledger.js';
import type { Queues } from '../queue/queues.js';
import type { ProvisionedCluster } from './backend.js';
import type { ClusterRecord } from './cluster-record.js';
import { type ClusterSpec, summariseSpec } from './cluster-spec.js';
import { specFromFlags } from './minimesos-file/index.js';

/** The attendee label of a warm cluster until someone claims it. */
export const WARM_ATTENDEE = 'warm';

/** How many warm clusters each Docker host keeps, and of which shape (`/cluster up --agents A`, or a minimesosFile). */
export interface WarmTarget {
  count: number;
  agents: number;
  /** A pasted minimesosFile's spec (`/workshop warm N --minimesosfile`): it decides the shape, not `agents`. */
  spec?: ClusterSpec;
}

/** What `/workshop warm` shows for one host. */
export interface WarmHostStatus {
  host: string;
  ready: number;
  warming: number;
}

/** One warm cluster as the keeper sees it. */
export interface WarmEntry {
  clusterId: string;
  host: string;
  shape: string;
  state: 'warming' | 'ready';
  /** Where its master answers (ready clusters): what the health check asks. */
  master?: string;
}

/** The spec a target builds: exactly what `/cluster up [--agents A]` (or the same minimesosFile) asks for. */
export function warmSpec(target: Pick<WarmTarget, 'agents' | 'spec'>): ClusterSpec {
  return target.spec ?? specFromFlags({ agents: target.agents });
}

/** Two specs with the same shape build the same cluster: only such a request may take a warm one. */
export function warmShape(spec: ClusterSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
}

/** The job the workers run to bring every host's warm clusters to the target (see WarmKeeper). */
export const WARM_REFILL_JOB = 'warm-refill';
export const warmJobId = (clusterId: string) => `warm-${clusterId}`;
/** Warm builds wait behind every attendee's build (priority 10) and every removal. */
export const WARM_PRIORITY = 50;

/**
 * The warm pool's state in Redis: per host a set of warm cluster ids (warming or ready), per host
 * and shape a list of the ready ones, and one hash per warm cluster. `claim` hands one to an attendee
 * in one Lua script, so two attendees racing for the last one never get the same.
 */
export class WarmPool {
  constructor(
    private readonly redis: () => Redis,
    private readonly queues: Queues,
    private readonly config: { warmClusters: number; clusterTtlMs: number; dockerHosts: Array<{ id: string }> },
  ) {}

  async target(): Promise<WarmTarget> {
    const raw = await this.redis().get(TARGET_KEY);
    return raw ? (JSON.parse(raw) as WarmTarget) : { count: this.config.warmClusters, agents: 1 };
  }

  /** `/workshop warm N [--agents A | --minimesosfile …]`: the new target, applied by the workers at once. */
  async setTarget(target: WarmTarget): Promise<void> {
    await this.redis().set(TARGET_KEY, JSON.stringify(target));
    await this.requestRefill();
  }

  /** Asks the workers to bring the pool to its target (after a claim, a change, a start). */
  async requestRefill(): Promise<void> {
    await this.redis().set(DIRTY_KEY, '1');
    await this.queues.get('maintenance').add(WARM_REFILL_JOB, {}, { removeOnComplete: true, removeOnFail: 20 });
  }

  /**
   * Gives a ready warm cluster of the spec's shape to `attendee` as their record (ready, with its
   * endpoints), or null when there is none or the attendee already has a cluster. Atomic: the cluster
   * leaves the pool and the record appears in the same script. One whose master does not answer is
   * removed, never handed out, and the next one is tried.
   */
  async claim(attendee: string, spec: ClusterSpec, channel?: string): Promise<ClusterRecord | null> {
    for (;;) {
      const record = await this.take(attendee, spec, channel);
      if (!record) return null;
      await this.requestRefill();
      if (await masterAnswers(record)) return record;
      await this.redis().multi().del(`cluster:${attendee}`).srem('clusters', attendee).exec();
      // A `down` job (DownJobData) removes it, as /cluster down would.
      await this.queues
        .get('clusters')
        .add('down', { attendee, clusterId: record.clusterId! }, { jobId: `down-${attendee}-${record.clusterId}` });
    }
  }

  private async take(attendee: string, spec: ClusterSpec, channel: string | undefined): Promise<ClusterRecord | null> {
    const redis = this.redis();
    const prefix = redis.options.keyPrefix ?? '';
    const now = Date.now();
    const template: Omit<ClusterRecord, 'clusterId'> = {
      attendee,
      kind: 'provisioned',
      status: 'ready',
      step: 'ready',
      ...(channel ? { channel } : {}),
      request: JSON.stringify(spec),
      spec: summariseSpec(spec),
      createdAt: now,
      updatedAt: now,
      expiresAt: now + this.config.clusterTtlMs,
    };
    const shape = warmShape(spec);
    const lists = this.config.dockerHosts.map((host) => readyKey(host.id, shape));
    const result = await redis.eval(
      CLAIM,
      2 + lists.length,
      `cluster:${attendee}`,
      'clusters',
      ...lists,
      JSON.stringify(template),
      `${prefix}${ENTRY_PREFIX}`,
      `${prefix}${HOST_PREFIX}`,
    );
    if (typeof result !== 'string') return null;
    const record = JSON.parse(result) as ClusterRecord;
    if (record.exports && !Array.isArray(record.exports)) record.exports = [];
    if (record.warnings && !Array.isArray(record.warnings)) delete record.warnings;
    await publishRoomChange(redis, { kind: 'cluster', user: attendee });
    return record;
  }

  /** Ready and warming clusters of each host. */
  async status(): Promise<WarmHostStatus[]> {
    return Promise.all(
      this.config.dockerHosts.map(async (host) => {
        const entries = await this.entries(host.id);
        return {
          host: host.id,
          ready: entries.filter((entry) => entry.state === 'ready').length,
          warming: entries.filter((entry) => entry.state === 'warming').length,
        };
      }),
    );
  }

  // ——— the workers' side (WarmKeeper, the warm build job) ———

  async entries(host: string): Promise<WarmEntry[]> {
    const redis = this.redis();
    const ids = await redis.smembers(hostKey(host));
    const rows = await Promise.all(ids.map((id) => redis.hmget(entryKey(id), 'shape', 'state', 'result')));
    return ids.flatMap((clusterId, index) => {
      const [shape, state, result] = rows[index]!;
      if (!shape || !state) return [];
      const master = result ? (JSON.parse(result) as { endpoints: { master: string } }).endpoints.master : undefined;
      return [{ clusterId, host, shape, state: state as WarmEntry['state'], ...(master ? { master } : {}) }];
    });
  }

  /** Every warm cluster id of every host (what the reaper must not take for an orphan). */
  async allIds(): Promise<string[]> {
    const sets = await Promise.all(this.config.dockerHosts.map((host) => this.redis().smembers(hostKey(host.id))));
    return sets.flat();
  }

  /** A new warm cluster (or one found on a host after a restart) to be built on `host`: its id. */
  async add(host: string, shape: string, clusterId = String(randomInt(1, 2 ** 32 - 1))): Promise<string> {
    await this.redis().multi().hset(entryKey(clusterId), { host, shape, state: 'warming' }).sadd(hostKey(host), clusterId).exec();
    return clusterId;
  }

  /** Whether the cluster is (still) in the pool, unclaimed. */
  async get(clusterId: string): Promise<WarmEntry | null> {
    const [host, shape, state] = await this.redis().hmget(entryKey(clusterId), 'host', 'shape', 'state');
    return host && shape && state ? { clusterId, host, shape, state: state as WarmEntry['state'] } : null;
  }

  /** Built and healthy: it may be handed out. False when it left the pool meanwhile (retired). */
  async markReady(clusterId: string, built: ProvisionedCluster): Promise<boolean> {
    const result = {
      endpoints: built.endpoints,
      exports: built.exports,
      clusterTokens: built.clusterTokens,
      ...(built.warnings ? { warnings: built.warnings } : {}),
      ...(built.host ? { host: built.host } : {}),
    };
    const redis = this.redis();
    const done = await redis.eval(
      MARK_READY,
      1,
      entryKey(clusterId),
      JSON.stringify(result),
      `${redis.options.keyPrefix ?? ''}${READY_PREFIX}`,
      clusterId,
    );
    return done === 1;
  }

  /**
   * Takes the cluster out of the pool unless it was claimed first: true when this call took it (the
   * caller then removes its containers), false when an attendee has it.
   */
  async retire(clusterId: string): Promise<boolean> {
    const redis = this.redis();
    const taken = await redis.eval(RETIRE, 1, entryKey(clusterId), clusterId, `${redis.options.keyPrefix ?? ''}`);
    return taken === 1;
  }

  /**
   * An attendee's build found no room: takes one ready (unclaimed) warm cluster out of the pool on a
   * host where its room is enough for `need`, and gives that room to `clusterId` (its reservation),
   * in one script, so neither a claim nor another build can have it meanwhile. Returns the host and
   * the warm cluster, which the caller removes (then `forgetEvicted`), or null when none frees enough.
   */
  async evictFor(clusterId: string, need: ClusterNeed): Promise<{ host: string; evicted: string } | null> {
    const redis = this.redis();
    const hosts = this.config.dockerHosts.map((host) => host.id);
    const result = (await redis.eval(
      EVICT,
      1 + hosts.length,
      reservationKey(clusterId),
      ...hosts.map(ledgerHostKey),
      need.memoryBytes,
      need.nanoCpus,
      redis.options.keyPrefix ?? '',
      RESERVATION_KEY_PREFIX,
      ...hosts,
    )) as [string, string] | null;
    return result ? { host: result[0], evicted: result[1] } : null;
  }

  /** Evicted clusters whose containers may still run: the keeper must not take them for warm ones lost by Redis. */
  async evicted(): Promise<Set<string>> {
    return new Set(await this.redis().smembers(EVICTED_KEY));
  }

  async forgetEvicted(clusterId: string): Promise<void> {
    await this.redis().srem(EVICTED_KEY, clusterId);
  }

  /**
   * Runs `work` until no refill was asked for meanwhile, unless another process is running it (it
   * will see the request). The lock lapses should its holder die.
   */
  async refillExclusively(work: () => Promise<void>): Promise<boolean> {
    const redis = this.redis();
    const token = String(randomInt(1, 2 ** 47));
    if ((await redis.set(LOCK_KEY, token, 'PX', 120_000, 'NX')) !== 'OK') return false;
    try {
      do {
        await redis.del(DIRTY_KEY);
        await work();
      } while ((await redis.get(DIRTY_KEY)) !== null);
    } finally {
      await redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, LOCK_KEY, token);
    }
    return true;
  }
}

/** A warm cluster is handed out only if its master answers now (it was healthy when the pool last looked). */
async function masterAnswers(record: ClusterRecord): Promise<boolean> {
  return fetch(`${record.endpoints?.master}/state`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
}

const TARGET_KEY = 'warm:target';
const EVICTED_KEY = 'warm:evicted';
const DIRTY_KEY = 'warm:refill-asked';
const LOCK_KEY = 'lock:warm-refill';
const HOST_PREFIX = 'warm:host:';
const ENTRY_PREFIX = 'warm:cluster:';
const READY_PREFIX = 'warm:ready:';
const hostKey = (host: string) => `${HOST_PREFIX}${host}`;
const entryKey = (clusterId: string) => `${ENTRY_PREFIX}${clusterId}`;
const readyKey = (host: string, shape: string) => `${READY_PREFIX}${host}:${shape}`;

// KEYS[1] the attendee's record, KEYS[2] the records' index, KEYS[3..] the ready lists of the shape (one per host).
// ARGV[1] the record without its cluster, ARGV[2] the entry key prefix, ARGV[3] the host set prefix (both with the key prefix).
// The host with most ready clusters gives one; its entry goes, the record comes, in one step.
const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local best, most = nil, 0
for i = 3, #KEYS do
  local n = redis.call('LLEN', KEYS[i])
  if n > most then best, most = KEYS[i], n end
end
if not best then return nil end
local id = redis.call('LPOP', best)
local entry = ARGV[2] .. id
local fields = redis.call('HMGET', entry, 'host', 'result')
redis.call('DEL', entry)
redis.call('SREM', ARGV[3] .. fields[1], id)
local record = cjson.decode(ARGV[1])
record['clusterId'] = id
for field, value in pairs(cjson.decode(fields[2])) do record[field] = value end
local encoded = cjson.encode(record)
redis.call('SET', KEYS[1], encoded)
redis.call('SADD', KEYS[2], record['attendee'])
return encoded
`;

// KEYS[1] the entry; ARGV[1] what the build returned, ARGV[2] the ready lists' prefix (with the key prefix), ARGV[3] the cluster id.
const MARK_READY = `
local fields = redis.call('HMGET', KEYS[1], 'host', 'shape', 'state')
if not fields[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', 'ready', 'result', ARGV[1])
if fields[3] ~= 'ready' then redis.call('RPUSH', ARGV[2] .. fields[1] .. ':' .. fields[2], ARGV[3]) end
return 1
`;

// KEYS[1] the entry; ARGV[1] the cluster id, ARGV[2] the key prefix. A ready cluster is retired only if still in its list.
const RETIRE = `
local fields = redis.call('HMGET', KEYS[1], 'host', 'shape', 'state')
if not fields[1] then return 0 end
if fields[3] == 'ready' and redis.call('LREM', ARGV[2] .. 'warm:ready:' .. fields[1] .. ':' .. fields[2], 0, ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[2] .. 'warm:host:' .. fields[1], ARGV[1])
return 1
`;

// KEYS[1] the build's reservation, KEYS[2..] the ledger's host hashes; ARGV: mem, cpu, the key prefix, the
// reservations' prefix, host ids (same order). A ready warm cluster of a host where its reservation plus the
// free room cover the need leaves its ready list (so no claim can have it), the pool and the ledger; the
// build gets its room. Disk is not counted: the warm cluster frees what the build writes.
const EVICT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local mem, cpu, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
for i = 2, #KEYS do
  local hostId = ARGV[i + 3]
  local h = redis.call('HMGET', KEYS[i], 'memTotal', 'memUsed', 'cpuTotal', 'cpuUsed', 'clusters', 'maxClusters', 'down')
  if h[1] and h[7] ~= '1' then
    for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'warm:host:' .. hostId)) do
      local entry = prefix .. 'warm:cluster:' .. id
      local e = redis.call('HMGET', entry, 'shape', 'state')
      local reservation = prefix .. ARGV[4] .. id
      local r = redis.call('HMGET', reservation, 'host', 'mem', 'cpu')
      if e[2] == 'ready' and r[1] == hostId
        and tonumber(h[1]) - tonumber(h[2] or 0) + tonumber(r[2]) >= mem
        and tonumber(h[3]) - tonumber(h[4] or 0) + tonumber(r[3]) >= cpu
        and tonumber(h[5] or 0) - 1 < tonumber(h[6])
        and redis.call('LREM', prefix .. 'warm:ready:' .. hostId .. ':' .. e[1], 0, id) == 1 then
        redis.call('DEL', entry, reservation)
        redis.call('SREM', prefix .. 'warm:host:' .. hostId, id)
        redis.call('SADD', prefix .. 'warm:evicted', id)
        redis.call('HINCRBY', KEYS[i], 'memUsed', mem - tonumber(r[2]))
        redis.call('HINCRBY', KEYS[i], 'cpuUsed', cpu - tonumber(r[3]))
        redis.call('HSET', KEYS[1], 'host', hostId, 'mem', mem, 'cpu', cpu)
        return {hostId, id}
      end
    end
  end
end
return nil
`;
