import { parseArgs } from 'node:util';
import { eventToText, type TerminalEvent } from '../adapters/terminal/responder.js';
import { say, TERMINAL_CHANNEL, TERMINAL_USER } from '../adapters/terminal/say.js';
import { runShell } from '../adapters/terminal/shell.js';
import { createApp } from '../app.js';
import { createLogger } from '../logger.js';
import { configOrExplain, stderrLogger } from './runtime.js';

const USER_OPTIONS = { user: { type: 'string', default: TERMINAL_USER }, channel: { type: 'string', default: TERMINAL_CHANNEL } } as const;

export async function sayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...USER_OPTIONS, json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) {
    process.stderr.write('Usage: workshop-bot say [--user ID] [--channel ID] [--json] "/command args"\n');
    return 2;
  }
  const config = configOrExplain('local');
  if (!config) return 2;
  const bot = createApp(config, { log: stderrLogger(config) });
  try {
    const events: TerminalEvent[] = await say(bot, positionals.join(' '), {
      user: values.user,
      channel: values.channel,
      onEvent: values.json ? undefined : (event) => process.stdout.write(`${eventToText(event)}\n`),
    });
    if (values.json)
      process.stdout.write(
        `${JSON.stringify(
          events.map((event) => ({ kind: event.kind, ...event.payload })),
          null,
          2,
        )}\n`,
      );
    return 0;
  } finally {
    await bot.close();
  }
}

export async function shellCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: USER_OPTIONS });
  const config = configOrExplain('local');
  if (!config) return 2;
  const bot = createApp(config, { log: createLogger('warn', { destination: 2 }) });
  try {
    await runShell(bot, { user: values.user, channel: values.channel });
    return 0;
  } finally {
    await bot.close();
  }
}
