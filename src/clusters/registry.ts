import { randomUUID } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { publishRoomChange, queueRoomChange, roomChangesChannel } from '../board/changes.js';
import type { MessageRef } from '../render/blocks.js';
import type { ClusterRecord } from './cluster-record.js';

export type NewClusterRecord = Omit<ClusterRecord, 'createdAt' | 'updatedAt'>;

/** What is left of a cluster the reaper removed at its time limit. */
export interface ExpiredCluster {
  clusterId: string;
  clusterName?: string;
  expiredAt: number;
}

/**
 * Clusters by attendee in Redis (one JSON value per attendee, so a record is read and written
 * whole). `claim` is atomic, which is what makes "one cluster per attendee" hold under a rush.
 */
export class ClusterRegistry {
  constructor(private readonly redis: () => Redis) {}

  async get(attendee: string): Promise<ClusterRecord | null> {
    const raw = await this.redis().get(key(attendee));
    return raw ? decode(raw) : null;
  }

  /** Several attendees' records in one round trip, in their order (null: none). */
  async getMany(attendees: string[]): Promise<Array<ClusterRecord | null>> {
    if (attendees.length === 0) return [];
    return (await this.redis().mget(attendees.map(key))).map((raw) => (raw ? decode(raw) : null));
  }

  /** Stores the record only if the attendee has none; returns the existing one otherwise. */
  async claim(record: NewClusterRecord): Promise<{ claimed: true; record: ClusterRecord } | { claimed: false; record: ClusterRecord }> {
    const fresh = stamped(record);
    const result = await this.redis().set(key(record.attendee), JSON.stringify(fresh), 'NX');
    if (result === 'OK') {
      await this.redis().sadd(INDEX, record.attendee);
      await this.changed(record.attendee);
      return { claimed: true, record: fresh };
    }
    const existing = await this.get(record.attendee);
    // Deleted between the two calls: try once more.
    return existing ? { claimed: false, record: existing } : this.claim(record);
  }

  /**
   * Queues the claim onto `transaction` (a MULTI on a connection without this registry's key prefix,
   * such as the queue's), so it happens together with whatever else the transaction holds. Its first
   * result is 'OK' when the record was stored, null when the attendee already had one.
   */
  queueClaim(transaction: ChainableCommander, record: NewClusterRecord): ClusterRecord {
    const fresh = stamped(record);
    const prefix = this.redis().options.keyPrefix ?? '';
    transaction.set(`${prefix}${key(record.attendee)}`, JSON.stringify(fresh), 'NX').sadd(`${prefix}${INDEX}`, record.attendee);
    queueRoomChange(transaction, roomChangesChannel(this.redis()), { kind: 'cluster', user: record.attendee });
    return fresh;
  }

  /**
   * Records the cluster's progress message unless it already has one (two processes may post it: the
   * first to record it wins). Returns the message in place, or null when the record is gone or is for
   * another cluster.
   */
  async adoptProgressMessage(attendee: string, clusterId: string, ref: MessageRef): Promise<MessageRef | null> {
    const result = await this.redis().eval(ADOPT, 1, key(attendee), clusterId, JSON.stringify(ref), Date.now());
    return typeof result === 'string' ? (JSON.parse(result) as MessageRef) : null;
  }

  /**
   * Runs `work` unless another process is running it under the same `name` (a sweep must not run twice
   * at once); the lock lapses after `ttlMs` should its holder die. Returns undefined when it was busy.
   */
  async exclusively<T>(name: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
    const token = randomUUID();
    if ((await this.redis().set(`lock:${name}`, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    try {
      return await work();
    } finally {
      await this.redis().eval(UNLOCK, 1, `lock:${name}`, token);
    }
  }

  /**
   * Merges changes into an existing record atomically (a job's progress updates run concurrently);
   * a change to `undefined` removes the field. Returns null when the attendee has none (it was removed).
   */
  async update(attendee: string, changes: Partial<Omit<ClusterRecord, 'attendee' | 'createdAt'>>): Promise<ClusterRecord | null> {
    const encoded = JSON.stringify(changes, (_field, value: unknown) => (value === undefined ? null : value));
    const result = await this.redis().eval(MERGE, 1, key(attendee), encoded, Date.now());
    if (typeof result !== 'string') return null;
    await this.changed(attendee);
    return decode(result);
  }

  /** Removes the attendee's cluster record, and the note of an earlier one's expiry (that one is old news now). */
  async remove(attendee: string): Promise<void> {
    const redis = this.redis();
    await queueRoomChange(redis.multi().del(key(attendee), expiredKey(attendee)).srem(INDEX, attendee), roomChangesChannel(redis), {
      kind: 'cluster',
      user: attendee,
    }).exec();
  }

  /** Removes an expired cluster's record, keeping for a day what lets `/cluster info` say why it is gone. */
  async removeExpired(record: ClusterRecord, expiredAt: number): Promise<void> {
    await this.remove(record.attendee);
    const note: ExpiredCluster = {
      clusterId: record.clusterId ?? '',
      ...(record.clusterName ? { clusterName: record.clusterName } : {}),
      expiredAt,
    };
    await this.redis().set(expiredKey(record.attendee), JSON.stringify(note), 'EX', 24 * 3600);
  }

  /** The attendee's last cluster, if the reaper removed it at its time limit within the last day. */
  async expired(attendee: string): Promise<ExpiredCluster | null> {
    const raw = await this.redis().get(expiredKey(attendee));
    return raw ? (JSON.parse(raw) as ExpiredCluster) : null;
  }

  /** The board and App Home show clusters: tell them this one changed. */
  private changed(attendee: string): Promise<void> {
    return publishRoomChange(this.redis(), { kind: 'cluster', user: attendee });
  }

  async list(): Promise<ClusterRecord[]> {
    const attendees = await this.redis().smembers(INDEX);
    if (attendees.length === 0) return [];
    return (await this.getMany(attendees)).filter((record): record is ClusterRecord => record !== null);
  }
}

// Redis' cjson: null in the changes deletes a field. It writes empty arrays as {}, which decode() undoes.
const MERGE = `
local current = redis.call('GET', KEYS[1])
if not current then return nil end
local record = cjson.decode(current)
for field, value in pairs(cjson.decode(ARGV[1])) do
  if value == cjson.null then record[field] = nil else record[field] = value end
end
record['updatedAt'] = tonumber(ARGV[2])
local encoded = cjson.encode(record)
redis.call('SET', KEYS[1], encoded)
return encoded
`;

const ADOPT = `
local current = redis.call('GET', KEYS[1])
if not current then return nil end
local record = cjson.decode(current)
if record['clusterId'] ~= ARGV[1] then return nil end
if record['progressMessage'] then return cjson.encode(record['progressMessage']) end
record['progressMessage'] = cjson.decode(ARGV[2])
record['updatedAt'] = tonumber(ARGV[3])
redis.call('SET', KEYS[1], cjson.encode(record))
return ARGV[2]
`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function stamped(record: NewClusterRecord): ClusterRecord {
  const now = Date.now();
  return { ...record, createdAt: now, updatedAt: now };
}

function decode(raw: string): ClusterRecord {
  const record = JSON.parse(raw) as ClusterRecord;
  if (record.exports && !Array.isArray(record.exports)) record.exports = [];
  if (record.endpoints?.agents && !Array.isArray(record.endpoints.agents)) record.endpoints.agents = [];
  return record;
}

const INDEX = 'clusters';
const key = (attendee: string) => `cluster:${attendee}`;
const expiredKey = (attendee: string) => `cluster-expired:${attendee}`;
