import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CapacityLedger } from '../../../src/docker/pool/capacity-ledger.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';

const GiB = 1024 ** 3;
const CPU = 1e9;
const need = { memoryBytes: 2 * GiB, nanoCpus: 1 * CPU };

describe.skipIf(!testRedisUrl())('capacity ledger (real Redis)', () => {
  const connections: Redis[] = [];
  let ledger: CapacityLedger;
  afterAll(() => Promise.all(connections.map((connection) => connection.quit())));
  beforeEach(async () => {
    const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('ledger') });
    connections.push(redis);
    ledger = new CapacityLedger(
      () => redis,
      [
        { id: 'small', memoryBytes: 4 * GiB, nanoCpus: 4 * CPU, maxClusters: 10 },
        { id: 'big', memoryBytes: 8 * GiB, nanoCpus: 8 * CPU, maxClusters: 10 },
      ],
    );
    await ledger.register();
  });

  it('places each cluster on the host with most free memory and never over-books under a rush', async () => {
    const placed = await Promise.all(Array.from({ length: 10 }, (_, i) => ledger.reserve(`c${i}`, need)));
    // 8 GiB + 4 GiB hold 4 + 2 clusters of 2 GiB; the other 4 must wait.
    expect(placed.filter((host) => host === 'big')).toHaveLength(4);
    expect(placed.filter((host) => host === 'small')).toHaveLength(2);
    expect(placed.filter((host) => host === null)).toHaveLength(4);
    const usage = await ledger.usage();
    for (const host of usage) expect(host.memoryUsed).toBeLessThanOrEqual(host.memoryBytes);
  });

  it('returns the same host when a cluster reserves again (a retried job)', async () => {
    const first = await ledger.reserve('again', need);
    expect(await ledger.reserve('again', need)).toBe(first);
    expect((await ledger.usage()).find((host) => host.id === first)!.clusters).toBe(1);
  });

  it('frees capacity on release, once', async () => {
    const host = await ledger.reserve('gone', need);
    await ledger.release('gone');
    await ledger.release('gone');
    const usage = (await ledger.usage()).find((entry) => entry.id === host)!;
    expect(usage).toMatchObject({ memoryUsed: 0, cpuUsed: 0, clusters: 0 });
  });

  it('skips a host marked down until it answers again', async () => {
    await ledger.setDown('big', true);
    expect(await ledger.reserve('a', need)).toBe('small');
    await ledger.setDown('big', false);
    expect(await ledger.reserve('b', need)).toBe('big');
  });

  it('skips a host low on disk, and counts the disk each placement will write until it is measured again', async () => {
    await ledger.update('big', { memoryBytes: 8 * GiB, nanoCpus: 8 * CPU, diskFreeBytes: 3 * GiB });
    await ledger.update('small', { memoryBytes: 4 * GiB, nanoCpus: 4 * CPU, diskFreeBytes: 0.5 * GiB });
    const withDisk = { ...need, diskBytes: 2 * GiB };
    expect(await ledger.reserve('first', withDisk)).toBe('big');
    // big has 1 GiB left, small never had room: nobody gets the next one.
    expect(await ledger.reserve('second', withDisk)).toBeNull();
    expect((await ledger.usage()).find((host) => host.id === 'big')!.diskFreeBytes).toBe(1 * GiB);
    // Not measured (no probe image): disk does not block.
    await ledger.update('small', { memoryBytes: 4 * GiB, nanoCpus: 4 * CPU });
    expect(await ledger.reserve('second', withDisk)).toBe('small');
  });

  it('respects the per-host cluster limit and CPU, not only memory', async () => {
    const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('ledger') });
    connections.push(redis);
    const tight = new CapacityLedger(() => redis, [{ id: 'h', memoryBytes: 100 * GiB, nanoCpus: 2 * CPU, maxClusters: 5 }]);
    await tight.register();
    expect(await tight.reserve('x', need)).toBe('h');
    expect(await tight.reserve('y', need)).toBe('h');
    expect(await tight.reserve('z', need)).toBeNull(); // CPU is full
  });

  it('rebuilds reservations from what actually runs', async () => {
    await ledger.reserve('stale', need);
    await ledger.rebuild([{ clusterId: 'alive', hostId: 'small', need }]);
    expect(await ledger.hostOf('stale')).toBeNull();
    expect(await ledger.hostOf('alive')).toBe('small');
    const usage = await ledger.usage();
    expect(usage.find((host) => host.id === 'small')).toMatchObject({ memoryUsed: 2 * GiB, clusters: 1 });
    expect(usage.find((host) => host.id === 'big')).toMatchObject({ memoryUsed: 0, clusters: 0 });
  });

  describe('the line for room', () => {
    /** One host with room for one 2 GiB cluster at a time (6 GiB, 3 slots: memory is what runs out). */
    let line: CapacityLedger;
    const asked = (minute: number) => ({ requestedAt: Date.UTC(2026, 11, 7, 15, minute) });
    beforeEach(async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.UTC(2026, 11, 7, 15, 30));
      const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('line') });
      connections.push(redis);
      line = new CapacityLedger(() => redis, [{ id: 'h', memoryBytes: 6 * GiB, nanoCpus: 8 * CPU, maxClusters: 3 }]);
      await line.register();
      await line.reserve('running-1', { memoryBytes: 4 * GiB, nanoCpus: CPU });
      await line.reserve('running-2', need);
    });
    afterEach(() => vi.useRealTimers());

    it('gives freed room to whoever asked first, whichever build looks for it first', async () => {
      expect(await line.reserve('asked-first', need, asked(1))).toBeNull();
      expect(await line.reserve('asked-later', need, asked(2))).toBeNull();
      await line.release('running-2');
      expect(await line.reserve('asked-later', need, asked(2))).toBeNull();
      expect(await line.reserve('asked-first', need, asked(1))).toBe('h');
      await line.release('asked-first');
      expect(await line.reserve('asked-later', need, asked(2))).toBe('h');
    });

    it('keeps room freed for a bigger build ahead until it fits, so smaller ones asking later cannot pass it', async () => {
      const big = { memoryBytes: 4 * GiB, nanoCpus: CPU };
      expect(await line.reserve('big', big, asked(1))).toBeNull();
      await line.release('running-2');
      expect(await line.reserve('small', need, asked(2))).toBeNull();
      await line.release('running-1');
      // Room for both now: the big build's is set aside, the rest is the small one's.
      expect(await line.reserve('small', need, asked(2))).toBe('h');
      expect(await line.reserve('big', big, asked(1))).toBe('h');
    });

    it('keeps nobody waiting for a build no host could ever hold', async () => {
      expect(await line.reserve('huge', { memoryBytes: 8 * GiB, nanoCpus: CPU }, asked(1))).toBeNull();
      await line.release('running-2');
      expect(await line.reserve('small', need, asked(2))).toBe('h');
    });

    it('holds one host for the bigger build ahead: smaller builds still get the other hosts', async () => {
      const redis = new Redis(testRedisUrl() ?? '', { keyPrefix: uniquePrefix('hold') });
      connections.push(redis);
      const pool = new CapacityLedger(
        () => redis,
        [
          { id: 'a', memoryBytes: 8 * GiB, nanoCpus: 8 * CPU, maxClusters: 10 },
          { id: 'b', memoryBytes: 4 * GiB, nanoCpus: 8 * CPU, maxClusters: 10 },
        ],
      );
      await pool.register();
      expect(await pool.reserve('filler-a', { memoryBytes: 5 * GiB, nanoCpus: CPU })).toBe('a');
      expect(await pool.reserve('filler-b', need)).toBe('b');
      const big = { memoryBytes: 4 * GiB, nanoCpus: CPU };
      expect(await pool.reserve('big', big, asked(1))).toBeNull();
      // a (3 GiB free) is where the big build fits first: it is held; b's 2 GiB are the small build's.
      expect(await pool.reserve('small-1', need, asked(2))).toBe('b');
      expect(await pool.reserve('small-2', need, asked(3))).toBeNull();
      await pool.release('filler-a');
      expect(await pool.reserve('small-2', need, asked(3))).toBe('a');
      expect(await pool.reserve('big', big, asked(1))).toBe('a');
      expect((await pool.usage()).find((host) => host.id === 'a')).toMatchObject({ memoryUsed: 6 * GiB, clusters: 2 });
    });

    it('lets warm clusters (no place in line) have room only when nobody in line wants it', async () => {
      expect(await line.reserve('attendee', need, asked(1))).toBeNull();
      await line.release('running-2');
      expect(await line.reserve('warm', need, { onlyOn: 'h' })).toBeNull();
      expect(await line.reserve('attendee', need, asked(1))).toBe('h');
      await line.release('running-1');
      expect(await line.reserve('warm', need, { onlyOn: 'h' })).toBe('h');
    });

    it('drops a build that left: removed (released), or silent for over a minute', async () => {
      expect(await line.reserve('removed', need, asked(1))).toBeNull();
      expect(await line.reserve('vanished', need, asked(2))).toBeNull();
      expect(await line.reserve('waiting', need, asked(3))).toBeNull();
      await line.release('removed');
      await line.release('running-2');
      expect(await line.reserve('waiting', need, asked(3))).toBeNull(); // "vanished" still asked a moment ago
      vi.setSystemTime(Date.UTC(2026, 11, 7, 15, 31, 1));
      expect(await line.reserve('waiting', need, asked(3))).toBe('h');
    });
  });
});
