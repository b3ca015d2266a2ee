import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressStore } from '../../src/checks/progress.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

describe.skipIf(!testRedisUrl())('progress in Redis', () => {
  let redis: Redis;
  let store: ProgressStore;
  beforeAll(() => {
    redis = new Redis(testRedisUrl()!, { keyPrefix: uniquePrefix('progress') });
    store = new ProgressStore(() => redis);
  });
  afterAll(() => redis?.quit());

  it('keeps the first pass time, counts attempts, and forgets passes (only) on --again', async () => {
    await store.record('U1', 'marathon', { passed: [], attempted: ['create', 'reachable'] }, 1000);
    await store.record('U1', 'marathon', { passed: ['create'], attempted: ['create', 'reachable'] }, 2000);
    await store.record('U1', 'marathon', { passed: ['create', 'reachable'], attempted: ['reachable'] }, 3000);
    await store.showHint('U1', 'marathon', 'reachable');
    expect(await store.showHint('U1', 'marathon', 'reachable')).toBe(2);
    await store.showSolution('U1', 'marathon', 'reachable', 2500);
    expect(await store.get('U1', 'marathon')).toEqual({
      create: { passedAt: 2000, attempts: 2, hintsShown: 0 },
      reachable: { passedAt: 3000, attempts: 3, hintsShown: 2, solutionShownAt: 2500 },
    });
    await store.resetPasses('U1', 'marathon');
    expect(await store.get('U1', 'marathon')).toEqual({
      create: { attempts: 2, hintsShown: 0 },
      reachable: { attempts: 3, hintsShown: 2, solutionShownAt: 2500 },
    });
    expect(await store.get('U1', 'frameworks')).toEqual({});
  });

  it('twenty checks of one attendee at once: every attempt counted, the earliest pass kept', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.record('U2', 'frameworks', { passed: ['deploy'], attempted: ['deploy'] }, 5000 + index),
      ),
    );
    expect(await store.get('U2', 'frameworks')).toEqual({ deploy: { passedAt: 5000, attempts: 20, hintsShown: 0 } });
    const many = await store.getMany('U2', ['marathon', 'frameworks']);
    expect(many.get('marathon')).toEqual({});
    expect(many.get('frameworks')!.deploy!.attempts).toBe(20);
  });
});
