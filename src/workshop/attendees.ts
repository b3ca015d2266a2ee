import type { Redis } from 'ioredis';
import { publishRoomChange } from '../board/changes.js';
import type { ClusterStatus } from '../clusters/cluster-record.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';

export interface Attendee {
  user: string;
  /** Their Slack display name, once it could be read. */
  name?: string;
  joinedAt: number;
}

/** Where an attendee is in the exercises, as the checks engine records it. */
export interface ProgressSummary {
  exercise: string;
  passed: number;
  steps: number;
}

/** The checks engine's answer for many attendees at once (absent: nothing checked yet). */
export type ProgressLookup = (users: string[]) => Promise<Map<string, ProgressSummary>>;

export interface RosterEntry extends Attendee {
  /** Absent: no cluster. */
  cluster?: ClusterStatus;
  progress?: ProgressSummary;
}

/** After Slack refuses a name lookup (rate limit, error), this process leaves names alone this long. */
const NAME_PAUSE_MS = 60_000;

/**
 * Everyone who used the bot: any command registers its user (`attendees`, a sorted set by first
 * use), and their display name is read from Slack once (`attendee-names`), not on every command.
 */
export class AttendeeRegistry {
  private namesPausedUntil = 0;
  private readonly naming = new Set<string>();

  constructor(
    private readonly redis: () => Redis,
    private readonly notifier: Pick<Notifier, 'displayName'>,
    private readonly log: Logger,
    private readonly progress?: ProgressLookup,
  ) {}

  /** Idempotent: the first call records when they joined; later ones only fill in a missing name. */
  async register(user: string, now = Date.now()): Promise<void> {
    const results = (await this.redis().multi().zadd(ATTENDEES, 'NX', now, user).hexists(NAMES, user).exec()) ?? [];
    const failed = results.find(([error]) => error)?.[0];
    if (failed) throw failed;
    if (results[0]?.[1] === 1) await publishRoomChange(this.redis(), { kind: 'attendee', user });
    const named = results[1]?.[1];
    if (named === 1 || this.naming.has(user) || Date.now() < this.namesPausedUntil) return;
    this.naming.add(user);
    try {
      const name = await this.notifier.displayName(user);
      if (name) {
        await this.redis().hset(NAMES, user, name);
        await publishRoomChange(this.redis(), { kind: 'attendee', user });
      } else this.namesPausedUntil = Date.now() + NAME_PAUSE_MS;
    } catch (error) {
      this.namesPausedUntil = Date.now() + NAME_PAUSE_MS;
      this.log.warn({ user, err: error }, 'could not read an attendee display name; it is tried again on a later command');
    } finally {
      this.naming.delete(user);
    }
  }

  /** Everyone, in the order they joined. */
  async list(): Promise<Attendee[]> {
    const [joined, names] = await Promise.all([this.redis().zrange(ATTENDEES, 0, -1, 'WITHSCORES'), this.redis().hgetall(NAMES)]);
    const attendees: Attendee[] = [];
    for (let i = 0; i < joined.length; i += 2) {
      const user = joined[i]!;
      attendees.push({ user, joinedAt: Number(joined[i + 1]), ...(names[user] ? { name: names[user] } : {}) });
    }
    return attendees;
  }

  /** Everyone with their cluster's status and exercise progress, by name. */
  async roster(clusters: Pick<ClusterRegistry, 'list'>): Promise<RosterEntry[]> {
    const [attendees, records] = await Promise.all([this.list(), clusters.list()]);
    const progress = this.progress ? await this.progress(attendees.map((attendee) => attendee.user)) : new Map<string, ProgressSummary>();
    const status = new Map(records.map((record) => [record.attendee, record.status]));
    return attendees
      .map((attendee) => {
        const cluster = status.get(attendee.user);
        const done = progress.get(attendee.user);
        return { ...attendee, ...(cluster ? { cluster } : {}), ...(done ? { progress: done } : {}) };
      })
      .sort((a, b) => (a.name ?? a.user).localeCompare(b.name ?? b.user, 'en', { sensitivity: 'base' }));
  }

  /** Whether the roster can show exercise progress (the checks engine is wired in). */
  get tracksProgress(): boolean {
    return this.progress !== undefined;
  }
}

const ATTENDEES = 'attendees';
const NAMES = 'attendee-names';
