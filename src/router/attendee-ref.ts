import { quote, UserError } from '../errors.js';
import type { Attendee } from '../workshop/attendees.js';

/** `<@U123>` or `<@U123|name>` (a Slack mention), or `@U123` (typed in a terminal); W… ids are Enterprise Grid's. */
const MENTION = /^(?:<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|@([UW][A-Z0-9]{2,}))$/;

/** The words of a command with the attendee they name taken out. */
export interface AttendeeWords {
  /** How they named an attendee (`<@U…>`, `@U…`, `@name`); undefined when they named nobody. */
  named?: string;
  /** The other words, in order. */
  rest: string;
}

/**
 * Takes the attendee a command names out of its words: a mention (`<@U…>`, which Slack sends for
 * "@name" picked from its list), `@U…`, or `@name` (a terminal has no mention picker). Words
 * inside a code block are left alone. One attendee per command.
 */
export function takeAttendee(words: string): AttendeeWords {
  const fence = words.indexOf('```');
  const [plain, fenced] = fence === -1 ? [words, ''] : [words.slice(0, fence), words.slice(fence)];
  const named: string[] = [];
  const kept: string[] = [];
  for (const token of plain.split(/(\s+)/)) {
    if (token.startsWith('@') || token.startsWith('<@')) named.push(token);
    else kept.push(token);
  }
  if (named.length === 0) return { rest: words.trim() };
  if (named.length > 1)
    throw new UserError(
      `That names ${named.length} attendees (${named.map(shown).join(', ')}); I look at one at a time.`,
      'Name one attendee, e.g. `/cluster info @ada`.',
    );
  return { named: named[0]!, rest: `${kept.join('')}${fenced}`.replace(/\s+/g, ' ').trim() };
}

/** The user id a mention names; undefined for `@name`, which only the room's list can tell (see resolveAttendee). */
export function mentionedUser(named: string): string | undefined {
  const mention = MENTION.exec(named);
  return mention ? (mention[1] ?? mention[2])! : undefined;
}

/** A mention as Slack shows it (its id is checked), anything else typed quoted. */
function shown(named: string): string {
  const user = mentionedUser(named);
  return user ? `<@${user}>` : quote(named);
}

/** Whom `named` is: the user id of a mention, or the one attendee whose display name (or id) it is. */
export async function resolveAttendee(named: string, attendees: () => Promise<Attendee[]>): Promise<string> {
  const mentioned = mentionedUser(named);
  if (mentioned) return mentioned;
  const wanted = named.slice(1).toLowerCase();
  const room = await attendees();
  const matches = room.filter((attendee) => attendee.name?.toLowerCase() === wanted || attendee.user.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]!.user;
  if (matches.length > 1)
    throw new UserError(
      `${matches.length} attendees are called ${quote(named)}: ${matches.map((attendee) => `<@${attendee.user}>`).join(', ')}.`,
      'Pick them from Slack\'s list when you type "@", or give their user id (`@U…`).',
    );
  throw new UserError(
    `I don't know an attendee called ${quote(named)}.`,
    'Pick them from Slack\'s list when you type "@" (or give their user id, `@U…`); `/workshop attendees` lists everyone who used the bot.',
  );
}
