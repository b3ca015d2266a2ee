import type { Redis } from 'ioredis';
import type { Exercise } from '../checks/exercise.js';
import type { ExerciseProgress } from '../checks/progress.js';
import type { CheckService } from '../checks/service.js';
import type { ClusterRecord } from '../clusters/cluster-record.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Logger } from '../logger.js';
import { type Notifier, PostRefusedError, RateLimitedError } from '../notify/notifier.js';
import { describeReason } from '../notify/refusals.js';
import type { HomeView } from '../render/blocks.js';
import type { InstructorRoles } from '../workshop/roles.js';
import type { RoomChange, RoomChanges } from './changes.js';
import { type BoardLink, boardUrl } from './link.js';
import type { RoomBoard, RoomSnapshot } from './room.js';

/** What an attendee's Home shows: their cluster (endpoints included: the view is theirs alone) and their progress. */
export interface AttendeeHome {
  user: string;
  cluster: ClusterRecord | null;
  /** The exercise their Check button checks. */
  current: Exercise;
  progress: Array<{ exercise: Exercise; progress: ExerciseProgress }>;
  now: number;
}

/** An instructor's Home: the room, the board's link (or why there is none), and their own part as an attendee. */
export interface InstructorHome {
  room: RoomSnapshot;
  /** The board's secret link; absent when PUBLIC_URL is not set. */
  boardUrl?: string;
  own: AttendeeHome;
}

export interface HomeRenderer {
  attendee(home: AttendeeHome): HomeView;
  instructor(home: InstructorHome): HomeView;
}

export interface HomeTabsDeps {
  redis: () => Redis;
  notifier: Pick<Notifier, 'publishHome'>;
  changes: Pick<RoomChanges, 'listen'>;
  roles: Pick<InstructorRoles, 'isInstructor'>;
  board: Pick<RoomBoard, 'snapshot'>;
  link: Pick<BoardLink, 'token'>;
  checks: Pick<CheckService, 'current' | 'progressOf'>;
  clusters: Pick<ClusterRegistry, 'get'>;
  /** PUBLIC_URL: where the board's link points. */
  publicUrl?: string;
  render: HomeRenderer;
  log: Logger;
  /** A user's Home is published at most once in this window (default 5 s); the last change in it is published at its end. */
  throttleMs?: number;
}

/** Someone whose Home was opened this recently still sees it refreshed on changes. */
const VIEWER_TTL_MS = 12 * 3600_000;

/**
 * Publications under way at once in a process. Slack allows views.publish about 100 times a minute
 * (Tier 4): a session change in a room of 500 viewers is published a few at a time, instructors
 * first, rather than 500 at once (most of them refused, and every other call of the bot held).
 */
const PUBLISHING_AT_ONCE = 2;

/**
 * The bot's App Home tab: published when a user opens it, and again when what it shows changes —
 * an attendee's own cluster or progress; for instructors, anything in the room. Each user's view is
 * published at most once per window, all processes together (a Redis key per user), and the last
 * change in a window is published when it ends, so a view is never left behind. Publications go
 * out a few at a time, instructors' first; a 429 holds them all for its Retry-After and publishes
 * the refused view again then (see PUBLISHING_AT_ONCE).
 */
export class HomeTabs {
  private readonly throttleMs: number;
  /** Users whose publication waits for their window to end, in this process. */
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private stopListening: (() => void) | undefined;
  /** Users whose publication waits for its turn (each once: it renders their Home as it is at its turn). */
  private readonly queued = new Set<string>();
  /** Turns waiting, instructors' first, and how many publications are under way. */
  private readonly turns: { instructors: Array<() => void>; others: Array<() => void> } = { instructors: [], others: [] };
  private publishing = 0;
  /** Slack said 429: nothing is published in this process before then. */
  private heldUntil = 0;

  constructor(private readonly deps: HomeTabsDeps) {
    this.throttleMs = deps.throttleMs ?? 5000;
  }

  /** Refreshes Homes on room changes (in the process that serves Slack). */
  start(): void {
    this.stopListening ??= this.deps.changes.listen((change) => {
      this.changed(change).catch((error: unknown) => this.deps.log.warn({ err: error, change }, 'could not refresh App Home views'));
    });
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  /** `app_home_opened`: remembers the viewer, and shows them their Home. */
  async opened(user: string): Promise<void> {
    const now = Date.now();
    await this.deps
      .redis()
      .multi()
      .zadd(VIEWERS, now, user)
      .zremrangebyscore(VIEWERS, '-inf', now - VIEWER_TTL_MS)
      .exec();
    await this.refresh(user);
  }

  /** Publishes `user`'s Home now if their window allows, else when it ends. `now`: at once (their own Refresh button). */
  async refresh(user: string, options: { now?: boolean } = {}): Promise<void> {
    if (options.now) {
      await this.deps.redis().set(windowKey(user), '1', 'PX', this.throttleMs);
      await this.publish(user);
      return;
    }
    if (this.waiting.has(user)) return;
    const opened = await this.deps.redis().set(windowKey(user), '1', 'PX', this.throttleMs, 'NX');
    if (opened === 'OK') {
      await this.publish(user);
      return;
    }
    this.later(user, await this.deps.redis().pttl(windowKey(user)));
  }

  /** Refreshes `user`'s Home in `ms` (once, however often it is asked meanwhile). */
  private later(user: string, ms: number): void {
    if (this.waiting.has(user)) return;
    this.waiting.set(
      user,
      setTimeout(
        () => {
          this.waiting.delete(user);
          this.refresh(user).catch((error: unknown) => this.deps.log.warn({ err: error, user }, 'could not refresh an App Home view'));
        },
        Math.max(ms, 1),
      ),
    );
  }

  /** Renders `user`'s Home as it is at their turn and publishes it; refused for Slack's rate limit, it is published again after it. */
  async publish(user: string): Promise<void> {
    if (this.queued.has(user)) return;
    this.queued.add(user);
    let instructor: boolean;
    try {
      instructor = await this.deps.roles.isInstructor(user);
      await this.turn(instructor);
    } finally {
      this.queued.delete(user);
    }
    try {
      const held = this.heldUntil - Date.now();
      if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
      const own = await this.attendeeHome(user);
      const view = instructor
        ? this.deps.render.instructor({ room: await this.deps.board.snapshot(own.now), ...(await this.boardLink()), own })
        : this.deps.render.attendee(own);
      await this.deps.notifier.publishHome(user, view);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        this.heldUntil = Math.max(this.heldUntil, Date.now() + error.retryAfterMs);
        this.later(user, error.retryAfterMs);
      } else if (error instanceof PostRefusedError) await this.refused(user, error.reason);
      else throw error;
    } finally {
      this.done();
    }
  }

  /** Waits for a publication slot (instructors' turns first). */
  private async turn(instructor: boolean): Promise<void> {
    if (this.publishing < PUBLISHING_AT_ONCE) {
      this.publishing += 1;
      return;
    }
    // The slot is handed over by done(): the count stays.
    await new Promise<void>((resolve) => (instructor ? this.turns.instructors : this.turns.others).push(resolve));
  }

  private done(): void {
    const next = this.turns.instructors.shift() ?? this.turns.others.shift();
    if (next) next();
    else this.publishing -= 1;
  }

  /**
   * Slack refused `user`'s view. Refused for who they are (deactivated, unknown) or for the whole
   * app (the Home tab off): they are no longer a viewer, so changes stop asking Slack again, until
   * they open the tab again. Refused for what it showed (a bug): they stay, the next change may pass.
   */
  private async refused(user: string, reason: string): Promise<void> {
    const refusal = describeReason(reason);
    if (refusal?.scope === 'content') {
      this.deps.log.error({ user, reason, fix: refusal.fix }, 'Slack refused an App Home view the bot built');
      return;
    }
    await this.deps.redis().zrem(VIEWERS, user);
    this.deps.log.warn(
      { user, reason, fix: refusal?.fix },
      'Slack refused to publish this App Home view; it is not refreshed again until the user opens the tab again',
    );
  }

  private async changed(change: RoomChange): Promise<void> {
    const viewers = await this.deps
      .redis()
      .zrangebyscore(VIEWERS, Date.now() - VIEWER_TTL_MS, '+inf')
      .then((users) => new Set(users));
    const due = new Set<string>();
    if (change.user && viewers.has(change.user)) due.add(change.user);
    // A started or ended exercise changes what everyone's Home shows (their current exercise).
    if (change.kind === 'session') for (const viewer of viewers) due.add(viewer);
    for (const viewer of viewers) if (!due.has(viewer) && (await this.deps.roles.isInstructor(viewer))) due.add(viewer);
    // Each waits for its turn (see publish): a failure of one leaves the others published.
    const failures = (await Promise.allSettled([...due].map((user) => this.refresh(user)))).filter(
      (result) => result.status === 'rejected',
    );
    if (failures.length > 0) throw failures[0]!.reason;
  }

  private async attendeeHome(user: string): Promise<AttendeeHome> {
    const [cluster, current, progress] = await Promise.all([
      this.deps.clusters.get(user),
      this.deps.checks.current(user),
      this.deps.checks.progressOf(user),
    ]);
    return { user, cluster, current, progress, now: Date.now() };
  }

  private async boardLink(): Promise<{ boardUrl?: string }> {
    return this.deps.publicUrl ? { boardUrl: boardUrl(this.deps.publicUrl, await this.deps.link.token()) } : {};
  }
}

const VIEWERS = 'home:viewers';
const windowKey = (user: string) => `home:window:${user}`;
