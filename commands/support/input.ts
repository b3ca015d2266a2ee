import { quote, UserError } from '../../src/errors.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';
import { plainQuotes } from '../../src/router/args.js';
import type { AttachedFile, CommandContext, CommandRequest } from '../../src/router/types.js';

/** Marathon JSON or a minimesosFile pasted into Slack is small; anything bigger is a mistake (a whole state dump…). */
export const MAX_PASTED_BYTES = 64 * 1024;

/** The one attached file's text (Slack: a DM or mention with the file), size-checked; undefined when none. */
export async function attachedText(request: CommandRequest, what: string, maxBytes = MAX_PASTED_BYTES): Promise<string | undefined> {
  const files = request.files ?? [];
  if (files.length === 0) return undefined;
  if (files.length > 1)
    throw new UserError(`You attached ${files.length} files; I read one ${what} at a time.`, 'Send the message again with just that file.');
  const [file] = files as [AttachedFile];
  const tooBig = (size: number) =>
    new UserError(
      `${escapeMrkdwn(file.name)} is ${Math.ceil(size / 1024)} KB; a ${what} may be at most ${maxBytes / 1024} KB.`,
      `Is it the right file? A ${what} is usually a few KB.`,
    );
  if (file.size > maxBytes) throw tooBig(file.size);
  const text = await file.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooBig(Buffer.byteLength(text));
  return unfence(text);
}

/** The inside of a ``` code block (Slack keeps the fences), with Slack's smart quotes made plain. */
export function unfence(text: string): string {
  const fenced = /```(?:\w+\n)?([\s\S]*?)```/.exec(text);
  return plainQuotes(fenced ? fenced[1]! : text).trim();
}

/** For a (sub)command that takes no words but the attendee an instructor may name (the router has taken that out). */
export function noArguments({ args, usage, request, subject }: Pick<CommandContext, 'args' | 'usage' | 'request' | 'subject'>): void {
  if (args.trim() === '') return;
  // Someone not among the words the router knows, e.g. a bare user id: say how to name an attendee.
  const naming = subject === request.user ? ' Instructors name an attendee with @, e.g. `@ada`.' : '';
  throw new UserError(`${usage} takes no other words (you gave ${quote(args.trim())}).`, `Usage: ${usage}.${naming}`);
}
