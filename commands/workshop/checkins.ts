import { quote, UserError } from '../../src/errors.js';
import { context, type Message, section } from '../../src/render/blocks.js';
import type { CommandContext } from '../../src/router/types.js';
import { DEFAULT_EVERY_MS, MAX_EVERY_MS, MIN_EVERY_MS } from '../../src/workshop/checkins.js';
import { clock } from '../check/render.js';
import { describeEvery, stuckFor } from '../render/checkin-messages.js';

/** `10m`, `10 min`, `1h`, `1h30m`, `90s`, `2 hours`… (spaces removed first). */
const DURATION = /^(?:(\d+)(?:h|hr|hrs|hours?))?(?:(\d+)(?:m|mins?|minutes?))?(?:(\d+)(?:s|secs?|seconds?))?$/;

/** `every <duration>` after `on`; nothing means every ten minutes. */
export function parseEvery(words: string[], usage: string): number {
  if (words.length === 0) return DEFAULT_EVERY_MS;
  const [first, ...rest] = words;
  if (first!.toLowerCase() !== 'every') {
    throw new UserError(
      `${quote(words.join(' '))} is not something /workshop checkins on understands.`,
      `Usage: ${usage}, e.g. /workshop checkins on every 10m`,
    );
  }
  const spec = rest.join('').toLowerCase();
  // Echoed cut short and quoted: the words after `every` are whatever was typed.
  const typed = rest.join(' ');
  const given = quote(typed, 40);
  if (spec === '')
    throw new UserError('`every` needs a duration.', 'For example `/workshop checkins on every 10m` (m = minutes, h = hours).');
  if (/^\d+$/.test(spec)) {
    throw new UserError(
      `${given} has no unit.`,
      spec.length <= 4
        ? `Write \`every ${spec}m\` for minutes (or \`${spec}h\` for hours).`
        : 'Add m for minutes or h for hours, e.g. `every 10m`.',
    );
  }
  if (/\d[.,]\d/.test(spec)) {
    throw new UserError(
      `${given} is not a duration I can read: use whole numbers.`,
      'For an hour and a half, write `every 1h30m` or `every 90m`.',
    );
  }
  const match = DURATION.exec(spec);
  if (!match || (match[1] === undefined && match[2] === undefined && match[3] === undefined)) {
    throw new UserError(`${given} is not a duration.`, 'Write minutes or hours, e.g. `every 10m`, `every 90 min`, `every 1h30m`.');
  }
  const ms = (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60_000 + Number(match[3] ?? 0) * 1000;
  // A duration read is digits and units only: as typed, unless it is too long to repeat.
  const duration = typed.length <= 40 ? typed : given;
  if (ms < MIN_EVERY_MS) {
    throw new UserError(
      `Every ${duration} is too often: check-ins sweep at most once a minute.`,
      'A sweep checks every cluster in the room; `every 5m` is plenty for a live room. `/workshop checkins now` sweeps once right away.',
    );
  }
  if (ms > MAX_EVERY_MS) {
    throw new UserError(`Every ${duration} is too rare: check-ins sweep at least every 2 hours.`, 'Use `every 2h` or less.');
  }
  return ms;
}

/** `/workshop checkins on [every 10m] | off | now`, and with nothing after it, whether they are on. */
export async function checkins({ request, args, usage, services, out }: CommandContext): Promise<void> {
  const [word, ...rest] = args.trim().split(/\s+/).filter(Boolean);
  const subject = word?.toLowerCase();
  if (subject === 'every') {
    throw new UserError(
      '`every` goes after `on`.',
      'Write `/workshop checkins on every 10m` (any pace from 1 minute to 2 hours): it turns check-ins on, or changes their pace.',
    );
  }
  if (subject !== undefined && subject !== 'on' && rest.length > 0) {
    throw new UserError(`/workshop checkins ${subject} takes nothing after it (you wrote ${quote(rest.join(' '))}).`, `Usage: ${usage}`);
  }
  const stuck = stuckFor(services.config.checkinStuckMs);
  if (subject === undefined) {
    const schedule = await services.checkins.schedule();
    const text = schedule
      ? `:repeat: Check-ins are on, ${describeEvery(schedule.everyMs)}; summaries go to <@${schedule.by}>${schedule.nextAt ? `; next sweep at ${clock(schedule.nextAt)}` : ''}.`
      : 'Check-ins are off. `/workshop checkins on` starts them (every 10 minutes unless you say `every 5m`).';
    await out.reply(textOnly(text));
  } else if (subject === 'on') {
    const everyMs = parseEvery(rest, usage);
    const { exercise, before } = await services.checkins.turnOn(request.user, everyMs);
    const change = before
      ? ` (they were on, ${describeEvery(before.everyMs)}${before.by !== request.user ? `, for <@${before.by}>` : ''})`
      : '';
    await out.reply({
      text: `Check-ins are on, ${describeEvery(everyMs)}`,
      blocks: [
        section(
          `:repeat: *Check-ins are on, ${describeEvery(everyMs)}*${change}, for *${exercise.number}. ${exercise.title}*. The first sweep starts now; after each you get a summary by DM.`,
        ),
        context(
          `Every attendee with a ready cluster is checked as /check would (progress is recorded). Whoever has not passed a step for ${stuck} gets its hint by DM, once per step, with a "Stop nudging me" button.`,
        ),
      ],
    });
  } else if (subject === 'off') {
    const before = await services.checkins.turnOff();
    await out.reply(
      textOnly(
        before
          ? `:octagonal_sign: Check-ins are off (they ran ${describeEvery(before.everyMs)}). A sweep already under way finishes and sends its summary.`
          : 'Check-ins were not on, so nothing changed.',
      ),
    );
  } else if (subject === 'now') {
    const exercise = await services.checkins.sweepNow(request.user);
    await out.reply(
      textOnly(
        `:mag: Checking the room now against *${exercise.number}. ${exercise.title}*; the summary comes by DM. Attendees stuck for ${stuck} get a hint, once per step.`,
      ),
    );
  } else {
    throw new UserError(`${quote(word!)} is not something /workshop checkins understands.`, `Usage: ${usage}`);
  }
}

function textOnly(text: string): Message {
  return { text, blocks: [section(text)] };
}
