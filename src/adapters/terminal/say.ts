import type { BotApp } from '../../app.js';
import { UserError } from '../../errors.js';
import { parseCommandLine } from '../../router/command-line.js';
import { userErrorMessage } from '../../router/router.js';
import type { CommandRequest } from '../../router/types.js';
import { type TerminalEvent, TerminalResponder } from './responder.js';

export const TERMINAL_USER = 'U_TERMINAL';
export const TERMINAL_CHANNEL = 'C_TERMINAL';

/** Runs one command line through the router and returns every message it produced, in order. */
export async function say(
  bot: BotApp,
  line: string,
  options: { user?: string; channel?: string; onEvent?: (event: TerminalEvent) => void; filesDir?: string } = {},
): Promise<TerminalEvent[]> {
  const channel = options.channel ?? TERMINAL_CHANNEL;
  const events: TerminalEvent[] = [];
  const responder = new TerminalResponder(
    channel,
    (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
    options.filesDir,
  );
  let request: CommandRequest;
  try {
    request = parseCommandLine(line, options.user ?? TERMINAL_USER, channel);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await responder.reply(userErrorMessage(error));
    return events;
  }
  await bot.router.dispatch(request, responder);
  return events;
}
