import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

describe.skipIf(!testRedisUrl())('cluster registry (real Redis)', () => {
  const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('registry'), lazyConnect: true });
  const registry = new ClusterRegistry(() => redis);
  afterAll(() => redis.quit());

  it('gives each attendee at most one cluster, even when many ask at once', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        registry.claim({ attendee: 'U0RUSH', kind: 'provisioned', status: 'queued', clusterId: String(i) }),
      ),
    );
    const winners = attempts.filter((attempt) => attempt.claimed);
    expect(winners).toHaveLength(1);
    for (const loser of attempts.filter((attempt) => !attempt.claimed)) expect(loser.record.clusterId).toBe(winners[0]!.record.clusterId);
  });

  it('applies concurrent updates without losing any, and removes fields set to undefined', async () => {
    await registry.claim({
      attendee: 'U0RACE',
      kind: 'provisioned',
      status: 'queued',
      error: 'old',
      endpoints: { master: 'http://m:5050', agents: [] },
    });
    await Promise.all([
      registry.update('U0RACE', { step: 'zookeeper' }),
      registry.update('U0RACE', { host: 'h1' }),
      registry.update('U0RACE', { error: undefined }),
    ]);
    const record = await registry.get('U0RACE');
    expect(record).toMatchObject({ step: 'zookeeper', host: 'h1', endpoints: { agents: [] } });
    expect(record).not.toHaveProperty('error');
  });

  it('updates, lists and removes records', async () => {
    await registry.claim({ attendee: 'U0A', kind: 'attached', status: 'ready', endpoints: { master: 'http://m:5050' } });
    const updated = await registry.update('U0A', { status: 'failed', error: 'boom' });
    expect(updated).toMatchObject({
      attendee: 'U0A',
      kind: 'attached',
      status: 'failed',
      error: 'boom',
      endpoints: { master: 'http://m:5050' },
    });
    expect((await registry.list()).map((record) => record.attendee)).toContain('U0A');
    await registry.remove('U0A');
    expect(await registry.get('U0A')).toBeNull();
    expect(await registry.update('U0A', { status: 'ready' })).toBeNull();
    expect((await registry.list()).map((record) => record.attendee)).not.toContain('U0A');
  });
});
