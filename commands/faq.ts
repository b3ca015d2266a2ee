import type { CommandSpec } from '../src/router/types.js';

export const faq: CommandSpec = {
  name: 'faq',
  summary: 'Answers questions about Mesos, Marathon, ZooKeeper and minimesos.',
  description: 'Ask in your own words: `/faq how do I scale my app?`. `/faq` alone lists the topics.',
  subcommands: [{ name: 'ask', usage: '/faq <question>', summary: 'answers a question' }],
};
