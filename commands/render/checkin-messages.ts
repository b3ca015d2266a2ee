import { describeWait } from '../../src/clusters/build-stats.js';
import { actions, type Block, button, context, type Message, section } from '../../src/render/blocks.js';
import type { CheckinMessages, Nudge, NudgeFate, SweepSummary } from '../../src/workshop/checkins.js';
import type { ButtonValue } from '../check/render.js';
import { failureReason, type PeopleGroup, peopleBlocks, plural } from './room-messages.js';

/** How often, in the instructor's words: "every 10 minutes", "every hour", "every 1 h 30 min". */
export function describeEvery(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `every ${plural(minutes, 'minute')}`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return `every ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long without a pass makes an attendee stuck, in words: "5 minutes". */
export function stuckFor(ms: number): string {
  return describeWait(ms).replace(/^about /, '');
}

/**
 * The DM to a stuck attendee: the step they are on and its hint, with /check's own buttons (owned by
 * them) and "Stop nudging me".
 */
export function nudgeMessage({ user, exercise, step, result, stuckForMs }: Nudge): Message {
  const value = (withStep: boolean) =>
    JSON.stringify({ o: user, e: exercise.id, ...(withStep ? { s: step.id } : {}) } satisfies ButtonValue);
  const lead = `:wave: Still on *${step.title}* (${exercise.number}. ${exercise.title}, ${result.passed} of ${result.total} steps done)? Here is a hint.`;
  return {
    text: `A hint for "${step.title}"`,
    blocks: [
      section(lead),
      context(`:point_right: ${step.do}`),
      section(`:bulb: ${step.hint}`),
      context(
        `No step has passed for ${describeWait(stuckForMs)}. I check the room every few minutes; this is the only nudge for this step.`,
      ),
      actions([
        button('Check again', 'check.again', value(false), 'primary'),
        button('Show another hint', 'check.hint', value(true)),
        button('Stop nudging me', 'check.quiet', value(false)),
      ]),
    ],
  };
}

/** After each sweep, to the instructor who turned check-ins on (or asked for the sweep). */
export function sweepSummaryMessage(summary: SweepSummary): Message {
  const stuckCount = summary.stuck.reduce((sum, step) => sum + step.attendees.length, 0);
  const checked = summary.total - summary.noCluster.length;
  const title = `Check-in: ${summary.exercise.number}. ${summary.exercise.title}: ${summary.done.length} of ${checked} done, ${stuckCount} stuck`;
  const blocks: Block[] = [
    section(
      `:mag: *${title}*\n${plural(checked, 'cluster')} checked: ${summary.done.length} done, ${summary.working.length} moving on, ${stuckCount} stuck` +
        (summary.noCluster.length > 0 ? ` · ${summary.noCluster.length} without a ready cluster` : ''),
    ),
  ];
  if (summary.total === 0) blocks.push(context('Nobody is in the room yet: attendees register by using any command.'));
  const groups: PeopleGroup[] = summary.stuck.map(({ step, attendees }) => {
    const count = (fate: NudgeFate) => attendees.filter((attendee) => attendee.nudge === fate).length;
    const notes = [
      count('sent') > 0 ? `${count('sent')} nudged now` : '',
      count('quiet') > 0 ? `${count('quiet')} asked not to be nudged` : '',
      count('failed') > 0 ? `${count('failed')} could not be DMed${failureReasons(attendees)}` : '',
    ].filter(Boolean);
    return {
      label: `Stuck on *${step.title}*, ${attendees.length}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
      people: attendees.map((attendee) => attendee.user),
    };
  });
  if (summary.noCluster.length > 0)
    groups.push({ label: `*Without a ready cluster*, ${summary.noCluster.length}`, people: summary.noCluster.map(({ user }) => user) });
  if (summary.errors.length > 0)
    groups.push({ label: `*Could not be checked*, ${summary.errors.length}`, people: summary.errors.map(({ user }) => user) });
  const foot = context(
    `Stuck: no step passed for ${stuckFor(summary.stuckMs)} (CHECKIN_STUCK_MINUTES). Each is nudged once per step and session by DM. \`/workshop checkins off\` stops the sweeps.`,
  );
  blocks.push(...peopleBlocks(groups, [...blocks, foot], ROOM_POINTER), foot);
  return { text: title, blocks };
}

/** Where an instructor sees everyone a message could not name. */
const ROOM_POINTER = 'everyone is on the board, `/workshop board`, and in `/workshop attendees`';

/** Why Slack refused the nudges (each reason once, with its fix), e.g. `: \`user_not_found\` (no such user…)`. */
function failureReasons(attendees: Array<{ nudgeFailure?: string }>): string {
  const reasons = [...new Set(attendees.flatMap((attendee) => (attendee.nudgeFailure ? [attendee.nudgeFailure] : [])))];
  return reasons.length > 0 ? `: ${reasons.map(failureReason).join('; ')}` : '';
}

export const checkinMessages: CheckinMessages = { nudge: nudgeMessage, summary: sweepSummaryMessage };
