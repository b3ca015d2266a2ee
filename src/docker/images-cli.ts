import { parseArgs } from 'node:util';
import { errorMessage } from '../errors.js';
import { parseDockerHosts } from './host-address.js';
import { connectDockerHosts } from './hosts.js';
import { buildLocalImage, buildLocalImages } from './local-images.js';

/**
 * `workshop-bot images build [--force] [--node]`: the offline stand-in images, on every DOCKER_HOSTS
 * engine; `--node` also the Node.js base the deploy image can build from (infra/Dockerfile's NODE_IMAGE).
 */
export async function runImagesCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false }, node: { type: 'boolean', default: false } },
  });
  if (positionals[0] !== 'build' || positionals.length > 1) {
    process.stderr.write('Usage: workshop-bot images build [--force] [--node]\n');
    return 2;
  }
  try {
    for (const host of connectDockerHosts(parseDockerHosts(process.env.DOCKER_HOSTS))) {
      const results = await buildLocalImages(host.docker, { force: values.force });
      if (values.node) results.push(await buildLocalImage(host.docker, 'node', { force: values.force }));
      for (const result of results) {
        process.stdout.write(`${host.id}: ${result.image} ${result.built ? 'built' : 'already up to date'}\n`);
      }
    }
    return 0;
  } catch (error) {
    process.stderr.write(`images build: ${errorMessage(error)}\n`);
    return 1;
  }
}
