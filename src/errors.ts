import { escapeMrkdwn, unescapeMrkdwn } from './render/mrkdwn.js';
import { INVISIBLE_CHARACTER } from './render/visible.js';

/**
 * A failure the user caused or can fix: its message is shown to them as is, so it says what was
 * wrong and what to do. Anything else that escapes a command is logged with a correlation id and
 * the user gets a short apology instead (never a stack trace).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * An error's message as plain text (for the terminal, logs, records). A UserError's message is
 * mrkdwn — what it quotes is escaped for Slack — so it is decoded back to the characters typed.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof UserError) return unescapeMrkdwn(error.message);
  return error instanceof Error ? error.message : String(error);
}

/**
 * What JSON.parse found wrong, with the line and column instead of V8's character offset ("at position
 * 177" means nothing to someone looking at a pasted file); the end of the input when that is where it stops.
 */
export function jsonSyntaxMessage(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /^(.*) in JSON at position (\d+)/.exec(message);
  const where = at ? Number(at[2]) : curlyQuote(text);
  if (where === undefined) return message.replace(/ of JSON input$/, ' of the JSON');
  const before = text.slice(0, where).split('\n');
  const found = text[where] ?? '';
  return `${at?.[1] ?? `Unexpected ${found}`} (line ${before.length}, column ${before.at(-1)!.length + 1})${CURLY_QUOTES.test(found) ? CURLY_HINT : ''}`;
}

/** Quotes an editor or Slack "smartened": JSON and minimesosFiles take only straight ones. */
export const CURLY_QUOTES = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f]/;
export const CURLY_HINT =
  ': a curly quote, which an editor or Slack put there; write straight quotes (" or \'), or send the text inside a ``` code block';

/** Where the first curly quote outside a string is, when V8 names one without saying where. */
function curlyQuote(text: string): number | undefined {
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString && char === '\\') index++;
    else if (char === '"') inString = !inString;
    else if (!inString && CURLY_QUOTES.test(char)) return index;
  }
  return undefined;
}

/** How much of a user's input a message quotes back: enough to recognise it, never a pasted megabyte. */
export const QUOTE_MAX_CHARS = 80;

/**
 * User input quoted inside a message: in double quotes, control characters shown as escapes (so a
 * newline, a bell or a right-to-left override cannot reshape the reply), Slack's markup characters escaped (so `<!channel>` or
 * `<https://evil.example|click here>` is shown, not sent as a ping or a link; see render/mrkdwn.ts),
 * and cut to `max` characters with the full length said. Every message that echoes what someone
 * typed goes through this; its result is mrkdwn, which the terminal shows as typed.
 */
export function quote(input: string, max = QUOTE_MAX_CHARS): string {
  const cut = input.length > max;
  // Cut by UTF-16 units, but never between the halves of a surrogate pair (an emoji).
  const head = cut ? input.slice(0, /[\ud800-\udbff]/.test(input[max - 1] ?? '') ? max - 1 : max) : input;
  const shown = escapeMrkdwn(Array.from(head, visible).join(''));
  return cut ? `"${shown}…" (${input.length.toLocaleString('en-US')} characters)` : `"${shown}"`;
}

function visible(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\t') return '\\t';
  if (char === '\r') return '\\r';
  // C0/C1 controls, DEL, the line/paragraph separators, bidi controls and zero-width spaces: invisible,
  // or reshape (reorder) what is around them, the rest of the reply included.
  return CONTROL_CHARACTER.test(char) || INVISIBLE_CHARACTER.test(char) || char === '\u2028' || char === '\u2029'
    ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
    : char;
}

/** One C0 or C1 control character (U+0000–U+001F, U+007F–U+009F). */
export const CONTROL_CHARACTER = /\p{Cc}/u;
