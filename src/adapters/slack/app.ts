import { randomBytes } from 'node:crypto';
import { App } from '@slack/bolt';
import type { BotApp } from '../../app.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerEvents } from './listeners/events.js';
import { boltLogger } from './logger.js';

export interface SlackAdapter {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackAdapterOptions {
  /** Overrides the WebClient's retry policy (tests use fast retries). */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
}

/**
 * The Slack surface: Bolt's HTTP receiver on PORT (POST /slack/events, GET /healthz), or Socket
 * Mode when SLACK_APP_TOKEN is set. Listeners only translate payloads for the router.
 */
export function createSlackAdapter(bot: BotApp, options: SlackAdapterOptions = {}): SlackAdapter {
  const { slack, port } = bot.config;
  const logger = boltLogger(bot.services.log);
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
  };
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    },
  };
  const app = slack.appToken
    ? new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true, logger, clientOptions, customRoutes: [healthz], port })
    : new App({ token: slack.botToken, signingSecret: slack.signingSecret, logger, clientOptions, customRoutes: [healthz], port });

  registerCommands(app, bot);
  registerActions(app, bot);
  registerEvents(app, bot);
  app.error(async (error) => {
    bot.services.log.error({ err: error, ref: randomBytes(4).toString('hex') }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      await app.start(port);
    },
    async stop() {
      await app.stop();
    },
  };
}
