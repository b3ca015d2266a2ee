import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { redactBoardLinks } from '../../board/link.js';
import type { Logger } from '../../logger.js';

/** Bolt logs through our pino logger, so one log stream carries everything (board links hidden: Bolt logs paths). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const join = (parts: unknown[]) =>
    redactBoardLinks(parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '));
  return {
    debug: (...parts) => child.debug(join(parts)),
    info: (...parts) => child.info(join(parts)),
    warn: (...parts) => child.warn(join(parts)),
    error: (...parts) => child.error(join(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
