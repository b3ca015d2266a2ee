import { expect } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/app.js';
import { type BotApp, type CreateAppOptions, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local/free-port.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack, type RecordedCall } from './fake-slack.js';
import { uniquePrefix } from './services.js';
import { postSigned, slashCommandBody } from './slack-requests.js';

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

let sequence = 0;

/** Sends a signed slash command through Bolt's receiver and returns what the bot sent back for it (response_url replies and posts). */
export async function runSlashCommand(
  slack: SlackBotUnderTest,
  command: string,
  text: string,
  user: string,
): Promise<{ replies: RecordedCall[]; posts: RecordedCall[] }> {
  const id = `r${++sequence}`;
  const before = slack.fake.calls.length;
  const response = await postSigned(slack.eventsUrl, {
    secret: SIGNING_SECRET,
    contentType: 'application/x-www-form-urlencoded',
    body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
  });
  expect(response.status).toBe(200);
  // A command is done when its last message has arrived: wait for its first (a busy machine can take
  // seconds), then until the calls settle.
  await slack.fake.waitFor(
    (call) => slack.fake.calls.indexOf(call) >= before && (call.path === `/response/${id}` || call.method === 'chat.postMessage'),
    30_000,
  );
  let count = -1;
  while (count !== slack.fake.calls.length) {
    count = slack.fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const calls = slack.fake.calls.slice(before);
  return {
    replies: calls.filter((call) => call.method === 'response_url'),
    posts: calls.filter((call) => call.method === 'chat.postMessage'),
  };
}
