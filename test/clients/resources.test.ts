import { describe, expect, it } from 'vitest';
import { freeResources, parsePortRanges, parseResources, portCount, sumResources } from '../../src/clients/resources.js';

/** Regressions found by test/clients/parsers-fuzz.test.ts: what a user would have seen, and the smallest input that did it. */
describe('resources from a broken or hostile cluster', () => {
  it('an agent whose resources text has a long run of spaces does not hang /cluster state for minutes', () => {
    const started = performance.now();
    const resources = parseResources(`cpus(*):2${' '.repeat(100_000)}x; mem(*):512`);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(resources.mem).toBe(512);
  });

  it('an agent offering 300k port ranges is read, not answered with "something went wrong" (too many call arguments)', () => {
    const resources = parseResources(`ports(*):[${'31000-31000,'.repeat(300_000)}]`);
    expect(resources.ports).toHaveLength(300_000);
  });

  it('ports above 65535 are not counted as free ports', () => {
    const ranges = parsePortRanges('[31000-32000, 70000-99999999]');
    expect(ranges).toEqual([{ begin: 31000, end: 32000 }]);
    expect(portCount(ranges)).toBe(1001);
  });

  it('negative or non-numeric amounts count as none, so free cpus never exceed the total', () => {
    const used = parseResources({ cpus: -4, mem: 'NaN', disk: '', gpus: '1e400' });
    expect(used).toMatchObject({ cpus: 0, mem: 0, disk: 0, gpus: 0 });
    expect(freeResources(parseResources({ cpus: 2 }), used).cpus).toBe(2);
  });

  it('amounts big enough to add up to Infinity count as none, so a sum is never Infinity or NaN', () => {
    const huge = parseResources({ cpus: 1e308, mem: 'cpus(*):1e308' });
    expect(huge.cpus).toBe(0);
    expect(parseResources('cpus(*):1e308; cpus(*):1e308').cpus).toBe(0);
    expect(Number.isFinite(sumResources([huge, huge]).cpus)).toBe(true);
  });

  it('sums 10k tasks in one pass', () => {
    const task = parseResources({ cpus: 0.1, mem: 32, ports: '[31000-31001]' });
    const started = performance.now();
    const sum = sumResources(Array.from({ length: 10_000 }, () => task));
    expect(performance.now() - started).toBeLessThan(500);
    expect(sum).toMatchObject({ cpus: 1000, mem: 320_000 });
    expect(sum.ports).toHaveLength(10_000);
  });
});
