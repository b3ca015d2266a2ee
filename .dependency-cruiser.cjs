/** The layering rules `npm test` holds the tree to (see docs/architecture.md). */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle, even of type-only imports, means two modules cannot be understood apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engines-do-not-import-commands',
      severity: 'error',
      comment: 'Engines return data; commands render it. Only the composition roots and the CLI surface use commands.',
      from: { path: '^src/', pathNot: '^src/((app|worker)\\.ts$|cli/)' },
      to: { path: '^commands/' },
    },
    {
      name: 'engines-do-not-import-the-router-or-adapters',
      severity: 'error',
      comment: 'Engines know nothing of slash commands, Slack or the terminal.',
      from: { path: '^src/', pathNot: '^src/(app|worker|router|adapters|cli)(/|\\.ts$)' },
      to: { path: '^src/(router|adapters)/' },
    },
    {
      name: 'commands-do-not-import-infrastructure',
      severity: 'error',
      comment: 'Commands get engines through their context, never Redis, BullMQ, Docker or Bolt directly.',
      from: { path: '^commands/' },
      to: { path: '^(src/(store|queue|docker|adapters)/|node_modules/(ioredis|bullmq|dockerode|@slack/bolt)/)' },
    },
    {
      name: 'no-bolt-outside-the-slack-adapter',
      severity: 'error',
      from: { path: '^(src|commands)/', pathNot: '^src/adapters/slack/' },
      to: { path: 'node_modules/@slack/bolt/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
