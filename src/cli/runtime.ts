import { type Config, ConfigError, type ConfigMode, loadConfig, loadDotEnv } from '../config.js';
import { createLogger, type Logger } from '../logger.js';

/** Reads `.env` and the environment; on a bad config prints every problem and returns null. */
export function configOrExplain(mode: ConfigMode, overrides: Record<string, string> = {}): Config | null {
  loadDotEnv();
  try {
    return loadConfig({ ...process.env, ...overrides }, mode);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return null;
  }
}

/** Resolves on the first SIGINT or SIGTERM, so long-running commands can shut down cleanly. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** For commands whose stdout is their answer: logs go to stderr, and only warnings unless LOG_LEVEL asks for more. */
export function stderrLogger(config: Config): Logger {
  return createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { destination: 2, pretty: false });
}
