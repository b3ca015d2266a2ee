import type { Redis } from 'ioredis';
import type { MessageRef } from '../router/types.js';
import type { ClusterSpecSummary } from './cluster-spec.js';

export type ClusterStatus = 'queued' | 'provisioning' | 'ready' | 'failed' | 'removing';

/** Where a cluster answers, from the bot's point of view. */
export interface ClusterEndpoints {
  master: string;
  marathon?: string;
  /** host:port */
  zookeeper?: string;
  agents?: string[];
  /** dind: the attendee's app ports (e.g. nginx on 80) → the `host:port` that reaches them. */
  apps?: Record<string, string>;
}

/** One attendee's cluster: provisioned by the bot, or attached (their own minimesos, a shared one). */
export interface ClusterRecord {
  attendee: string;
  kind: 'provisioned' | 'attached';
  status: ClusterStatus;
  clusterId?: string;
  clusterName?: string;
  /** What the minimesosFile asked for (provisioned clusters). */
  spec?: ClusterSpecSummary;
  endpoints?: ClusterEndpoints;
  /** The `export MINIMESOS_…` lines, as `minimesos info` prints them. */
  exports?: string[];
  /** The Slack message that shows provisioning progress. */
  progressMessage?: MessageRef;
  step?: string;
  error?: string;
  host?: string;
  createdAt: number;
  updatedAt: number;
  /** When the reaper removes it (provisioned clusters); extended by the attendee's button. */
  expiresAt?: number;
  expiryWarned?: boolean;
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

  /** Stores the record only if the attendee has none; returns the existing one otherwise. */
  async claim(
    record: Omit<ClusterRecord, 'createdAt' | 'updatedAt'>,
  ): Promise<{ claimed: true; record: ClusterRecord } | { claimed: false; record: ClusterRecord }> {
    const now = Date.now();
    const fresh: ClusterRecord = { ...record, createdAt: now, updatedAt: now };
    const result = await this.redis().set(key(record.attendee), JSON.stringify(fresh), 'NX');
    if (result === 'OK') {
      await this.redis().sadd(INDEX, record.attendee);
      return { claimed: true, record: fresh };
    }
    const existing = await this.get(record.attendee);
    // Deleted between the two calls: try once more.
    return existing ? { claimed: false, record: existing } : this.claim(record);
  }

  /**
   * Merges changes into an existing record atomically (a job's progress updates run concurrently);
   * a change to `undefined` removes the field. Returns null when the attendee has none (it was removed).
   */
  async update(attendee: string, changes: Partial<Omit<ClusterRecord, 'attendee' | 'createdAt'>>): Promise<ClusterRecord | null> {
    const encoded = JSON.stringify(changes, (_field, value: unknown) => (value === undefined ? null : value));
    const result = await this.redis().eval(MERGE, 1, key(attendee), encoded, Date.now());
    return typeof result === 'string' ? decode(result) : null;
  }

  async remove(attendee: string): Promise<void> {
    await this.redis().multi().del(key(attendee)).srem(INDEX, attendee).exec();
  }

  async list(): Promise<ClusterRecord[]> {
    const attendees = await this.redis().smembers(INDEX);
    if (attendees.length === 0) return [];
    const values = await this.redis().mget(attendees.map(key));
    return values.filter((value): value is string => value !== null).map(decode);
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

function decode(raw: string): ClusterRecord {
  const record = JSON.parse(raw) as ClusterRecord;
  if (record.exports && !Array.isArray(record.exports)) record.exports = [];
  if (record.endpoints?.agents && !Array.isArray(record.endpoints.agents)) record.endpoints.agents = [];
  return record;
}

const INDEX = 'clusters';
const key = (attendee: string) => `cluster:${attendee}`;
