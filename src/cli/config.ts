import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { envExample, withConfigTable } from '../config-docs.js';
import { packageRoot } from '../package-root.js';
import { configOrExplain } from './runtime.js';

/**
 * `workshop-bot config check [--local]`: validates the environment (and .env) as `serve` would and lists every problem;
 * `workshop-bot config docs --write`: regenerates README's configuration table and .env.example from src/config.ts.
 */
export async function configCommand(argv: string[]): Promise<number> {
  const [action, flag] = argv;
  if (action === 'check') {
    const config = configOrExplain(flag === '--local' ? 'local' : 'slack');
    if (!config) return 1;
    process.stdout.write(
      `The configuration is usable (${config.dockerHosts.length} Docker host${config.dockerHosts.length === 1 ? '' : 's'}).\n`,
    );
    return 0;
  }
  if (action === 'docs' && flag === '--write') {
    const root = packageRoot();
    const readme = join(root, 'README.md');
    await writeFile(readme, withConfigTable(await readFile(readme, 'utf8')));
    await writeFile(join(root, '.env.example'), envExample());
    process.stdout.write('Wrote the configuration table in README.md and .env.example.\n');
    return 0;
  }
  process.stderr.write('Usage: workshop-bot config check [--local] | config docs --write\n');
  return 2;
}
