import { quote, UserError } from '../errors.js';
import type { Attendee } from '../workshop/attendees.js';

/** `<@U123>` or `<@U123|name>` (a Slack mention), or `@U123` (typed in a terminal); W… ids are Enterprise Grid's. */
const MENTION = /^(?:<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|@([UW][A-Z0-9]{2,}))$/;

/** The words of a command with the attendee they name taken out. */
export interface AttendeeWords {
  /** Whom the words name; undefined when they name nobody. */
  attendee?: string;
  /** The other words, in order. */
  rest: string;
}

/**
 * Takes the attendee a command names out of its words: a mention (`<@U…>`, which Slack sends for
 * "@name" picked from its list), `@U…`, or `@name` matching one attendee's display name (a terminal
 * has no mention picker). Words inside a code block are left alone. One attendee per command.
 */
export async function takeAttendee(words: string, attendees: () => Promise<Attendee[]>): Promise<AttendeeWords> {
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
  const rest = `${kept.join('')}${fenced}`.replace(/\s+/g, ' ').trim();
  return { attendee: await resolve(named[0]!, attendees), rest };
}

/** A mention as Slack shows it (its id is checked), anything else typed quoted. */
function shown(token: string): string {
  const mention = MENTION.exec(token);
  return mention ? `<@${mention[1] ?? mention[2]}>` : quote(token);
}

async function resolve(token: string, attendees: () => Promise<Attendee[]>): Promise<string> {
  const mention = MENTION.exec(token);
  if (mention) return (mention[1] ?? mention[2])!;
  const wanted = token.slice(1).toLowerCase();
  const room = await attendees();
  const matches = room.filter((attendee) => attendee.name?.toLowerCase() === wanted || attendee.user.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]!.user;
  if (matches.length > 1)
    throw new UserError(
      `${matches.length} attendees are called ${quote(token)}: ${matches.map((attendee) => `<@${attendee.user}>`).join(', ')}.`,
      'Pick them from Slack\'s list when you type "@", or give their user id (`@U…`).',
    );
  throw new UserError(
    `I don't know an attendee called ${quote(token)}.`,
    'Pick them from Slack\'s list when you type "@" (or give their user id, `@U…`); `/workshop attendees` lists everyone who used the bot.',
  );
}
