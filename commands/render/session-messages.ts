import type { Exercise } from '../../src/checks/exercise.js';
import { actions, type Block, button, confirmed, context, type Message, section } from '../../src/render/blocks.js';
import type { CheckinSchedule } from '../../src/workshop/checkins.js';
import type { SessionState } from '../../src/workshop/session.js';
import { clock } from '../check/render.js';
import { describeEvery } from './checkin-messages.js';
import { peopleBlocks, plural } from './room-messages.js';

const label = (exercise: Exercise) => `${exercise.number}. ${exercise.title}`;

/** In the room: the exercise everyone works on now. */
export function exerciseStartedMessage(exercise: Exercise, from: string): Message {
  const steps = exercise.steps.map((step, index) => `${index + 1}. ${step.title}`).join('\n');
  return {
    text: `Exercise ${label(exercise)} starts now`,
    blocks: [
      section(`:checkered_flag: *Exercise ${label(exercise)}* starts now (<@${from}>).\n${steps}`),
      context('`/check` checks your cluster against it and shows your next hint. `/check list` shows every exercise.'),
    ],
  };
}

/** To the instructor: what changed and where it was announced. */
export function sessionMovedMessage(exercise: Exercise, previous: Exercise | undefined, announced: Announced, last: boolean): Message {
  const from = previous && previous.id !== exercise.id ? ` (after ${label(previous)})` : '';
  const text = `:checkered_flag: The room is on exercise ${label(exercise)}${from}${'channel' in announced ? `; announced in <#${announced.channel}>` : ''}.`;
  const then = last ? 'It is the last exercise: `/workshop end`' : '`/workshop next` moves on; `/workshop end`';
  return {
    text,
    blocks: [
      section(text),
      ...('failed' in announced
        ? notAnnounced(announced.failed, `Then \`/workshop start ${exercise.id}\` announces it again (progress and the session stay).`)
        : []),
      context(`\`/check\` now means this exercise for everyone. ${then} ends the session and exports the results.`),
    ],
  };
}

/** Where an announcement in the room went, or why Slack did not take it (what the command changed stands). */
export type Announced = { channel: string } | { failed: { message: string; hint?: string } };

/** The room was not told: Slack's reason, its fix, and how to tell the room once it is fixed. */
export function notAnnounced(failed: { message: string; hint?: string }, again: string): Block[] {
  return [section(`:warning: The room was not told: ${failed.message}`), context([failed.hint, again].filter(Boolean).join(' '))];
}

/** `/workshop end`: what ending does, and the button that does it. */
export function confirmEndMessage(session: SessionState, exercises: Exercise[]): Message {
  const run = exercises.map(label).join(', ');
  const text = `End the session started at ${clock(session.startedAt)} by <@${session.startedBy}>? Exercises run: ${run}.`;
  return {
    text: 'End the session?',
    blocks: [
      section(
        `:stopwatch: ${text}\nEnding clears the current exercise (\`/check\` then means each attendee's own next one) and attaches the results here as a CSV: one row per attendee and step.`,
      ),
      actions([button('End the session', 'workshop.end', session.id, 'primary')]),
      context('In a terminal: `/workshop end --confirm`.'),
    ],
  };
}

/** In the room, once. */
export function sessionEndedMessage(from: string): Message {
  const text = `:tada: The session has ended (<@${from}>). Thank you all! Your clusters stay up until the instructor removes them or they expire.`;
  return { text: 'The session has ended', blocks: [section(text)] };
}

/**
 * To the instructor: where the results are, that automatic check-ins are off (`checkins`: what this
 * press turned off, if they were on; `untouched` when another session runs now and keeps its own),
 * and the button that removes every cluster.
 */
export function resultsMessage(
  session: SessionState,
  results: { attendees: number; rows: number; where: string },
  clusters: number,
  checkins?: CheckinSchedule | 'untouched',
): Message {
  const off =
    checkins === 'untouched'
      ? 'Another session runs now: its automatic check-ins were left as they are.'
      : checkins
        ? `Automatic check-ins (${describeEvery(checkins.everyMs)}) are off now.`
        : 'Automatic check-ins are off.';
  const text = `:white_check_mark: Session ended. Results: ${plural(results.attendees, 'attendee')}, ${plural(results.rows, 'row')} (attendee × step) — ${results.where}\n${off}`;
  const remove = confirmed(button(`Remove every cluster (${clusters})`, 'workshop.remove-clusters', session.id, 'danger'), {
    title: 'Remove every cluster?',
    text: `All ${plural(clusters, 'cluster')} of the room will be destroyed (attached ones are only unlinked).`,
    confirm: 'Remove them',
  });
  return {
    text,
    blocks: [
      section(text),
      ...(clusters > 0
        ? [actions([remove]), context('In a terminal: `/workshop end --remove-clusters`.')]
        : [context('Nobody has a cluster.')]),
    ],
  };
}

export function alreadyEndedMessage(session: SessionState): Message {
  const when = session.endedAt !== undefined ? ` at ${clock(session.endedAt)} by <@${session.endedBy}>` : '';
  const text = `:information_source: This session already ended${when}; its results were attached then. Nothing changed.`;
  return { text, blocks: [section(text)] };
}

export function removingClustersMessage(count: number): Message {
  const text = `:hourglass_flowing_sand: Removing ${plural(count, 'cluster')}, a few at a time; I'll tell you when they are gone.`;
  return { text, blocks: [section(text)] };
}

export function clustersRemovedMessage(removed: number, failed: string[]): Message {
  const text =
    removed === 0 && failed.length === 0
      ? ':information_source: Nobody has a cluster: nothing to remove.'
      : failed.length === 0
        ? `:wastebasket: Removed ${plural(removed, 'cluster')}.`
        : `:warning: Removed ${plural(removed, 'cluster')}; ${failed.length} could not be removed.`;
  if (failed.length === 0) return { text, blocks: [section(text)] };
  const retry = context('Press the button again (or `/workshop end --remove-clusters`) to retry them.');
  return {
    text,
    blocks: [
      section(text),
      ...peopleBlocks([{ label: 'Not removed', people: failed }], [section(text), retry], "the bot's log names each one"),
      retry,
    ],
  };
}
