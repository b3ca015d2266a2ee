import { type Logger, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON lines in production; human-readable lines when writing to a terminal (or when asked).
 * `destination`: a file descriptor (default stdout), or a file path to append JSON lines to.
 */
export function createLogger(level: LogLevel, options: { pretty?: boolean; destination?: number | string } = {}): Logger {
  if (typeof options.destination === 'string')
    return pino({ level, base: { app: 'workshop-bot' } }, pino.destination({ dest: options.destination, mkdir: true, sync: true }));
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  if (!pretty) return pino({ level, base: { app: 'workshop-bot' } }, pino.destination(options.destination ?? 1));
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { colorize: true, destination: options.destination ?? 1, ignore: 'pid,hostname' } },
  });
}
