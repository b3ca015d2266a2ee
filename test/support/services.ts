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

/** The Chromium the browser tests drive, or null when it is not installed (never null in CI). */
export function browserPath(): string | null {
  return inject('browserPath');
}

/** A key prefix no other test uses, so test files can share the one Redis. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}:`;
}

/**
 * A connect string with a fresh chroot (`host:port/label-xxxx`), so a test's znodes (e.g. /mesos)
 * cannot meet another test file's. Only test/commands/state.test.ts uses the real root (`/cluster attach
 * zookeeper=` takes host:port, no chroot); a second file there would lead its /mesos.
 */
export async function zookeeperChroot(label: string): Promise<string> {
  const { default: zookeeper } = await import('node-zookeeper-client');
  const root = `/${uniquePrefix(label).slice(0, -1)}`;
  const client = zookeeper.createClient(testZookeeper()!);
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  await new Promise<void>((resolve, reject) => client.mkdirp(root, (error) => (error ? reject(error) : resolve())));
  client.close();
  return `${testZookeeper()}${root}`;
}
