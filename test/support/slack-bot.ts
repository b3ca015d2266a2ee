import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/app.js';
import { type BotApp, type CreateAppOptions, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local/free-port.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack } from './fake-slack.js';
import { uniquePrefix } from './services.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SlackBotUnderTest {
  fake: FakeSlack;
  bot: BotApp;
  adapter: SlackAdapter;
  /** Bolt's event endpoint: POST here, signed. */
  eventsUrl: string;
  baseUrl: string;
  stop(): Promise<void>;
}

/** The real bot behind Bolt's real HTTP receiver, talking to a fake Slack Web API. */
export async function startSlackBot(options: { env?: Record<string, string>; app?: CreateAppOptions } = {}): Promise<SlackBotUnderTest> {
  const fake = await new FakeSlack().start();
  const port = await freePort();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: String(port),
      REDIS_URL: 'redis://127.0.0.1:1',
      WORKSHOP_KEY_PREFIX: uniquePrefix('slack').slice(0, -1),
      LOG_LEVEL: 'silent',
      ...options.env,
    },
    'slack',
  );
  const bot = createApp(config, { log: createLogger(config.logLevel, { pretty: false }), ...options.app });
  const adapter = createSlackAdapter(bot, { retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 } });
  await adapter.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    fake,
    bot,
    adapter,
    baseUrl,
    eventsUrl: `${baseUrl}/slack/events`,
    async stop() {
      await adapter.stop();
      await bot.close();
      await fake.stop();
    },
  };
}
