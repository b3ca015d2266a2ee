import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** JSON lines in production; human-readable lines when writing to a terminal (or when asked). */
export function createLogger(level: LogLevel, options: { pretty?: boolean; destination?: number } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  if (!pretty) return pino({ level, base: { app: 'workshop-bot' } }, pino.destination(options.destination ?? 1));
  return pino({
    level,
    transport: { target: 'pino-pretty', options: { colorize: true, destination: options.destination ?? 1, ignore: 'pid,hostname' } },
  });
}
