import { quote, UserError } from '../../src/errors.js';
import { USER_ID } from '../../src/render/mrkdwn.js';
import { parseArgs } from '../../src/router/args.js';
import { commandHelp } from '../../src/router/router.js';
import type { ActionContext, CommandContext, CommandSpec } from '../../src/router/types.js';
import {
  type ButtonValue,
  hintMessage,
  listMessage,
  notYoursMessage,
  progressMessage,
  quietMessage,
  resultMessage,
  solutionMessage,
} from './render.js';

const USAGE = '/check [<exercise> | list | progress] [--again]';
/** A Slack user id typed without `@` (`U0ADA123`): exercise ids are lowercase words, so it can only be a person. */
const BARE_USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,}$/;

async function run(ctx: CommandContext): Promise<void> {
  const { services, request, out } = ctx;
  const parsed = parseArgs(ctx.args, { again: { type: 'boolean' } }, USAGE);
  const [word, extra] = [...parsed.positional, ...Object.keys(parsed.pairs)];
  if (extra !== undefined)
    throw new UserError(`/check takes one exercise at a time (you gave ${quote(word!)} and ${quote(extra)}).`, `Usage: ${USAGE}`);
  const again = parsed.flags.again === true;
  if ((word === 'list' || word === 'progress' || word === 'help') && again)
    throw new UserError(`--again goes with an exercise, not with ${quote(word)}.`, 'Try `/check --again` or `/check marathon --again`.');
  if (word !== undefined && BARE_USER_ID.test(word))
    throw new UserError(
      `${quote(word)} looks like someone's user id, not an exercise.`,
      `Instructors check an attendee's cluster by naming them with @: \`/check @${word}\`. The exercises: ${services.checks.listed}.`,
    );
  if (word === 'help') await out.reply(commandHelp(check));
  else if (word === 'list') await out.reply(listMessage(services.checks.exercises));
  else if (word === 'progress')
    await out.reply(progressMessage(await services.checks.progressOf(ctx.subject), ctx.subject === request.user ? undefined : ctx.subject));
  else await out.reply(resultMessage(await services.checks.checkAttendee(ctx.subject, word, { again }), request.user));
}

/** A value as the bot writes it on its buttons (`{o, e, s?}`, the owner a user id), else undefined: it comes back from outside. */
function buttonValue(raw: string): ButtonValue | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { o, e, s } = value as Record<string, unknown>;
  if (typeof o !== 'string' || !USER_ID.test(o) || typeof e !== 'string' || (s !== undefined && typeof s !== 'string')) return undefined;
  return { o, e, ...(s !== undefined ? { s } : {}) };
}

/** The buttons' value, or a refusal when someone else presses them: nothing changes then. */
async function ownedValue({ action, out }: ActionContext): Promise<ButtonValue | undefined> {
  const value = buttonValue(action.value);
  if (!value) throw new UserError('That button is from an older version of me.', 'Run `/check` for a fresh result.');
  if (value.o === action.user) return value;
  await out.reply(notYoursMessage(value.o));
  return undefined;
}

async function again(ctx: ActionContext): Promise<void> {
  const value = await ownedValue(ctx);
  if (value) await ctx.out.reply(resultMessage(await ctx.services.checks.checkAttendee(value.o, value.e)));
}

async function hint(ctx: ActionContext): Promise<void> {
  const value = await ownedValue(ctx);
  if (!value?.s) return;
  const revealed = await ctx.services.checks.revealHint(value.o, value.e, value.s);
  await ctx.out.reply(hintMessage(revealed.step.title, revealed.hint, revealed.number, revealed.step.hint.length));
}

async function solution(ctx: ActionContext): Promise<void> {
  const value = await ownedValue(ctx);
  if (!value?.s) return;
  const step = await ctx.services.checks.revealSolution(value.o, value.e, value.s);
  await ctx.out.reply(solutionMessage(step.title, step.solution));
}

/** "Stop nudging me" on a check-in nudge: holds for every later sweep of this session. */
async function quiet(ctx: ActionContext): Promise<void> {
  const value = await ownedValue(ctx);
  if (!value) return;
  await ctx.services.checkins.stopNudging(value.o);
  await ctx.out.reply(quietMessage());
}

export const check: CommandSpec = {
  name: 'check',
  summary: 'Checks your progress in the current exercise, step by step, with hints.',
  description:
    'Looks at your live cluster (Mesos, Marathon, ZooKeeper, your apps) and tells you which steps of an exercise pass, with a hint for the next one — like "Check my progress" in hosted labs. A step that passed stays passed.',
  usage: USAGE,
  examples: ['/check', '/check marathon', '/check 4', '/check list', '/check progress', '/check --again'],
  run,
  aboutAttendee: true,
  // quiet: on the nudges of /workshop checkins, which are about the attendee's own progress.
  actions: { again, hint, solution, quiet },
};
