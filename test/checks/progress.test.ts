import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomChangesChannel } from '../../src/board/changes.js';
import { ProgressStore } from '../../src/checks/progress.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { until } from '../support/until.js';

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

  it("a sweep's batch in one write: each attendee gets their own progress back, and /checks racing with it lose nothing", async () => {
    const changes = new Redis(testRedisUrl()!);
    const heard: string[] = [];
    changes.on('message', (_channel, message: string) => heard.push(JSON.parse(message).user));
    await changes.subscribe(roomChangesChannel(redis));
    try {
      await store.record('U4', 'marathon', { passed: ['create'], attempted: ['create'] }, 500);
      // /checks of U3 reach Redis before and while the batch is written (one connection keeps their order).
      const batch = await Promise.all([
        ...Array.from({ length: 5 }, (_, index) =>
          store.record('U3', 'marathon', { passed: ['reachable'], attempted: ['create', 'reachable'] }, 6000 + index),
        ),
        store.recordMany(
          [
            { attendee: 'U3', exerciseId: 'marathon', passed: ['create', 'reachable'], attempted: ['create', 'reachable'] },
            { attendee: 'U4', exerciseId: 'marathon', passed: [], attempted: ['reachable'] },
            { attendee: 'U5', exerciseId: 'frameworks', passed: ['deploy'], attempted: ['deploy', 'scale', 'remove'] },
          ],
          7000,
        ),
      ]).then((all) => all.at(-1) as Awaited<ReturnType<ProgressStore['recordMany']>>);
      expect(batch).toEqual([
        await store.get('U3', 'marathon'),
        { create: { passedAt: 500, attempts: 1, hintsShown: 0 }, reachable: { attempts: 1, hintsShown: 0 } },
        {
          deploy: { passedAt: 7000, attempts: 1, hintsShown: 0 },
          scale: { attempts: 1, hintsShown: 0 },
          remove: { attempts: 1, hintsShown: 0 },
        },
      ]);
      // The first pass time stays (the /checks' 6000, not the batch's 7000), and every attempt is counted.
      expect(await store.get('U3', 'marathon')).toEqual({
        create: { passedAt: 7000, attempts: 6, hintsShown: 0 },
        reachable: { passedAt: 6000, attempts: 6, hintsShown: 0 },
      });
      expect((await store.getRoom(['U4'], ['marathon'])).get('U4')!.get('marathon')!.startedAt).toBe(500);
      await until(async () => heard.filter((user) => user !== 'U3').length === 3);
      expect(heard.filter((user) => user !== 'U3')).toEqual(['U4', 'U4', 'U5']);
    } finally {
      changes.disconnect();
    }
  });
});
