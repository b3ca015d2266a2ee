import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveLocalFile } from '../../src/notify/local-file.js';

describe('saveLocalFile (where a file cannot be shared)', () => {
  it('writes the file under its own name, and never over an earlier one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-file-'));
    const first = await saveLocalFile(dir, { filename: 'results.csv', title: 'Results', content: 'a,b\r\n' });
    const second = await saveLocalFile(dir, { filename: 'results.csv', title: 'Results', content: 'c,d\r\n' });
    expect([first, second]).toEqual([join(dir, 'results.csv'), join(dir, 'results-2.csv')]);
    expect(readFileSync(first, 'utf8')).toBe('a,b\r\n');
    expect(readFileSync(second, 'utf8')).toBe('c,d\r\n');
  });

  it('keeps a name with a path inside the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-file-'));
    const path = await saveLocalFile(join(dir, 'out'), { filename: '../../etc/evil.csv', title: 'x', content: 'x' });
    expect(dirname(path)).toBe(join(dir, 'out'));
    expect(readdirSync(join(dir, 'out'))).toEqual(['evil.csv']);
  });
});
