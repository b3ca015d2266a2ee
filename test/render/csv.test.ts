import { describe, expect, it } from 'vitest';
import { csvCell, csvTable } from '../../src/render/csv.js';
import { parseCsv } from '../support/csv.js';

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and a parser gets the values back', () => {
    const names = ['Doe, Jane', 'Ann "the Admin" Lee', 'two\nlines', 'carriage\r\nreturn', 'plain'];
    const text = csvTable(
      ['name', 'n'],
      names.map((name, index) => [name, index]),
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([['name', 'n'], ...names.map((name, index) => [name, String(index)])]);
    expect(csvCell('Ann "the Admin" Lee')).toBe('"Ann ""the Admin"" Lee"');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvCell(`${start}HYPERLINK("http://evil")`).replace(/^"/, '')).toMatch(/^'/);
    expect(parseCsv(csvTable(['x'], [['=1+2'], ['@SUM(A1)'], ['-3'], ['a=b']]))).toEqual([
      ['x'],
      ["'=1+2"],
      ["'@SUM(A1)"],
      ["'-3"],
      ['a=b'],
    ]);
  });

  it('a name with a semicolon stays one harmless cell where Excel splits on semicolons (most of Europe)', () => {
    const names = ['Ann;=HYPERLINK("http://evil.example")', 'Bo;+1', 'Cy;@SUM(A1)', 'Di\t=1+1'];
    const text = csvTable(
      ['name'],
      names.map((name) => [name]),
    );
    // Read as such a spreadsheet reads it: semicolons (and tabs) separate cells, quotes group them.
    const cells = parseCsv(text.replaceAll(';', ',').replaceAll('\t', ',')).flat();
    expect(cells.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(parseCsv(text).slice(1)).toEqual(names.map((name) => [name]));
  });

  it('defuses a formula behind leading spaces or in full-width characters; numbers stay numbers', () => {
    expect(
      parseCsv(
        csvTable(
          ['x', 'n'],
          [
            [' =1+1', -3],
            ['\u3000+1', 0],
            ['\uff1d1+1', 2],
          ],
        ),
      ).slice(1),
    ).toEqual([
      ["' =1+1", '-3'],
      ["'\u3000+1", '0'],
      ["'\uff1d1+1", '2'],
    ]);
  });

  it('writes nothing for a missing value', () => {
    expect(csvTable(['a', 'b', 'c'], [['x', undefined, 0]])).toBe('a,b,c\r\nx,,0\r\n');
  });
});
