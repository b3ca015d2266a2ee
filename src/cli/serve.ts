import { parseArgs } from 'node:util';
import { createSlackAdapter } from '../adapters/slack/app.js';
import { waitForBotIdentity } from '../adapters/slack/identity.js';
import { slackClient } from '../adapters/slack/notifier.js';
import { createApp } from '../app.js';
import { loadFaq } from '../faq/faq.js';
import { startBackgroundWork } from '../worker.js';
import { configOrExplain, untilSignal } from './runtime.js';

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'no-workers': { type: 'boolean', default: false } } });
  const config = configOrExplain('slack');
  if (!config) return 2;
  const bot = createApp(config);
  const stopping = new AbortController();
  const signalled = untilSignal().then((signal) => {
    stopping.abort();
    return signal;
  });
  // A refused token is logged and checked again, not a crash (and a restart loop). Slack out of reach
  // (the network, an outage) does not keep the bot from serving /healthz and the board meanwhile.
  const identity = await waitForBotIdentity(slackClient(config), bot.services.log, { signal: stopping.signal }).catch((error: unknown) => {
    bot.services.log.warn(
      { err: error },
      'Slack could not be reached to check SLACK_BOT_TOKEN; serving anyway, it is checked with the first request',
    );
    return 'unknown' as const;
  });
  if (!identity) {
    await bot.close();
    return 0;
  }
  // The course FAQ is built at its first use: here, before listening, so that the first question is answered within Slack's 3 s.
  loadFaq();
  const adapter = createSlackAdapter(bot, { identity });
  await adapter.start();
  const workers = values['no-workers'] ? [] : await startBackgroundWork(bot);
  bot.services.log.info(
    { port: config.port, socketMode: Boolean(config.slack.appToken), workers: workers.length },
    'workshop-bot is serving',
  );
  const signal = await signalled;
  bot.services.log.info({ signal }, 'shutting down');
  await adapter.stop();
  await Promise.all(workers.map((worker) => worker.close()));
  await bot.close();
  return 0;
}

export async function worker(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  const config = configOrExplain('local');
  if (!config) return 2;
  const bot = createApp(config);
  const workers = await startBackgroundWork(bot);
  bot.services.log.info({ queues: workers.map((w) => w.name) }, 'workers started');
  await untilSignal();
  await Promise.all(workers.map((w) => w.close()));
  await bot.close();
  return 0;
}
