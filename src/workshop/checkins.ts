import { randomBytes } from 'node:crypto';
import type { Job, JobsOptions, Processor, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { publishRoomChange } from '../board/changes.js';
import type { Exercise } from '../checks/exercise.js';
import { lastAdvance } from '../checks/progress.js';
import {
  type CheckService,
  CURRENT_EXERCISE_KEY,
  type ExerciseResult,
  type PreparedCheck,
  type ProbedCheck,
  type StepResult,
} from '../checks/service.js';
import type { ClusterStatus } from '../clusters/cluster-record.js';
import type { ClusterRegistry } from '../clusters/registry.js';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../notify/notifier.js';
import type { Queues } from '../queue/queues.js';
import type { Message } from '../render/blocks.js';
import type { AttendeeRegistry } from './attendees.js';
import { Ledger, type OncePoster, Pacer, postInterval, postOncePaced } from './broadcast.js';
import type { InstructorRoles } from './roles.js';

/** `/workshop checkins on [every …]`: at least a minute apart, at most two hours; ten minutes unless told. */
export const MIN_EVERY_MS = 60_000;
export const MAX_EVERY_MS = 2 * 3600_000;
export const DEFAULT_EVERY_MS = 10 * 60_000;

/** Message metadata types: what `wasPosted` looks for after a crash. */
export const NUDGE_TAG = 'workshop_checkin_nudge';
export const SUMMARY_TAG = 'workshop_checkin_summary';

/** The one BullMQ job scheduler of the room's check-ins (in Redis: it outlives every process). */
const SCHEDULER = 'checkins';

/** Check-ins while they are on: how often, and who turned them on (and gets the summaries). */
export interface CheckinSchedule {
  everyMs: number;
  by: string;
  /** When the next sweep is due. */
  nextAt?: number;
}

/** What one sweep found for one attendee. */
export type AttendeeOutcome =
  | { status: 'done' }
  /** Not finished, and moved on recently (or waits for an earlier step). */
  | { status: 'working' }
  /** Nothing passed for CHECKIN_STUCK_MINUTES; `nudge` says what became of their DM for this step (`nudgeFailure`: Slack's reason). */
  | { status: 'stuck'; step: string; since: number; nudge: NudgeFate; nudgeFailure?: string }
  | { status: 'no-cluster'; cluster?: ClusterStatus }
  | { status: 'error'; reason: string };

/** Where a check found an attendee, and the nudge due if they are stuck. */
export interface Assessment {
  outcome: AttendeeOutcome;
  nudge?: Nudge;
}

/** `sent` now, `earlier` (a sweep before nudged them on this step), `quiet` (they pressed "stop nudging me"), `failed` (Slack refused). */
export type NudgeFate = 'sent' | 'earlier' | 'quiet' | 'failed';

/** Everything the instructor's summary says about one sweep. */
export interface SweepSummary {
  id: string;
  /** The instructor who gets it. */
  by: string;
  exercise: { id: string; number: number; title: string };
  /** Attendees in the room (instructors left out). */
  total: number;
  done: string[];
  working: string[];
  /** Stuck attendees by step, in the exercise's order (steps with nobody stuck left out). */
  stuck: Array<{
    step: { id: string; title: string };
    attendees: Array<{ user: string; since: number; nudge: NudgeFate; nudgeFailure?: string }>;
  }>;
  noCluster: Array<{ user: string; cluster?: ClusterStatus }>;
  errors: Array<{ user: string; reason: string }>;
  startedAt: number;
  /** How long without a pass makes an attendee stuck (CHECKIN_STUCK_MINUTES). */
  stuckMs: number;
}

/** A nudge to one stuck attendee: their first failing step, with the hint /check would show now. */
export interface Nudge {
  user: string;
  exercise: Exercise;
  step: StepResult;
  result: ExerciseResult;
  stuckForMs: number;
}

/** The worker's renderings, injected by its composition root (engines do not format Slack). */
export interface CheckinMessages {
  nudge(nudge: Nudge): Message;
  summary(summary: SweepSummary): Message;
}

/** A sweep's records live a day; nudge ledgers a week (a step is nudged once, however many sweeps). */
const SWEEP_TTL_MS = 24 * 3600_000;
/**
 * A sweep checks its attendees in batches of up to this many, one after the other within a batch
 * (fewer when the room is small, so that every one of the CHECKIN_CONCURRENCY slots gets some):
 * a batch's clusters and progress are read in one round trip, and its checks recorded in another.
 */
const MAX_BATCH = 10;
/**
 * A sweep that failed on our side (Redis away, the worker killed) runs again: it finds the room it
 * listed and skips the attendees already settled. A cluster that does not answer is a result, not a failure.
 */
const SWEEP_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 50, removeOnFail: 50 };

export interface CheckinDeps {
  checks: CheckService;
  attendees: Pick<AttendeeRegistry, 'list'>;
  clusters: Pick<ClusterRegistry, 'list'>;
  roles: Pick<InstructorRoles, 'isInstructor'>;
  /** The session a sweep belongs to: nudges are once per step and session (day 2 of a workshop nudges again). */
  session: { current(): Promise<{ id: string } | undefined> };
}

/**
 * `/workshop checkins`: a BullMQ job scheduler queues a `sweep` job every N minutes (a sweep can also
 * be queued at once). A sweep lists the room once (its attendees and who has a ready cluster), then
 * checks the attendees with a cluster in batches, CHECKIN_CONCURRENCY at a time, through the same
 * engine as /check, so progress is recorded as /check records it. It runs as one job: a batch is a
 * few milliseconds of work on a quiet cluster, and a job of its own would cost about as much in queue
 * round trips. An attendee with no pass for CHECKIN_STUCK_MINUTES gets a DM with the hint of
 * their first failing step, once per step: the nudge goes through the broadcasts' ledger, keyed by
 * session, exercise and step, so retries, overlapping sweeps and dead workers never post it twice. When every
 * attendee of the sweep has an outcome, the instructor gets a summary, posted once the same way.
 */
export class CheckinService {
  constructor(
    private readonly redis: () => Redis,
    private readonly queues: Queues,
    private readonly deps: CheckinDeps,
    readonly settings: Pick<Config, 'checkinStuckMs' | 'checkinConcurrency' | 'broadcastPerMinute'>,
  ) {}

  /** Whether check-ins are on, how often, and for whom. */
  async schedule(): Promise<CheckinSchedule | undefined> {
    const scheduler = await this.queue().getJobScheduler(SCHEDULER);
    if (!scheduler?.every) return undefined;
    const by = (scheduler.template?.data as SweepData | undefined)?.by ?? '';
    return { everyMs: Number(scheduler.every), by, ...(scheduler.next ? { nextAt: Number(scheduler.next) } : {}) };
  }

  /** Turns them on (or changes how often, and who gets the summaries); the first sweep starts now. */
  async turnOn(by: string, everyMs: number): Promise<{ exercise: Exercise; before?: CheckinSchedule }> {
    if (everyMs < MIN_EVERY_MS || everyMs > MAX_EVERY_MS) throw new RangeError(`every ${everyMs} ms is outside the allowed range`);
    const exercise = await this.requireExercise('Check-ins are not on');
    const before = await this.schedule();
    await this.queue().upsertJobScheduler(
      SCHEDULER,
      { every: everyMs },
      { name: 'sweep', data: { by } satisfies SweepData, opts: SWEEP_OPTIONS },
    );
    return { exercise, ...(before ? { before } : {}) };
  }

  /** Removes the scheduler; a sweep already running finishes. Returns what was on, if anything. */
  async turnOff(): Promise<CheckinSchedule | undefined> {
    const before = await this.schedule();
    await this.queue().removeJobScheduler(SCHEDULER);
    return before;
  }

  /** One sweep now, its summary to `by`. */
  async sweepNow(by: string): Promise<Exercise> {
    const exercise = await this.requireExercise('No sweep was started');
    const id = `now-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    await this.queue().add('sweep', { by } satisfies SweepData, { ...SWEEP_OPTIONS, jobId: id });
    return exercise;
  }

  /** The "stop nudging me" button: no more nudges for `user` in this session, whatever the exercise (the next session's start forgets it). */
  async stopNudging(user: string): Promise<void> {
    await this.redis().sadd(QUIET_KEY, user);
  }

  async isQuiet(user: string): Promise<boolean> {
    return (await this.redis().sismember(QUIET_KEY, user)) === 1;
  }

  /**
   * The worker's side of a sweep, first: the room is listed once (a re-run after a crash finds the
   * list it made), and attendees without a ready cluster are settled at once. Returns the sweep's
   * exercise and the attendees to check (settled or not); undefined when no exercise runs.
   */
  async start(sweepId: string, by: string): Promise<{ exercise: string; session: string; targets: string[] } | undefined> {
    const key = sweepKeys(sweepId);
    if (!(await this.redis().exists(key.meta))) {
      const exercise = await this.startedExercise();
      if (!exercise) return undefined;
      const [attendees, clusters, session] = await Promise.all([
        this.deps.attendees.list(),
        this.deps.clusters.list(),
        this.deps.session.current(),
      ]);
      const instructor = await Promise.all(attendees.map((attendee) => this.deps.roles.isInstructor(attendee.user)));
      const people = attendees.filter((_attendee, index) => !instructor[index]).map((attendee) => attendee.user);
      const status = new Map(clusters.map((record) => [record.attendee, record.status]));
      const ready = people.filter((user) => status.get(user) === 'ready');
      const transaction = this.redis()
        .multi()
        .hset(key.meta, { by, exercise: exercise.id, session: session?.id ?? '', total: people.length, startedAt: Date.now() });
      if (ready.length > 0) transaction.rpush(key.targets, ...ready);
      for (const user of people.filter((person) => status.get(person) !== 'ready')) {
        const cluster = status.get(user);
        transaction.hset(
          key.outcomes,
          user,
          JSON.stringify({ status: 'no-cluster', ...(cluster ? { cluster } : {}) } satisfies AttendeeOutcome),
        );
      }
      for (const name of Object.values(key)) transaction.pexpire(name, SWEEP_TTL_MS);
      failOnError(await transaction.exec());
    }
    const [targets, [exercise, session]] = await Promise.all([
      this.redis().lrange(key.targets, 0, -1),
      this.redis().hmget(key.meta, 'exercise', 'session'),
    ]);
    return { exercise: exercise!, session: session ?? '', targets };
  }

  /** Attendees cut into the batches a sweep checks them in. */
  batches(users: string[]): string[][] {
    const size = Math.min(MAX_BATCH, Math.max(1, Math.ceil(users.length / this.settings.checkinConcurrency)));
    return Array.from({ length: Math.ceil(users.length / size) }, (_, index) => users.slice(index * size, (index + 1) * size));
  }

  /** An exercise by id (a sweep's, fixed when it started). */
  exercise(id: string): Exercise | undefined {
    return this.deps.checks.exercises.find((exercise) => exercise.id === id);
  }

  /** Those of `users` who have no outcome in the sweep yet (a sweep run again after a crash skips the others). */
  async unsettled(sweepId: string, users: string[]): Promise<string[]> {
    if (users.length === 0) return [];
    const outcomes = await this.redis().hmget(sweepKeys(sweepId).outcomes, ...users);
    return users.filter((_user, index) => outcomes[index] === null);
  }

  /** Reads what checking `users` starts from, for the whole batch at once (see `CheckService.prepare`). */
  prepare(users: string[], exercise: Exercise): Promise<Map<string, PreparedCheck>> {
    return this.deps.checks.prepare(users, exercise);
  }

  /**
   * Checks the attendee's cluster as /check does, up to the recording (see `CheckService.probe`);
   * undefined when their cluster went away (or is being removed) since the sweep started.
   */
  async probe(user: string, exercise: Exercise, prepared: PreparedCheck): Promise<ProbedCheck | undefined> {
    try {
      return await this.deps.checks.probe(user, exercise, prepared);
    } catch (error) {
      if (error instanceof UserError) return undefined;
      throw error;
    }
  }

  /**
   * Records a batch's checks in one transaction, each as /check records it, and says where each
   * attendee is, in order. A stuck attendee's outcome comes without its nudge's fate: the caller
   * nudges and fills it in.
   */
  async assessAll(probed: ProbedCheck[], prepared: ReadonlyMap<string, PreparedCheck>, now = Date.now()): Promise<Assessment[]> {
    const results = await this.deps.checks.recordAll(probed);
    return results.map((result, index) => {
      const { attendee: user, exercise } = probed[index]!;
      if (result.passed === result.total) return { outcome: { status: 'done' } };
      // Never checked before: this check is their first, and they have not been stuck for any time yet.
      const since = Math.max(lastAdvance(prepared.get(user)!.record) ?? now, ...result.steps.map((step) => step.passedAt ?? 0));
      const step = result.next;
      if (!step || now - since < this.settings.checkinStuckMs) return { outcome: { status: 'working' } };
      return {
        outcome: { status: 'stuck', step: step.id, since, nudge: 'sent' },
        nudge: { user, exercise, step, result, stuckForMs: now - since },
      };
    });
  }

  /** The ledger of nudges for one step of one exercise in one session (by attendee; '': check-ins outside a session). */
  nudges(session: string, exerciseId: string, stepId: string): Ledger {
    const step = `${session ? `${session}:` : ''}${exerciseId}:${stepId}`;
    return new Ledger(this.redis, `checkins:nudges:${step}`, `checkins:nudging:${step}`);
  }

  /** The ledger of a sweep's one summary. */
  summaryLedger(sweepId: string): Ledger {
    const key = sweepKeys(sweepId);
    return new Ledger(this.redis, key.summary, key.summarySending);
  }

  /**
   * Writes attendees' outcomes in one round trip. The first outcome written stays: a sweep run again
   * does not change what the summary counts.
   */
  async settle(sweepId: string, outcomes: ReadonlyMap<string, AttendeeOutcome>): Promise<void> {
    if (outcomes.size === 0) return;
    const key = sweepKeys(sweepId).outcomes;
    const transaction = this.redis().multi();
    for (const [user, outcome] of outcomes) transaction.hsetnx(key, user, JSON.stringify(outcome));
    failOnError(await transaction.pexpire(key, SWEEP_TTL_MS).exec());
  }

  async summary(sweepId: string): Promise<SweepSummary | undefined> {
    const key = sweepKeys(sweepId);
    const [meta, outcomes] = await Promise.all([this.redis().hgetall(key.meta), this.redis().hgetall(key.outcomes)]);
    const exercise = this.deps.checks.exercises.find((candidate) => candidate.id === meta.exercise);
    if (!exercise || !meta.by) return undefined;
    const summary: SweepSummary = {
      id: sweepId,
      by: meta.by,
      exercise: { id: exercise.id, number: exercise.number, title: exercise.title },
      total: Number(meta.total),
      done: [],
      working: [],
      stuck: [],
      noCluster: [],
      errors: [],
      startedAt: Number(meta.startedAt),
      stuckMs: this.settings.checkinStuckMs,
    };
    const stuck = new Map<string, SweepSummary['stuck'][number]['attendees']>();
    for (const [user, raw] of Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b))) {
      const outcome = JSON.parse(raw) as AttendeeOutcome;
      if (outcome.status === 'done') summary.done.push(user);
      else if (outcome.status === 'working') summary.working.push(user);
      else if (outcome.status === 'no-cluster') summary.noCluster.push({ user, ...(outcome.cluster ? { cluster: outcome.cluster } : {}) });
      else if (outcome.status === 'error') summary.errors.push({ user, reason: outcome.reason });
      else {
        const list = stuck.get(outcome.step) ?? [];
        list.push({
          user,
          since: outcome.since,
          nudge: outcome.nudge,
          ...(outcome.nudgeFailure ? { nudgeFailure: outcome.nudgeFailure } : {}),
        });
        stuck.set(outcome.step, list);
      }
    }
    for (const step of exercise.steps) {
      const attendees = stuck.get(step.id);
      if (attendees)
        summary.stuck.push({ step: { id: step.id, title: step.title }, attendees: attendees.sort((a, b) => a.since - b.since) });
    }
    return summary;
  }

  /** Slack said 429: every worker on the queue waits. */
  async pauseAll(ms: number): Promise<void> {
    await this.queue().rateLimit(ms);
  }

  private async startedExercise(): Promise<Exercise | undefined> {
    const started = await this.redis().get(CURRENT_EXERCISE_KEY);
    return this.deps.checks.exercises.find((exercise) => exercise.id === started);
  }

  private async requireExercise(lead: string): Promise<Exercise> {
    const exercise = await this.startedExercise();
    if (exercise) return exercise;
    throw new UserError(
      `${lead}: no exercise is running in the room, so there is nothing to check attendees against.`,
      'Start one with `/workshop start <exercise>` first (`/check list` shows them); check-ins always check the exercise the room is on.',
    );
  }

  private queue() {
    return this.queues.get('checkins');
  }
}

interface SweepData {
  by: string;
}
/** A running sweep: its id, and the session it checks for. */
interface SweepRef {
  id: string;
  session: string;
}

export interface CheckinWorkerDeps {
  checkins: CheckinService;
  notifier: Notifier;
  messages: CheckinMessages;
  redis: () => Redis;
  log: Logger;
}

/**
 * A worker process runs one sweep at a time, which checks CHECKIN_CONCURRENCY clusters at once; a
 * dead worker's sweep is taken over within ~15 s, as the broadcasts' jobs are.
 */
export function checkinWorkerOptions(): Partial<WorkerOptions> {
  return { concurrency: 1, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 10 };
}

/** The `checkins` queue's processor: a `sweep` (from the scheduler or `now`), from the room's list to the instructor's summary. */
export function checkinProcessor(deps: CheckinWorkerDeps): Processor {
  const { checkins, messages, log } = deps;
  // Nudges are DMs like a broadcast's: the same pace, the same once-only posting.
  const pacer = new Pacer(postInterval(checkins.settings));
  const poster: OncePoster = { notifier: deps.notifier, pauseAll: (ms) => checkins.pauseAll(ms) };

  async function sweep(job: Job<SweepData>, token?: string): Promise<void> {
    // A scheduler's job ids have colons, which are kept out of the sweep's keys.
    const sweepId = job.id!.replace(/[^\w-]/g, '-');
    const started = await checkins.start(sweepId, job.data.by);
    if (!started) return log.info({ sweepId }, 'check-in sweep skipped: no exercise is running');
    const exercise = checkins.exercise(started.exercise);
    if (!exercise) return log.warn({ sweepId, exercise: started.exercise }, 'the exercise of this check-in sweep is gone; skipped');
    const todo = await checkins.unsettled(sweepId, started.targets);
    const sweep = { id: sweepId, session: started.session };
    await inPool(checkins.batches(todo), checkins.settings.checkinConcurrency, (users) => check(job, token, sweep, users, exercise));
    await summarize(job, token, sweepId);
  }

  async function check(job: Job, token: string | undefined, sweep: SweepRef, users: string[], exercise: Exercise): Promise<void> {
    const prepared = await checkins.prepare(users, exercise);
    // Every cluster of the batch is checked first, then every check is recorded in one transaction, then
    // the stuck are nudged. Outcomes are written together at the end (a crash before then re-checks the
    // batch), except a stuck attendee's: written as soon as they are nudged, so a re-run reports that nudge as sent now.
    const outcomes = new Map<string, AttendeeOutcome>();
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // A check run again after a crash records one more attempt; the outcome the summary counts is the first one settled.
    const failed = (error: unknown): Assessment => {
      if (!lastAttempt) throw error;
      return { outcome: { status: 'error', reason: errorMessage(error) } };
    };
    const probed: ProbedCheck[] = [];
    for (const user of users) {
      const check = await checkins.probe(user, exercise, prepared.get(user)!).catch((error: unknown) => failed(error));
      if (check === undefined) outcomes.set(user, { status: 'no-cluster' });
      else if ('checked' in check) probed.push(check);
      else outcomes.set(user, check.outcome);
    }
    const assessments = await checkins.assessAll(probed, prepared).catch((error: unknown) => probed.map(() => failed(error)));
    for (const [index, { outcome, nudge: due }] of assessments.entries()) {
      const user = probed[index]!.attendee;
      if (due && outcome.status === 'stuck') {
        const fate = await nudge(job, token, sweep.session, due);
        await checkins.settle(sweep.id, new Map([[user, { ...outcome, ...fate }]]));
      } else outcomes.set(user, outcome);
    }
    await checkins.settle(sweep.id, outcomes);
  }

  async function nudge(
    job: Job,
    token: string | undefined,
    session: string,
    nudge: Nudge,
  ): Promise<{ nudge: NudgeFate; nudgeFailure?: string }> {
    const ledger = checkins.nudges(session, nudge.exercise.id, nudge.step.id);
    if ((await ledger.outcome(nudge.user))?.status === 'sent') return { nudge: 'earlier' };
    if (await checkins.isQuiet(nudge.user)) return { nudge: 'quiet' };
    const tag = { type: NUDGE_TAG, id: `${nudge.exercise.id}.${nudge.step.id}` };
    // A refused nudge is settled in the ledger: later sweeps find it there and do not ask Slack again.
    await postOncePaced(poster, pacer, job, token, ledger, nudge.user, messages.nudge(nudge), tag);
    const settled = await ledger.outcome(nudge.user);
    if (settled?.status === 'sent') return { nudge: 'sent' };
    return { nudge: 'failed', ...(settled?.status === 'failed' ? { nudgeFailure: settled.reason } : {}) };
  }

  async function summarize(job: Job, token: string | undefined, sweepId: string): Promise<void> {
    const summary = await checkins.summary(sweepId);
    if (!summary) return log.warn({ sweepId }, 'check-in sweep expired before its summary; skipped');
    const tag = { type: SUMMARY_TAG, id: summary.id };
    await postOncePaced(poster, pacer, job, token, checkins.summaryLedger(summary.id), summary.by, messages.summary(summary), tag);
    // Every check published its attendee's progress; this tells the board and App Home the sweep as a whole is in.
    await publishRoomChange(deps.redis(), { kind: 'progress' });
    log.info(
      { sweepId: summary.id, done: summary.done.length, stuck: summary.stuck.length, noCluster: summary.noCluster.length },
      'check-in sweep done',
    );
  }

  return async (job: Job, token?: string) => {
    if (job.name === 'sweep') return sweep(job as Job<SweepData>, token);
    // Jobs an earlier version of the bot queued (its sweep's batches and summary): that sweep is run again whole by nobody, so they are let go.
    log.warn({ job: job.name, id: job.id }, 'a check-in job of an earlier version of the bot; skipped');
  };
}

/**
 * Runs `work` on every item, `limit` at a time. After a failure no item starts; the first failure is
 * thrown once the running ones have ended (so nothing of the job runs on after it has failed).
 */
async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const runner = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      await work(item).catch((error: unknown) => {
        failure ??= { error };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  if (failure) throw failure.error;
}

function failOnError(results: Array<[Error | null, unknown]> | null): void {
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}

/** Who pressed "stop nudging me" in this session; `WorkshopSession` empties it when the next one starts. */
export const QUIET_KEY = 'checkins:quiet';

function sweepKeys(id: string) {
  const base = `checkins:sweep:${id}`;
  return {
    meta: base,
    targets: `${base}:targets`,
    outcomes: `${base}:outcomes`,
    summary: `${base}:summary`,
    summarySending: `${base}:summary-sending`,
  };
}
