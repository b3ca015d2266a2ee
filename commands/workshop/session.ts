import type { Exercise } from '../../src/checks/exercise.js';
import { quote, UserError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { Message } from '../../src/render/blocks.js';
import { csvTable } from '../../src/render/csv.js';
import { parseArgs } from '../../src/router/args.js';
import type { ActionContext, CommandContext, Responder } from '../../src/router/types.js';
import type { CommandServices } from '../../src/services.js';
import type { SessionState } from '../../src/workshop/session.js';
import { clock } from '../check/render.js';
import {
  type Announced,
  alreadyEndedMessage,
  clustersRemovedMessage,
  confirmEndMessage,
  exerciseStartedMessage,
  notAnnounced,
  removingClustersMessage,
  resultsMessage,
  sessionEndedMessage,
  sessionMovedMessage,
} from '../render/session-messages.js';

/** `/workshop start <exercise>`: the room's exercise (by id or number), announced in the room. */
export async function start(ctx: CommandContext): Promise<void> {
  const words = ctx.args.trim().split(/\s+/).filter(Boolean);
  const option = words.find((word) => word.startsWith('--') || word.startsWith('—'));
  if (option)
    throw new UserError(
      `/workshop start takes no options (you gave ${quote(option)}); only the exercise.`,
      `Usage: ${ctx.usage}, e.g. /workshop start 2. The exercises: ${ctx.services.checks.listed}.`,
    );
  if (words.length !== 1) {
    throw new UserError(
      words.length === 0 ? 'Which exercise? Name one.' : `/workshop start takes one exercise; you gave ${words.length}.`,
      `Usage: ${ctx.usage}, e.g. /workshop start mesos-ui or /workshop start 2. The exercises: ${ctx.services.checks.listed}.`,
    );
  }
  const exercise = ctx.services.checks.find(words[0]!);
  const { previous } = await ctx.services.session.start(exercise, ctx.request.user);
  await announceMove(ctx, exercise, previous);
}

/** `/workshop next`: the exercise after the current one, in the course's order. */
export async function next(ctx: CommandContext): Promise<void> {
  if (ctx.args.trim() !== '')
    throw new UserError(`/workshop next takes nothing after it (${quote(ctx.args.trim())}).`, `Usage: ${ctx.usage}`);
  const { session, previous } = await ctx.services.session.next(ctx.request.user);
  await announceMove(ctx, ctx.services.checks.find(session.exercise), previous);
}

/**
 * `/workshop end`: asks first (a button); `--confirm` ends at once (the terminal has no buttons);
 * `--remove-clusters` removes every cluster once the session has ended. With no session running,
 * it attaches the last one's results if attaching them failed.
 */
export async function end(ctx: CommandContext): Promise<void> {
  const { flags, positional, pairs } = parseArgs(
    ctx.args,
    { confirm: { type: 'boolean' }, 'remove-clusters': { type: 'boolean' } },
    ctx.usage,
  );
  const stray = [...positional, ...Object.keys(pairs)][0];
  if (stray !== undefined) throw new UserError(`/workshop end takes only options; ${quote(stray)} is not one.`, `Usage: ${ctx.usage}`);
  const by = { user: ctx.request.user, channel: ctx.request.channel, services: ctx.services, out: ctx.out, log: ctx.log };
  if (flags['remove-clusters']) {
    await removeClusters(by);
    return;
  }
  const session = await ctx.services.session.current();
  if (!session) {
    await retryLastExport(by);
    return;
  }
  if (flags.confirm) await finish(by, session.id);
  else await ctx.out.reply(confirmEndMessage(session, exercisesOf(ctx.services, session)));
}

/** The "End the session" button: its value is the session it was shown for. */
export async function endButton({ action, services, out, log }: ActionContext): Promise<void> {
  await finish({ user: action.user, channel: action.channel, services, out, log }, action.value);
}

/** The "Remove every cluster" button. */
export async function removeClustersButton({ action, services, out, log }: ActionContext): Promise<void> {
  await removeClusters({ user: action.user, channel: action.channel, services, out, log });
}

/** Who ended the session, and where. */
interface Instructor {
  user: string;
  channel: string;
  services: CommandServices;
  out: Responder;
  log: Logger;
}

/**
 * Ends the session (once), turns automatic check-ins off (unless another session runs already),
 * tells the room, and attaches the results (once, however often it is confirmed).
 */
async function finish({ user, channel, services, out, log }: Instructor, id: string): Promise<void> {
  const outcome = await services.session.end(id, user);
  if (!outcome.session) {
    const running = await services.session.current();
    throw new UserError(
      running ? 'That button was for an earlier session; another one runs now.' : 'That session is not running any more.',
      running ? 'Run /workshop end again to end the one running now.' : 'Start one with /workshop start <exercise>.',
    );
  }
  const session = outcome.session;
  // Sweeps check attendees against the room's exercise: with none running, they only have nothing to do.
  // A late press for an earlier session leaves the check-ins of the session running now alone.
  const another = !outcome.ended && (await services.session.current()) !== undefined;
  const checkins = another ? 'untouched' : await services.checkins.turnOff();
  let told: Announced = { channel };
  if (outcome.ended) {
    log.info({ session: session.id, by: user, exercises: session.exercises }, 'session ended');
    told = await announce(services, out, sessionEndedMessage(user), channel, log);
  }
  // The session has ended whatever Slack said to the announcement: the results are attached all the same.
  if ('failed' in told)
    await out.reply({
      text: `The room was not told: ${told.failed.message}`,
      blocks: notAnnounced(told.failed, 'Tell the room yourself.'),
    });
  if (!(await services.session.claimExport(session.id))) {
    await out.reply(alreadyEndedMessage(session));
    return;
  }
  let attached: { where: string; attendees: number; rows: number };
  try {
    attached = await attachResults(services, out, session);
  } catch (error) {
    // Nothing was attached: the next press of the button tries again.
    await services.session.releaseExport(session.id);
    throw error;
  }
  await services.session.exported(session.id);
  const clusters = (await services.clusters.registry.list()).length;
  await out.reply(resultsMessage(session, attached, clusters, checkins));
}

/**
 * `/workshop end` with no session running: the last session's results, if attaching them failed
 * (the terminal has no button to press again), are attached now; otherwise a clear error.
 */
async function retryLastExport(by: Instructor): Promise<void> {
  const last = await by.services.session.lastEnded();
  if (last && last.export === undefined) {
    await finish(by, last.session.id);
    return;
  }
  const lead = 'No exercise is running, so there is no session to end.';
  const start = 'A session starts with /workshop start <exercise>.';
  if (!last) throw new UserError(lead, start);
  const ended = `The last session ended at ${clock(last.session.endedAt!)} by <@${last.session.endedBy}>`;
  throw new UserError(
    lead,
    last.export === 'done'
      ? `${ended}; its results were attached then. ${start}`
      : `${ended}; its results are being attached right now. If they do not appear, run /workshop end again in a few minutes.`,
  );
}

/** The session's results as a CSV, attached where the instructor is. */
async function attachResults(
  services: CommandServices,
  out: Responder,
  session: SessionState,
): Promise<{ where: string; attendees: number; rows: number }> {
  const rows = await services.session.results(session);
  const { where } = await out.attach({
    filename: `workshop-results-${new Date(session.startedAt).toISOString().slice(0, 10)}-${session.id}.csv`,
    title: `Workshop results (${session.exercises.join(', ')})`,
    content: csvTable(
      ['attendee_id', 'display_name', 'exercise', 'step', 'first_pass_at', 'attempts', 'hints_used'],
      rows.map((row) => [
        row.user,
        row.name,
        row.exercise,
        row.step,
        row.passedAt !== undefined ? new Date(row.passedAt).toISOString() : undefined,
        row.attempts,
        row.hintsShown,
      ]),
    ),
    comment: 'Results of the session: one row per attendee and step.',
  });
  return { where, attendees: new Set(rows.map((row) => row.user)).size, rows: rows.length };
}

async function removeClusters({ user, services, out, log }: Instructor): Promise<void> {
  const running = await services.session.current();
  if (running) {
    throw new UserError(
      `Exercise ${quote(running.exercise)} is running: attendees still need their clusters.`,
      'End the session first (/workshop end); then remove the clusters.',
    );
  }
  const count = (await services.clusters.registry.list()).length;
  if (count === 0) {
    await out.reply(clustersRemovedMessage(0, []));
    return;
  }
  // A built cluster goes when a worker has removed its containers: a room takes a while.
  await out.reply(removingClustersMessage(count));
  const { removed, failed } = await services.clusters.downAll();
  for (const attendee of removed) log.info({ attendee, by: user }, 'cluster removed by an instructor at the end of the session');
  for (const { attendee, error } of failed)
    log.warn({ attendee, by: user, err: error }, 'could not remove a cluster at the end of the session');
  await out.reply(
    clustersRemovedMessage(
      removed.length,
      failed.map((failure) => failure.attendee),
    ),
  );
}

/**
 * Posts in the room (WORKSHOP_CHANNEL, else where /workshop was first used); here when that is this
 * channel or unknown. A post Slack refused (the bot not invited, the channel archived…) comes back
 * as the reason, not thrown: what the command changed stands, and the instructor is told why and what to do.
 */
async function announce(services: CommandServices, out: Responder, message: Message, here: string, log: Logger): Promise<Announced> {
  const room = await services.room.channel();
  try {
    if (room && room.channel !== here) return { channel: (await services.notifier.post(room.channel, message)).channel };
    return { channel: (await out.post(message)).channel };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    log.warn({ channel: room?.channel ?? here, reason: error.message }, 'could not announce in the room');
    return { failed: { message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
  }
}

async function announceMove(ctx: CommandContext, exercise: Exercise, previous: string | undefined): Promise<void> {
  const announced = await announce(ctx.services, ctx.out, exerciseStartedMessage(exercise, ctx.request.user), ctx.request.channel, ctx.log);
  const before = previous ? ctx.services.checks.exercises.find((candidate) => candidate.id === previous) : undefined;
  const last = ctx.services.checks.exercises.at(-1)?.id === exercise.id;
  await ctx.out.reply(sessionMovedMessage(exercise, before, announced, last));
}

function exercisesOf(services: CommandServices, session: SessionState): Exercise[] {
  return session.exercises.flatMap((id) => services.checks.exercises.filter((exercise) => exercise.id === id));
}
