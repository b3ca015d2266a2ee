import { quote, UserError } from '../errors.js';
import type { CommandRequest } from './types.js';

/** Turns a typed line like `/cluster up --agents 2` into a request for the router. */
export function parseCommandLine(line: string, user: string, channel: string): CommandRequest {
  const match = /^\/([a-z][\w-]*)(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match)
    throw new UserError(`${quote(line.trim())} is not a slash command.`, 'Start with the command, e.g. /help or /faq what is a framework?');
  return { user, channel, command: match[1]!.toLowerCase(), text: match[2] ?? '' };
}
