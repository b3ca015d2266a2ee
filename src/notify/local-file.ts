import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { OutgoingFile } from './notifier.js';

/**
 * Where no file can be shared (a terminal, a process without Slack): the file is written to `dir`
 * under its own name (never outside `dir`), with a number added rather than overwriting one there.
 * Returns its absolute path.
 */
export async function saveLocalFile(dir: string, file: OutgoingFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = basename(file.filename) || 'file';
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let copy = 1; ; copy++) {
    const path = resolve(join(dir, copy === 1 ? name : `${stem}-${copy}${extension}`));
    try {
      await writeFile(path, file.content, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
