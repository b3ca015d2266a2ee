import { describe, expect, it } from 'vitest';
import { MinimesosFileError, parseMinimesosFile } from '../../../src/clusters/minimesos-file/index.js';
import { readFixture } from '../../support/fixtures.js';

/** Found by fuzzing /cluster up with pasted files: what a hostile 64 KB file does to the parser. */
describe('minimesosFile parser against hostile input', () => {
  it('refuses blocks nested deeper than any minimesosFile nests them, by line, instead of overflowing the stack', () => {
    const deep = `minimesos {\n${'a {\n'.repeat(30_000)}${'}\n'.repeat(30_000)}}`;
    expect(() => parseMinimesosFile(deep)).toThrow(MinimesosFileError);
    expect(() => parseMinimesosFile(deep)).toThrow(/line 9, column 1: blocks nest at most 8 deep here/);
  });

  it('still reads the workshop files exactly as before', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/workshop/elk-minimesosFile'));
    expect(spec.agents).toHaveLength(3);
    expect(spec.mesosVersion).toBe('1.0.0');
  });
});
