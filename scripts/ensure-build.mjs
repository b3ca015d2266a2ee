// Builds dist/ with tsc when it is missing or older than any source file (npm test / npm run demo).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const marker = 'dist/src/cli/main.js';
const sources = ['src', 'commands', 'bench', 'tsconfig.json', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

if (!existsSync(marker) || newestMtime(marker) < Math.max(...sources.map(newestMtime))) {
  console.log('Building (tsc)…');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
