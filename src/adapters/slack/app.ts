import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import type { BotApp } from '../../app.js';
import { BoardWeb, routeListener } from '../../board/web.js';
import { onceByEventId } from './event-dedupe.js';
import type { BotIdentity } from './identity.js';
import { registerActions } from './listeners/actions.js';
import { registerCommands } from './listeners/commands.js';
import { registerEvents } from './listeners/events.js';
import { registerUnsupportedInteractions } from './listeners/interactions.js';
import { boltLogger } from './logger.js';
import { SLACK_RETRIES } from './notifier.js';
import { guardSlackRequests } from './request-guard.js';

export interface SlackAdapter {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackAdapterOptions {
  /** Overrides the WebClient's retry policy (tests use fast retries). */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
  /**
   * Who the bot is (`waitForBotIdentity`): Bolt then does not call auth.test itself. `unknown`: Slack
   * could not be asked at start-up; Bolt asks when a request comes, instead of at once (where a
   * failure would end the process).
   */
  identity?: BotIdentity | 'unknown';
}

/**
 * The Slack surface: Bolt's HTTP receiver on PORT (POST /slack/events, GET /healthz, the board at
 * GET /board/<token>), or Socket Mode when SLACK_APP_TOKEN is set. Listeners only translate payloads
 * for the router. While it runs, App Home tabs are refreshed on room changes.
 */
export function createSlackAdapter(bot: BotApp, options: SlackAdapterOptions = {}): SlackAdapter {
  const { slack, port } = bot.config;
  const logger = boltLogger(bot.services.log);
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    retryConfig: options.retryConfig ?? SLACK_RETRIES,
  };
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    },
  };
  const board = new BoardWeb(
    bot.services.board,
    bot.services.boardLink,
    bot.services.changes,
    bot.services.log.child({ component: 'board' }),
  );
  // Our own routes are served by our listener, never Bolt's: its router throws on a malformed
  // %-escape (a 500, and in Socket Mode an unhandled rejection that ends the process) and logs paths.
  const routes = [healthz, ...board.routes()];
  const who = options.identity === 'unknown' ? { tokenVerificationEnabled: false } : options.identity;
  let app: App;
  /** Socket Mode takes events over a websocket: the routes get an HTTP server of their own on PORT. */
  let server: Server | undefined;
  if (slack.appToken) {
    app = new App({ token: slack.botToken, appToken: slack.appToken, socketMode: true, ...who, logger, clientOptions });
    server = createServer(routeListener(routes));
  } else {
    const receiver = new HTTPReceiver({ signingSecret: slack.signingSecret ?? '', logger, port });
    const guarded = guardSlackRequests(receiver.requestListener, {
      signingSecret: slack.signingSecret ?? '',
      store: bot.services.store,
      log: bot.services.log.child({ component: 'slack-requests' }),
      readOnlyCommands: bot.router.readOnlyCommands,
    });
    receiver.requestListener = routeListener(routes, guarded);
    app = new App({ token: slack.botToken, receiver, logger, clientOptions, ...who });
  }

  // Before any listener: Slack re-delivers an event it thinks we missed; answer each event once.
  app.use(onceByEventId(bot.services.store, bot.services.log));
  registerCommands(app, bot);
  registerActions(app, bot);
  registerEvents(app, bot);
  registerUnsupportedInteractions(app, bot);
  app.error(async (error) => {
    bot.services.log.error({ err: error, ref: randomBytes(4).toString('hex') }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    async start() {
      if (server) await listen(server, port);
      await app.start(port);
      bot.services.home.start();
    },
    async stop() {
      bot.services.home.stop();
      // Open board pages hold their connections: the server cannot close before they end.
      board.close();
      await app.stop();
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
