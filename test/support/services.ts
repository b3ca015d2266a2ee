import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** The private Redis of this test run, or null when it could not start (never null in CI). */
export function testRedisUrl(): string | null {
  return inject('redisUrl');
}

/** The private ZooKeeper connect string (host:port) of this test run, or null when unavailable. */
export function testZookeeper(): string | null {
  return inject('zookeeper');
}

export function dockerAvailable(): boolean {
  return inject('dockerAvailable');
}

/** A key prefix no other test uses, so test files can share the one Redis. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}:`;
}
