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

  it('writes nothing for a missing value', () => {
    expect(csvTable(['a', 'b', 'c'], [['x', undefined, 0]])).toBe('a,b,c\r\nx,,0\r\n');
  });
});
