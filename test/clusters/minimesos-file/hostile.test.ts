import { describe, expect, it } from 'vitest';
import { MinimesosFileError, parseMinimesosFile } from '../../../src/clusters/minimesos-file/index.js';
import { readFixture } from '../../support/fixtures.js';

/** Found by fuzzing /cluster up with pasted files: what a hostile or broken 64 KB file does to the parser. */
describe('minimesosFile parser against hostile input', () => {
  it('refuses blocks nested deeper than any minimesosFile nests them, by line, instead of overflowing the stack', () => {
    const deep = `minimesos {\n${'a {\n'.repeat(30_000)}${'}\n'.repeat(30_000)}}`;
    expect(() => parseMinimesosFile(deep)).toThrow(MinimesosFileError);
    expect(() => parseMinimesosFile(deep)).toThrow(/line 9, column 1: blocks nest at most 8 deep here/);
  });

  it.each([
    ['64 KB of unclosed blocks', `minimesos {\n${'  agent {\n'.repeat(6500)}`],
    ['64 KB of properties', `minimesos {\n${'  x = 1\n'.repeat(8000)}}`],
    ['64 KB of quotes', `minimesos {\n${'"'.repeat(64_000)}`],
    ['64 KB of one identifier', `minimesos {\n  ${'a'.repeat(64_000)} = 1\n}`],
    ['64 KB of a comment', `minimesos {\n  // ${'c'.repeat(64_000)}\n  agent {\n  }\n}`],
    ['64 KB of tokens on one line', `minimesos { ${'a = 1; '.repeat(9000)} }`],
  ])('reads %s in linear time (under 60 ms of CPU, best of 3)', (_what, source) => {
    // CPU time, best of three: the machine is shared, and the first run includes compiling the parser.
    const cpuMs = Array.from({ length: 3 }, () => {
      const before = process.cpuUsage();
      try {
        parseMinimesosFile(source);
      } catch (error) {
        expect(error).toBeInstanceOf(MinimesosFileError);
      }
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    });
    expect(Math.min(...cpuMs)).toBeLessThan(60);
  });

  it('still reads the workshop files exactly as before', () => {
    const spec = parseMinimesosFile(readFixture('minimesosfiles/workshop/elk-minimesosFile'));
    expect(spec.agents).toHaveLength(3);
    expect(spec.mesosVersion).toBe('1.0.0');
  });
});
