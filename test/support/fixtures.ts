import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/fixtures/real` beside the checkout; absent only outside this workplace. */
export const REAL_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'real');
export const haveRealFixtures = existsSync(REAL_FIXTURES);
export const fixturesNote = `real fixtures not found at ${REAL_FIXTURES} (outside the workplace): skipped`;

export function readFixture(relativePath: string): string {
  return readFileSync(join(REAL_FIXTURES, relativePath), 'utf8');
}

export function readJsonFixture<T = unknown>(relativePath: string): T {
  return JSON.parse(readFixture(relativePath)) as T;
}

/** Every file below a fixtures folder, as paths relative to REAL_FIXTURES, optionally filtered by ending. */
export function listFixtures(folder: string, ending = ''): string[] {
  const root = join(REAL_FIXTURES, folder);
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(ending)) found.push(relative(REAL_FIXTURES, path));
    }
  };
  walk(root);
  return found;
}
