import type { Redis } from 'ioredis';
import { publishRoomChange } from '../board/changes.js';
import type { ClusterStatus } from '../clusters/cluster-record.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import { hasVisibleCharacters, withoutInvisible } from '../render/visible.js';

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
      const name = names[user] === undefined ? undefined : tidyName(names[user]);
      attendees.push({ user, joinedAt: Number(joined[i + 1]), ...(name ? { name } : {}) });
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

/** Longest name shown, in characters as people count them (Slack's own limit for display names). */
export const NAME_MAX_CHARACTERS = 80;

/**
 * A display name as every surface shows it (Slack lists, the board, the results' CSV), whatever
 * Slack (or a bot, or an old Enterprise profile) sent: characters that are invisible or reorder the
 * text around them (bidi overrides and isolates, zero-width spaces, BOM, soft hyphens, Hangul
 * fillers) are dropped; control characters and runs of spaces or line breaks become one space; a
 * run of more than four combining marks ("Zalgo") is cut to four; the name is cut to
 * NAME_MAX_CHARACTERS graphemes with "…". A name with nothing visible left is no name (absent): the
 * attendee is then shown by their user id, never as a blank.
 */
export function tidyName(raw: string): string | undefined {
  // Far more than 80 graphemes take, however composed: the rest of a huge name is never read.
  const head = raw.slice(0, 2048);
  // Names are read for every board and roster: each is tidied once (a room has a few hundred).
  if (TIDIED.has(head)) return TIDIED.get(head);
  if (TIDIED.size >= TIDIED_MAX) TIDIED.clear();
  const name = tidy(head);
  TIDIED.set(head, name);
  return name;
}

const TIDIED = new Map<string, string | undefined>();
const TIDIED_MAX = 2000;

function tidy(raw: string): string | undefined {
  const clean = withoutInvisible(raw).replace(SPACES, ' ').replace(MARK_RUN, '$1').trim();
  if (!hasVisibleCharacters(clean)) return undefined;
  // No more UTF-16 units than the limit means no more graphemes either: the common case, read for every board.
  if (clean.length <= NAME_MAX_CHARACTERS) return clean;
  // Graphemes read one by one, up to the first past the limit (reading a whole long name costs more).
  let count = 0;
  let kept = 0;
  for (const { segment } of GRAPHEMES.segment(clean)) {
    count += 1;
    if (count > NAME_MAX_CHARACTERS) return `${clean.slice(0, kept).trimEnd()}…`;
    // The first NAME_MAX_CHARACTERS - 1 graphemes stay; "…" is the last.
    if (count < NAME_MAX_CHARACTERS) kept += segment.length;
  }
  return clean;
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

const SPACES = /[\p{Cc}\p{Z}]+/gu;
const MARK_RUN = /(\p{M}{4})\p{M}+/gu;

const ATTENDEES = 'attendees';
const NAMES = 'attendee-names';
