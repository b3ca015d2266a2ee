import type { CommandSpec } from '../src/router/types.js';

export const check: CommandSpec = {
  name: 'check',
  summary: 'Checks your progress in the current exercise, step by step, with hints.',
  description:
    'Looks at your live cluster and tells you which steps of the current exercise pass and what to try for the others — like "Check my progress" in hosted labs.',
  subcommands: [
    { name: 'now', usage: '/check now', summary: 'checks every step of the current exercise' },
    { name: 'exercise', usage: '/check exercise <id>', summary: 'checks a specific exercise' },
  ],
};
