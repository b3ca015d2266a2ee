import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../src/local/redis-server.js';
import { startZookeeperServer } from '../../src/local/zookeeper-server.js';

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | null;
    zookeeper: string | null;
    dockerAvailable: boolean;
    /** A Chromium for the board's browser test (Debian's `chromium`, or CHROMIUM_PATH). */
    browserPath: string | null;
    unavailable: string[];
  }
}

/**
 * Starts a private Redis and ZooKeeper for the whole run, checks that the Docker engine answers and
 * that a Chromium is installed.
 * In CI (CI=true) any missing service fails the run; elsewhere the tests that need it are skipped with a note.
 */
export default async function setup(project: TestProject) {
  const unavailable: string[] = [];
  const stops: Array<() => Promise<void>> = [];

  const redis = await startRedisServer().catch((err: Error) => {
    unavailable.push(`redis: ${err.message}`);
    return null;
  });
  if (redis) stops.push(redis.stop);
  const zookeeper = await startZookeeperServer().catch((err: Error) => {
    unavailable.push(`zookeeper: ${err.message}`);
    return null;
  });
  if (zookeeper) stops.push(zookeeper.stop);
  const dockerAvailable = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 })
    .then(() => true)
    .catch((err: Error) => {
      unavailable.push(`docker: ${err.message.split('\n')[0]}`);
      return false;
    });

  const browserPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browserFound = executable(browserPath);
  if (!browserFound) unavailable.push(`chromium: no executable at ${browserPath} (set CHROMIUM_PATH to use another)`);

  if (unavailable.length > 0) {
    const message = `services unavailable:\n  ${unavailable.join('\n  ')}\nRun: bash scripts/setup-services.sh`;
    if (process.env.CI === 'true') {
      await Promise.all(stops.map((stop) => stop()));
      throw new Error(`CI=true and ${message}`);
    }
    console.warn(`[test setup] ${message}\n(tests that need them are skipped)`);
  }

  project.provide('redisUrl', redis?.url ?? null);
  project.provide('zookeeper', zookeeper?.connectString ?? null);
  project.provide('dockerAvailable', dockerAvailable);
  project.provide('browserPath', browserFound ? browserPath : null);
  project.provide('unavailable', unavailable);

  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
