import { randomBytes } from 'node:crypto';
import { DelayedError, type Job, type JobsOptions, type Processor, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Notifier, POST_ONCE_TIMEOUT_MS, PostRefusedError, type PostTag, RateLimitedError } from '../notify/notifier.js';
import { describeReason } from '../notify/refusals.js';
import type { Queues } from '../queue/queues.js';
import type { Message } from '../render/blocks.js';
import type { AttendeeRegistry } from './attendees.js';

/** What happened to one recipient of a broadcast. */
export type Outcome = { status: 'sent' } | { status: 'failed'; reason: string } | { status: 'stopped' };

/** Everything the delivery report says. */
export interface BroadcastSummary {
  id: string;
  /** The instructor who sent it (and gets the report). */
  from: string;
  channel?: string;
  message: Message;
  /** Attendees it was sent to by DM. */
  dms: number;
  sent: string[];
  failed: Array<{ target: string; reason: string }>;
  /** Recipients left out because an instructor stopped the broadcast. */
  stopped: string[];
  startedAt: number;
}

/** The report's rendering, injected by the worker's composition root (engines do not format Slack). */
export interface BroadcastMessages {
  report(summary: BroadcastSummary): Message;
}

export interface BroadcastStarted {
  id: string;
  channel?: string;
  dms: number;
  /** How long the posts take at the configured pace. */
  estimateMs: number;
}

/** Message metadata types: what `wasPosted` looks for after a crash. */
export const BROADCAST_TAG = 'workshop_broadcast';
export const REPORT_TAG = 'workshop_broadcast_report';

/**
 * A post whose marker is younger than this may still be in flight (postOnce gives up after 5 s); an
 * older marker without an outcome means the worker died mid-post, and Slack is asked whether it arrived.
 */
export const IN_DOUBT_AFTER_MS = 2 * POST_ONCE_TIMEOUT_MS;
/** Slack's clock and ours may differ a little: look back this much further. */
const CLOCK_SKEW_MS = 60_000;
/** Broadcast records live a week (reports, and a late retry finding its broadcast). */
const TTL_MS = 7 * 24 * 3600 * 1000;
/** Transient failures (network, Slack 5xx) are retried; 429s are not failures and do not count. */
const DELIVER_OPTIONS: JobsOptions = { attempts: 5, backoff: { type: 'exponential', delay: 1000 } };

/**
 * `/workshop broadcast`: one message to the workshop channel and, with --dm, to every attendee.
 * The command stores the broadcast and queues one `fanout` job, which queues one `deliver` job per
 * recipient (deterministic job ids); workers post them at the queue's pace (BROADCAST_PER_MINUTE,
 * all workers together) and a 429 pauses the whole queue for its Retry-After. A Redis ledger per
 * broadcast makes each post happen once across retries and dead workers: a recipient is claimed
 * (marker) before posting and settled (outcome) after; a marker left by a dead worker is settled by
 * asking Slack whether the tagged message arrived. When every recipient is settled, the instructor
 * gets a delivery report, itself posted once through the same ledger.
 */
export class BroadcastService {
  constructor(
    private readonly redis: () => Redis,
    private readonly queues: Queues,
    private readonly attendees: Pick<AttendeeRegistry, 'list'>,
    readonly pace: { broadcastPerMinute: number },
  ) {}

  async start(request: { from: string; message: Message; channel?: string; dm: boolean }): Promise<BroadcastStarted> {
    const dms = request.dm ? (await this.attendees.list()).map((attendee) => attendee.user).filter((user) => user !== request.from) : [];
    const targets = [...(request.channel ? [request.channel] : []), ...dms];
    if (targets.length === 0) {
      throw new UserError(
        request.dm
          ? 'Nobody to send it to: no attendee has used the bot yet, and there is no workshop channel.'
          : 'There is no workshop channel yet.',
        'Run /workshop channel here in the room (or set WORKSHOP_CHANNEL); attendees register by using any command.',
      );
    }
    const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const key = keys(id);
    await this.redis()
      .multi()
      .hset(key.meta, {
        from: request.from,
        channel: request.channel ?? '',
        dms: dms.length,
        total: targets.length,
        message: JSON.stringify(request.message),
        startedAt: Date.now(),
      })
      .rpush(key.targets, ...targets)
      .pexpire(key.meta, TTL_MS)
      .pexpire(key.targets, TTL_MS)
      .exec();
    await this.queue().add('fanout', { broadcastId: id }, { jobId: `bc-${id}` });
    return {
      id,
      ...(request.channel ? { channel: request.channel } : {}),
      dms: dms.length,
      estimateMs: Math.round((targets.length / this.pace.broadcastPerMinute) * 60_000),
    };
  }

  /**
   * The Stop button: recipients not yet claimed are settled as `stopped` (atomically, so a post in
   * flight is never counted as stopped) and their jobs removed from the queue.
   */
  async stop(id: string): Promise<{ stopped: number; sent: number; total: number }> {
    const key = keys(id);
    const total = Number(await this.redis().hget(key.meta, 'total'));
    if (!total) throw new UserError('That broadcast is no longer known (a week old?).', 'Nothing was changed.');
    const stopped = await this.settleUnclaimed(id, STOPPED);
    const sent = Object.values(await this.redis().hgetall(key.outcomes)).filter((raw) => decodeOutcome(raw).status === 'sent').length;
    await this.reportWhenDone(id);
    return { stopped: stopped.length, sent, total };
  }

  /**
   * Slack refused a post for a reason that holds for every post (the bot's token revoked, a scope
   * missing, the message itself): the recipients not yet claimed fail with that reason at once,
   * instead of each asking Slack to be refused the same way. Returns how many it settled.
   */
  async abandon(id: string, reason: string): Promise<number> {
    const settled = await this.settleUnclaimed(id, JSON.stringify({ status: 'failed', reason } satisfies Outcome));
    await this.reportWhenDone(id);
    return settled.length;
  }

  /** Settles every recipient not yet claimed with `outcome` (atomically: a post in flight keeps its own), and unqueues them. */
  private async settleUnclaimed(id: string, outcome: string): Promise<string[]> {
    const key = keys(id);
    const settled = (await this.redis().eval(STOP, 4, key.stopped, key.targets, key.outcomes, key.sending, outcome, TTL_MS)) as string[];
    // A job a worker holds right now cannot be removed; it finds its recipient settled and ends.
    await Promise.all(
      settled.map((target) =>
        this.queue()
          .remove(deliverJobId(id, target))
          .catch(() => 0),
      ),
    );
    return settled;
  }

  async summary(id: string): Promise<BroadcastSummary | undefined> {
    const key = keys(id);
    const [meta, outcomes] = await Promise.all([this.redis().hgetall(key.meta), this.redis().hgetall(key.outcomes)]);
    if (!meta.total) return undefined;
    const summary: BroadcastSummary = {
      id,
      from: meta.from!,
      ...(meta.channel ? { channel: meta.channel } : {}),
      message: JSON.parse(meta.message!) as Message,
      dms: Number(meta.dms),
      sent: [],
      failed: [],
      stopped: [],
      startedAt: Number(meta.startedAt),
    };
    for (const target of await this.redis().lrange(key.targets, 0, -1)) {
      const outcome = outcomes[target] ? decodeOutcome(outcomes[target]) : undefined;
      if (outcome?.status === 'sent') summary.sent.push(target);
      else if (outcome?.status === 'failed') summary.failed.push({ target, reason: outcome.reason });
      else if (outcome?.status === 'stopped') summary.stopped.push(target);
    }
    return summary;
  }

  /** Queues the report once every recipient is settled (the job id makes a second call a no-op). */
  async reportWhenDone(id: string): Promise<void> {
    const key = keys(id);
    const [total, settled] = await Promise.all([this.redis().hget(key.meta, 'total'), this.redis().hlen(key.outcomes)]);
    if (total && settled >= Number(total)) await this.queue().add('report', { broadcastId: id }, { jobId: `bc-${id}-report` });
  }

  /** The worker's side: queue one job per recipient. Re-running it after a crash adds nothing twice. */
  async fanOut(id: string): Promise<void> {
    const key = keys(id);
    const targets = await this.redis().lrange(key.targets, 0, -1);
    for (let start = 0; start < targets.length; start += FANOUT_CHUNK) {
      await this.queue().addBulk(
        targets.slice(start, start + FANOUT_CHUNK).map((target) => ({
          name: 'deliver',
          data: { broadcastId: id, target },
          opts: { ...DELIVER_OPTIONS, jobId: deliverJobId(id, target) },
        })),
      );
    }
    await this.reportWhenDone(id);
  }

  /** The ledger of the broadcast's recipients (a Stop settles the unclaimed ones). */
  recipients(id: string): Ledger {
    const key = keys(id);
    return new Ledger(this.redis, key.outcomes, key.sending, key.stopped);
  }

  /** The ledger of its one report (never stopped). */
  report(id: string): Ledger {
    const key = keys(id);
    return new Ledger(this.redis, key.reportOutcome, key.reportSending);
  }

  async message(id: string): Promise<Message | undefined> {
    const raw = await this.redis().hget(keys(id).meta, 'message');
    return raw ? (JSON.parse(raw) as Message) : undefined;
  }

  /** Slack said 429: every worker on the queue waits. */
  async pauseAll(ms: number): Promise<void> {
    await this.queue().rateLimit(ms);
  }

  private queue() {
    return this.queues.get('broadcasts');
  }
}

type Claim = { state: 'claimed' | 'settled' | 'stopped' } | { state: 'busy' | 'in-doubt'; since: number };

/**
 * Who of a broadcast's recipients has been posted to: `outcomes` (settled: sent, failed, stopped)
 * and `sending` (claimed: a post started at that time, outcome not yet written).
 */
export class Ledger {
  constructor(
    private readonly redis: () => Redis,
    private readonly outcomes: string,
    private readonly sending: string,
    private readonly stopped?: string,
  ) {}

  async claim(target: string, now = Date.now()): Promise<Claim> {
    const [state, since] = (await this.redis().eval(
      CLAIM,
      3,
      this.outcomes,
      this.sending,
      // A ledger that cannot be stopped (the report) names any key; ARGV[6] = 0 makes the script skip it.
      this.stopped ?? this.sending,
      target,
      now,
      IN_DOUBT_AFTER_MS,
      STOPPED,
      TTL_MS,
      this.stopped ? 1 : 0,
    )) as [Claim['state'], string];
    return state === 'busy' || state === 'in-doubt'
      ? { state, since: Number(since) }
      : { state: state as 'claimed' | 'settled' | 'stopped' };
  }

  async settle(target: string, outcome: Outcome): Promise<void> {
    await this.redis().eval(SETTLE, 2, this.outcomes, this.sending, target, JSON.stringify(outcome), TTL_MS);
  }

  /** What became of the post to `target`, once settled. */
  async outcome(target: string): Promise<Outcome | undefined> {
    const raw = await this.redis().hget(this.outcomes, target);
    return raw ? decodeOutcome(raw) : undefined;
  }

  /** Nothing was posted (429): the recipient is free to claim again. */
  async release(target: string): Promise<void> {
    await this.redis().hdel(this.sending, target);
  }
}

/**
 * Two things pace the posts at BROADCAST_PER_MINUTE. BullMQ's limiter caps all workers of the queue
 * together (Slack's ceiling is per workspace), in one-second windows: a window per post would cost a
 * worker's wake-up each (a quarter of the pace at 50 a second). Within a window, each process's
 * `Pacer` spaces its posts evenly, so they never leave in a burst. Several jobs in flight hide
 * Slack's latency; a dead worker's job is taken over within ~15 s.
 */
export function broadcastWorkerOptions(pace: { broadcastPerMinute: number }): Partial<WorkerOptions> {
  const perWindow = Math.max(1, Math.round(pace.broadcastPerMinute / 60));
  return {
    concurrency: 10,
    limiter: { max: perWindow, duration: Math.round(perWindow * postInterval(pace)) },
    lockDuration: 10_000,
    stalledInterval: 5_000,
    maxStalledCount: 10,
  };
}

export const postInterval = (pace: { broadcastPerMinute: number }) => 60_000 / pace.broadcastPerMinute;

/** One process's posts, one every `intervalMs`, none while Slack asked to wait. */
export class Pacer {
  private next = 0;
  private pausedUntil = 0;

  constructor(private readonly intervalMs: number) {}

  async wait(): Promise<void> {
    for (;;) {
      // Slots follow each other, not the moment a timer fired: a late timer does not slow the pace.
      const slot = Math.max(Date.now(), this.next, this.pausedUntil);
      this.next = slot + this.intervalMs;
      await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
      if (this.pausedUntil <= slot) return;
    }
  }

  /** Slack said 429: posts waiting here take new slots after `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }
}

export interface BroadcastWorkerDeps {
  broadcasts: BroadcastService;
  notifier: Notifier;
  messages: BroadcastMessages;
  log: Logger;
}

type BroadcastJob = Job<{ broadcastId: string; target?: string }>;

/** The `broadcasts` queue's processor: `fanout`, `deliver` (one recipient) and `report`. */
export function broadcastProcessor(deps: BroadcastWorkerDeps): Processor {
  const { broadcasts, messages, log } = deps;
  const pacer = new Pacer(postInterval(broadcasts.pace));
  const poster: OncePoster = { notifier: deps.notifier, pauseAll: (ms) => broadcasts.pauseAll(ms) };
  const postOnce = (job: BroadcastJob, token: string | undefined, ledger: Ledger, target: string, message: Message, tag: PostTag) =>
    postOncePaced(poster, pacer, job, token, ledger, target, message, tag);
  return async (job: BroadcastJob, token?: string) => {
    const id = job.data.broadcastId;
    if (job.name === 'fanout') return broadcasts.fanOut(id);
    if (job.name === 'deliver') {
      const message = await broadcasts.message(id);
      if (!message) return log.warn({ broadcastId: id }, 'broadcast expired before this delivery; skipped');
      const recipients = broadcasts.recipients(id);
      await postOnce(job, token, recipients, job.data.target!, message, { type: BROADCAST_TAG, id });
      const outcome = await recipients.outcome(job.data.target!);
      const refusal = outcome?.status === 'failed' ? describeReason(outcome.reason) : undefined;
      // Refused for the bot itself (its token, a scope) or for the message every recipient gets: the others would be too.
      if (outcome?.status === 'failed' && refusal && refusal.scope !== 'destination') {
        const abandoned = await broadcasts.abandon(id, outcome.reason);
        log.error(
          { broadcastId: id, reason: outcome.reason, notTried: abandoned, fix: refusal.fix },
          `Slack refuses every post of this broadcast: ${refusal.what}; the rest is not tried`,
        );
      }
      return broadcasts.reportWhenDone(id);
    }
    const summary = await broadcasts.summary(id);
    if (!summary) return log.warn({ broadcastId: id }, 'broadcast expired before its report; skipped');
    const report = broadcasts.report(id);
    await postOnce(job, token, report, summary.from, messages.report(summary), { type: REPORT_TAG, id });
    const reported = await report.outcome(summary.from);
    if (reported?.status === 'failed') {
      log.error(
        { broadcastId: id, to: summary.from, reason: reported.reason, fix: describeReason(reported.reason)?.fix },
        'could not deliver the delivery report to the instructor',
      );
    }
    // Every failure with its reason: the report points here for those a message cannot name.
    log.info(
      {
        broadcastId: id,
        sent: summary.sent.length,
        failed: summary.failed.length,
        stopped: summary.stopped.length,
        failures: summary.failed,
      },
      'broadcast done',
    );
  };
}

/** What a once-only post needs: the port it posts through, and how to hold back every worker of its queue after a 429. */
export interface OncePoster {
  notifier: Pick<Notifier, 'postOnce' | 'wasPosted'>;
  pauseAll(ms: number): Promise<void>;
}

/**
 * Posts `message` to `target` unless the ledger says it was (or is being) posted already; see
 * BroadcastService. Any queue's job may post through it (check-in nudges do).
 */
export async function postOncePaced(
  { notifier, pauseAll }: OncePoster,
  pacer: Pacer,
  job: Job,
  token: string | undefined,
  ledger: Ledger,
  target: string,
  message: Message,
  tag: PostTag,
): Promise<void> {
  for (;;) {
    // Paced before the claim, so a claimed recipient's post starts at once (its marker's age says how long it may be in flight).
    await pacer.wait();
    const claim = await ledger.claim(target);
    if (claim.state === 'settled' || claim.state === 'stopped') return;
    if (claim.state === 'busy') {
      await job.moveToDelayed(claim.since + IN_DOUBT_AFTER_MS, token);
      throw new DelayedError();
    }
    if (claim.state === 'in-doubt') {
      let arrived: boolean;
      try {
        arrived = await notifier.wasPosted(target, tag, claim.since - CLOCK_SKEW_MS);
      } catch (error) {
        if (!isLastAttempt(job)) throw error;
        return ledger.settle(target, {
          status: 'failed',
          reason: `unknown whether it arrived: Slack could not be asked (${errorMessage(error)})`,
        });
      }
      if (arrived) return ledger.settle(target, { status: 'sent' });
      await ledger.release(target);
      continue;
    }
    try {
      await notifier.postOnce(target, message, tag);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        pacer.pause(error.retryAfterMs);
        await ledger.release(target);
        await pauseAll(error.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (error instanceof PostRefusedError) return ledger.settle(target, { status: 'failed', reason: error.reason });
      // No answer (network, Slack 5xx): it may have arrived, so the marker stays and the next attempt asks Slack first.
      if (isLastAttempt(job)) return ledger.settle(target, { status: 'failed', reason: `no answer from Slack (${errorMessage(error)})` });
      throw error;
    }
    return ledger.settle(target, { status: 'sent' });
  }
}

/** BullMQ counts failed attempts; 429s and delays are not among them. */
const isLastAttempt = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

const FANOUT_CHUNK = 100;
const STOPPED = JSON.stringify({ status: 'stopped' } satisfies Outcome);

const deliverJobId = (id: string, target: string) => `bc-${id}-${target}`;

function keys(id: string) {
  const base = `broadcast:${id}`;
  return {
    meta: base,
    targets: `${base}:targets`,
    outcomes: `${base}:outcomes`,
    sending: `${base}:sending`,
    stopped: `${base}:stopped`,
    reportOutcome: `${base}:report`,
    reportSending: `${base}:report-sending`,
  };
}

function decodeOutcome(raw: string): Outcome {
  return JSON.parse(raw) as Outcome;
}

// KEYS: outcomes, sending, stopped. ARGV: target, now, in-doubt after (ms), stopped outcome, ttl, stoppable.
const CLAIM = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'settled', '0'} end
local since = redis.call('HGET', KEYS[2], ARGV[1])
if since then
  if tonumber(ARGV[2]) - tonumber(since) < tonumber(ARGV[3]) then return {'busy', since} end
  return {'in-doubt', since}
end
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {'stopped', '0'}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {'claimed', ARGV[2]}
`;

// KEYS: outcomes, sending. ARGV: target, outcome, ttl. The first outcome written stays.
const SETTLE = `
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

// KEYS: stopped, targets, outcomes, sending. ARGV: the outcome (stopped, or failed for all), ttl. Returns the recipients it settled.
const STOP = `
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
local stopped = {}
for _, target in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if redis.call('HEXISTS', KEYS[3], target) == 0 and redis.call('HEXISTS', KEYS[4], target) == 0 then
    redis.call('HSET', KEYS[3], target, ARGV[1])
    table.insert(stopped, target)
  end
end
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return stopped
`;
