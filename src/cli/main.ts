#!/usr/bin/env node
import { errorMessage } from '../errors.js';

/**
 * `workshop-bot <command>`: each command's module is imported only when used, so quick commands
 * (faq, say /help) start fast and need neither Redis nor Docker.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  serve: {
    summary: 'serve [--no-workers]            the Slack app (HTTP on PORT, or Socket Mode) and the queue workers',
    load: async () => (await import('./serve.js')).serve,
  },
  worker: {
    summary: 'worker                          queue workers only (scale out on more machines)',
    load: async () => (await import('./serve.js')).worker,
  },
  say: {
    summary: 'say [--user ID] [--channel ID] [--json] "/command args"   run one command and print every message it produces',
    load: async () => (await import('./say.js')).sayCommand,
  },
  shell: {
    summary: 'shell [--user ID] [--channel ID]   an interactive session on the same commands',
    load: async () => (await import('./say.js')).shellCommand,
  },
  demo: {
    summary:
      'demo [--room N] [--user ID] [--agents N]   shell + a private Redis, a simulated cluster (--agents), in-process workers and a simulated room you teach',
    load: async () => (await import('./demo.js')).demo,
  },
  config: {
    summary: 'config check [--local] | docs --write   validates the configuration / regenerates its docs',
    load: async () => (await import('./config.js')).configCommand,
  },
  faq: {
    summary: 'faq "<question>" [--json]          answers a question from the FAQ (no Redis needed)',
    load: async () => (await import('../faq/cli.js')).runFaqCli,
  },
  check: {
    summary:
      'check lint [folder] | list | run <exercise> [--user ID | --master URL …] [--json]   exercise files validated; the exercises; one checked against a cluster',
    load: async () => (await import('./check.js')).runCheckCli,
  },
  minimesosfile: {
    summary: 'minimesosfile <path> [--json]    the cluster a minimesosFile describes (exit 2 if invalid)',
    load: async () => (await import('../clusters/minimesos-file/cli.js')).runMinimesosFileCli,
  },
  images: {
    summary:
      'images build [--force] [--node]  the offline stand-in images (CLUSTER_IMAGES=local; --node: a Node.js base for infra/Dockerfile)',
    load: async () => (await import('../docker/images-cli.js')).runImagesCli,
  },
  sim: {
    summary: 'sim cluster|master|agent|marathon …   a simulated Mesos + Marathon (tests, demo, local images)',
    load: async () => (await import('../sim/cli.js')).runSimCli,
  },
};

export function usage(): string {
  const lines = Object.values(COMMANDS).map((command) => `  workshop-bot ${command.summary}`);
  return `Usage:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`workshop-bot: unknown command "${name}".\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`workshop-bot: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
