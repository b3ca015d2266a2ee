import type { BotApp } from '../../app.js';
import { UserError } from '../../errors.js';
import type { CommandRequest } from '../../router/types.js';
import { type TerminalEvent, TerminalResponder } from './responder.js';

export const TERMINAL_USER = 'U_TERMINAL';
export const TERMINAL_CHANNEL = 'C_TERMINAL';

/** Turns a typed line like `/cluster up --agents 2` into a request for the router. */
export function parseCommandLine(line: string, user: string, channel: string): CommandRequest {
  const match = /^\/([a-z][\w-]*)\s*([\s\S]*)$/i.exec(line.trim());
  if (!match)
    throw new UserError(`"${line.trim()}" is not a slash command.`, 'Start with the command, e.g. /help or /faq what is a framework?');
  return { user, channel, command: match[1]!.toLowerCase(), text: match[2]! };
}

/** Runs one command line through the router and returns every message it produced, in order. */
export async function say(
  bot: BotApp,
  line: string,
  options: { user?: string; channel?: string; onEvent?: (event: TerminalEvent) => void } = {},
): Promise<TerminalEvent[]> {
  const channel = options.channel ?? TERMINAL_CHANNEL;
  const events: TerminalEvent[] = [];
  const responder = new TerminalResponder(channel, (event) => {
    events.push(event);
    options.onEvent?.(event);
  });
  let request: CommandRequest;
  try {
    request = parseCommandLine(line, options.user ?? TERMINAL_USER, channel);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await responder.reply({ text: `:warning: ${error.message} ${error.hint ?? ''}`.trim() });
    return events;
  }
  await bot.router.dispatch(request, responder);
  return events;
}
