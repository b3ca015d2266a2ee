import type { Exercise } from '../../src/checks/exercise.js';
import type { ExerciseProgress } from '../../src/checks/progress.js';
import type { ExerciseResult, StepResult, StepStatus } from '../../src/checks/service.js';
import { actions, type Block, button, context, header, type Message, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';

const ICONS: Record<StepStatus, string> = { pass: '✅', fail: '❌', error: '❌', waiting: '⏳' };

/** The buttons under a result name the attendee who owns it; only they may press them. */
export interface ButtonValue {
  /** owner */
  o: string;
  /** exercise id */
  e: string;
  /** step id (hint, solution) */
  s?: string;
}

/**
 * A check's result with the next step's hint and the owner's buttons. `viewer`: who asked, when that
 * is not the owner (an instructor looking at an attendee's cluster): no buttons then, since hints
 * revealed and checks run count for the owner.
 */
export function resultMessage(result: ExerciseResult, viewer = result.attendee): Message {
  const { exercise, next } = result;
  const owner = result.attendee;
  const forSomeoneElse = owner !== undefined && viewer !== owner;
  const blocks: Block[] = [
    header(`${exercise.number}. ${exercise.title}`),
    context(`*${forSomeoneElse ? `<@${owner}>: ` : ''}${result.passed} of ${result.total} steps done* · ${exercise.goal}`),
  ];
  for (const step of result.steps) {
    blocks.push(section(stepLine(step)));
    if (step === next) {
      blocks.push(context(`:point_right: ${step.do}`));
      blocks.push(context(`:bulb: Hint${step.hintCount > 1 ? ` ${step.hintNumber} of ${step.hintCount}` : ''}: ${step.hint}`));
    }
  }
  if (result.passed === result.total) blocks.push(section(':tada: Every step passes. `/check list` shows the other exercises.'));
  if (!result.attendee)
    blocks.push(context('Checked as the cluster is now, without history: `after:` is ignored and nothing is recorded.'));
  if (forSomeoneElse)
    blocks.push(
      context(`Checked on <@${owner}>'s cluster for you, and recorded as their check. Only they get the buttons (hints count for them).`),
    );
  else if (owner) {
    const value = (step?: StepResult) =>
      JSON.stringify({ o: owner, e: exercise.id, ...(step ? { s: step.id } : {}) } satisfies ButtonValue);
    blocks.push(
      actions([
        button('Check again', 'check.again', value(), 'primary'),
        ...(next ? [button('Show hint', 'check.hint', value(next)), button('Show solution', 'check.solution', value(next))] : []),
      ]),
    );
  }
  return { text: `${exercise.title}: ${result.passed} of ${result.total} steps done`, blocks };
}

function stepLine(step: StepResult): string {
  const title = `${ICONS[step.status]} *${step.title}*`;
  // What the cluster reports (app ids, task names, what a port answered) is the attendee's to choose.
  const detail = escapeMrkdwn(step.detail);
  if (step.status === 'pass') {
    const when = step.passedAt !== undefined ? `passed at ${clock(step.passedAt)}` : 'passes now';
    return step.detail.startsWith('passed at') ? `${title} — ${when}` : `${title} — ${detail} · ${when}`;
  }
  if (step.status === 'error') return `${title} — could not check: ${detail}`;
  return `${title} — ${detail}`;
}

export function listMessage(exercises: readonly Exercise[]): Message {
  const lines = exercises.map(
    (exercise) =>
      `*${exercise.number}. ${exercise.title}* (\`${exercise.id}\`, ${exercise.steps.length} steps${exercise.minutes ? `, ${exercise.minutes} min` : ''}) — ${exercise.goal}`,
  );
  return {
    text: `${exercises.length} exercises`,
    blocks: [
      header('The exercises'),
      ...lines.map((line) => section(line)),
      context(
        '`/check <exercise>` checks one (by id or number); `/check` checks the current one; `/check progress` shows how far you are.',
      ),
    ],
  };
}

/** `/check progress`: the caller's own, or `owner`'s for an instructor who named them. */
export function progressMessage(entries: Array<{ exercise: Exercise; progress: ExerciseProgress }>, owner?: string): Message {
  const blocks: Block[] = [owner ? section(`*<@${owner}>'s progress*`) : header('Your progress')];
  let done = 0;
  let total = 0;
  for (const { exercise, progress } of entries) {
    const passed = exercise.steps.filter((step) => progress[step.id]?.passedAt !== undefined);
    done += passed.length;
    total += exercise.steps.length;
    const marks = exercise.steps.map((step) => `${progress[step.id]?.passedAt !== undefined ? '✅' : '▫️'} ${step.title}`).join(' · ');
    const last = Math.max(0, ...passed.map((step) => progress[step.id]!.passedAt!));
    blocks.push(
      section(
        `*${exercise.number}. ${exercise.title}* — ${passed.length} of ${exercise.steps.length}${last ? ` (last passed at ${clock(last)})` : ''}\n${marks}`,
      ),
    );
  }
  blocks.push(
    context(
      owner
        ? `\`/check\` with <@${owner}> checks their cluster against the current exercise.`
        : '`/check` checks the current exercise; `/check --again` forgets its passes and checks from scratch.',
    ),
  );
  return { text: `${owner ? `<@${owner}>'s` : 'Your'} progress: ${done} of ${total} steps`, blocks };
}

export function hintMessage(title: string, hint: string, number: number, count: number): Message {
  const more = number < count ? '' : count > 1 ? ' That was the last hint; *Show solution* gives the answer.' : '';
  const text = `:bulb: *${title}* — hint ${number} of ${count}: ${hint}${more}`;
  return { text: `Hint: ${title}`, blocks: [section(text)] };
}

export function solutionMessage(title: string, solution: string): Message {
  return {
    text: `Solution: ${title}`,
    blocks: [section(`:key: *${title}* — solution:\n${solution}`), context('Then press *Check again*.')],
  };
}

export function notYoursMessage(owner: string): Message {
  const text = `These buttons belong to <@${owner}>'s check, so nothing was changed. Run \`/check\` to see your own progress.`;
  return { text, blocks: [section(`:no_entry: ${text}`)] };
}

export function quietMessage(): Message {
  const text =
    'No more nudges from check-ins for the rest of this workshop. `/check` still shows your progress and hints whenever you want them.';
  return { text, blocks: [section(`:zipper_mouth_face: ${text}`)] };
}

/** "10:42 UTC" */
export function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}
