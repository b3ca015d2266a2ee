import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../../src/adapters/slack/app.js';
import { type BotApp, createApp } from '../../src/app.js';
import { BoardWeb, routeListener } from '../../src/board/web.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/local/free-port.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack } from '../support/fake-slack.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { runSlashCommand, SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { eventBody, postSigned } from '../support/slack-requests.js';
import { until } from '../support/until.js';
import { boardHtml, isBoardUpdate, openEventStream } from './support.js';

/** A request as any HTTP client may send it (fetch refuses some methods and malformed paths). */
function send(base: string, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        // An event stream never ends by itself: its first lines are enough.
        if (body.includes('\n\n')) res.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ODD_PATHS = (token: string) => [`/board/%${token}`, '/board/%E0%A4%A', `/board/${token}%zz/events`];

/** Request targets that are no URL at all (scanners send them). */
const NO_URL = ['//', '//[::1', '//:99999/'];

/** What browsers, proxies and scanners send to `serve` besides the board's GET: answered plainly, never logged with the link. */
describe.skipIf(!testRedisUrl())('odd requests to the board (Bolt’s HTTP receiver)', () => {
  let slack: SlackBotUnderTest;
  let token: string;
  const logFile = join(mkdtempSync(join(tmpdir(), 'board-requests-')), 'bot.log');

  beforeAll(async () => {
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('board-req').slice(0, -1),
        LOG_LEVEL: 'debug',
        INSTRUCTORS: 'U0TEACH',
        PUBLIC_URL: 'https://workshop.example.org',
      },
      app: { log: createLogger('debug', { destination: logFile }) },
    });
    token = await slack.bot.services.boardLink.token();
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it('a malformed %-escape in the board’s address is a 404, not a server error', async () => {
    for (const path of ODD_PATHS(token)) expect((await send(slack.baseUrl, 'GET', path)).status, path).toBe(404);
    for (const path of NO_URL) expect((await send(slack.baseUrl, 'GET', path)).status, path).toBe(400);
    expect((await send(slack.baseUrl, 'GET', `/board/${token}`)).status).toBe(200);
  });

  it('other methods on the board get 405 with the methods it takes (OPTIONS: 204), and change nothing', async () => {
    for (const method of ['PUT', 'POST', 'DELETE', 'PATCH', 'TRACE']) {
      const answer = await send(slack.baseUrl, method, `/board/${token}`);
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
    expect((await send(slack.baseUrl, 'OPTIONS', `/board/${token}`)).status).toBe(204);
    const events = await send(slack.baseUrl, 'HEAD', `/board/${token}/events`);
    expect(events.status).toBe(405);
    expect(events.headers.allow).toBe('GET');
    expect((await send(slack.baseUrl, 'GET', `/board/${token}`)).status).toBe(200);
    // Slack's own endpoint still goes to Bolt.
    expect((await send(slack.baseUrl, 'GET', '/slack/events')).status).toBe(404);
  });

  it('never writes the board’s secret link into the log, whatever was asked', async () => {
    for (const [method, path] of [
      ['OPTIONS', `/board/${token}`],
      ['PUT', `/board/${token}`],
      ['GET', `/board/${token}//`],
      ['GET', `/board/${token}/nothing/here`],
      ['GET', `/board/%${token}`],
      ['GET', `/board/${token}?x=1`],
    ] as const)
      await send(slack.baseUrl, method, path);
    // The link itself goes to instructors: in /workshop board's answer and on their App Home (Slack calls logged at debug).
    expect(
      (await runSlashCommand(slack, '/workshop', 'board', 'U0TEACH')).replies.map((reply) => JSON.stringify(reply.body)).join(),
    ).toContain(token);
    await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/json',
      body: eventBody({ type: 'app_home_opened', user: 'U0TEACH', channel: 'D0TEACH', tab: 'home', event_ts: String(Date.now() / 1000) }),
    });
    await until(async () => JSON.stringify(slack.fake.homeOf('U0TEACH') ?? '').includes(token));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('/board/<secret>');
    expect(log).not.toContain(token);
  });
});

/** In Socket Mode `serve` still answers the board on PORT: one malformed address must not end the process. */
describe.skipIf(!testRedisUrl())('the board under Socket Mode', () => {
  let fake: FakeSlack;
  let bot: BotApp;
  let adapter: SlackAdapter;
  let base: string;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    fake = await new FakeSlack().start();
    // Slack refuses the websocket: only the HTTP side is under test here.
    fake.fail('apps.connections.open', 'invalid_auth', 100);
    const port = await freePort();
    const config = loadConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APP_TOKEN: 'xapp-test-token',
        SLACK_API_URL: fake.apiUrl,
        PORT: String(port),
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('board-sm').slice(0, -1),
        LOG_LEVEL: 'silent',
      },
      'slack',
    );
    bot = createApp(config, { log: createLogger('silent', { pretty: false }) });
    adapter = createSlackAdapter(bot, { identity: { botId: 'B0BOT', botUserId: 'U0BOT' } });
    await adapter.start().catch(() => undefined);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await adapter?.stop().catch(() => undefined);
    await bot?.close();
    await fake?.stop();
  });

  it('a malformed %-escape is a 404, and the board and /healthz keep answering', async () => {
    const token = await bot.services.boardLink.token();
    for (const path of ODD_PATHS(token)) expect((await send(base, 'GET', path)).status, path).toBe(404);
    for (const path of NO_URL) expect((await send(base, 'GET', path)).status, path).toBe(400);
    expect((await send(base, 'GET', `/board/${token}`)).status).toBe(200);
    expect((await send(base, 'GET', '/healthz')).status).toBe(200);
    expect(rejections.map(String)).toEqual([]);
  });
});

/** Pages that hold the board's stream: a projector, laptops, and pages that stop reading or never close. */
describe.skipIf(!testRedisUrl())('many board pages, and pages that stop reading', () => {
  let slack: SlackBotUnderTest;
  const servers: Server[] = [];
  const webs: BoardWeb[] = [];
  const logFile = join(mkdtempSync(join(tmpdir(), 'board-streams-')), 'bot.log');

  beforeAll(async () => {
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('board-streams').slice(0, -1) } });
  });
  afterAll(async () => {
    for (const web of webs) web.close();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await slack?.stop();
  });

  /** The board's routes on a server of their own, the board changing (and growing) at every read. */
  async function serveBoard(options: ConstructorParameters<typeof BoardWeb>[4]): Promise<string> {
    const { services } = slack.bot;
    let reads = 0;
    const board = {
      snapshot: async () => {
        const room = await services.board.snapshot();
        return { ...room, exercise: { ...room.exercise, title: `${'Big board '.repeat(20_000)}${++reads}` } };
      },
    };
    const web = new BoardWeb(board, services.boardLink, services.changes, createLogger('info', { destination: logFile }), options);
    const server = createServer(routeListener(web.routes()));
    webs.push(web);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return `http://127.0.0.1:${port}/board/${await services.boardLink.token()}/events`;
  }

  it('a page that stops reading is closed, not buffered for without end; the others keep getting the board', async () => {
    const url = new URL(await serveBoard({ refreshMs: 40, heartbeatMs: 60_000, maxBufferedBytes: 256 << 10 }));
    // Asks for the stream, then never reads what comes.
    const stalled = connect(Number(url.port), url.hostname);
    stalled.pause();
    stalled.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`);
    const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    const healthy = await openEventStream(url.href);
    try {
      await until(async () => readFileSync(logFile, 'utf8').includes('closed a board page that stopped reading'), 20_000, 50);
      const seen = healthy.events.length;
      const later = await healthy.next((event) => isBoardUpdate(event) && healthy.events.indexOf(event) >= seen);
      expect(boardHtml(later)).toContain('Big board');
      // What the stalled page was sent before it was closed is all it gets, then the end (its browser reconnects).
      stalled.resume();
      await closed;
    } finally {
      healthy.close();
      stalled.destroy();
    }
  }, 40_000);

  it('a page opening (or reconnecting again and again) gets the board itself, without the room being read and resent to every page', async () => {
    const url = await serveBoard({ refreshMs: 60_000, heartbeatMs: 60_000 });
    const first = await openEventStream(url);
    const others: Awaited<ReturnType<typeof openEventStream>>[] = [];
    try {
      const shown = boardHtml(await first.next((event) => event.event === 'board'));
      for (let i = 0; i < 5; i++) {
        const page = await openEventStream(url);
        others.push(page);
        expect(boardHtml(await page.next((event) => event.event === 'board'))).toBe(shown);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(first.events.filter((event) => event.event === 'board')).toHaveLength(1);
    } finally {
      first.close();
      for (const page of others) page.close();
    }
  });

  it('a page closed while its link is being checked (a phone on a bad network) does not hold one of the pages it serves', async () => {
    const { services } = slack.bot;
    let checking = 0;
    let checked = 0;
    const slowLink = {
      accepts: async (token: string) => {
        checking++;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const accepted = await services.boardLink.accepts(token);
        checked++;
        return accepted;
      },
    };
    const web = new BoardWeb(services.board, slowLink, services.changes, createLogger('silent', { pretty: false }), {
      maxStreams: 1,
      refreshMs: 60_000,
    });
    const server = createServer(routeListener(web.routes()));
    webs.push(web);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/board/${await services.boardLink.token()}/events`;
    const dropped = new AbortController();
    const asked = fetch(url, { signal: dropped.signal }).catch(() => undefined);
    await until(async () => checking === 1, 5000, 10);
    dropped.abort();
    await asked;
    await until(async () => checked === 1, 5000, 10);
    const page = await openEventStream(url);
    try {
      expect(page.status).toBe(200);
      expect(boardHtml(await page.next((event) => event.event === 'board'))).toContain('<');
    } finally {
      page.close();
    }
  });

  it('past the most pages it serves, one more is told to come back (503, Retry-After), and the open ones go on', async () => {
    const url = await serveBoard({ maxStreams: 2, refreshMs: 60_000 });
    const open = [await openEventStream(url), await openEventStream(url)];
    try {
      const refused = await fetch(url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      for (const stream of open) expect(boardHtml(await stream.next((event) => event.event === 'board'))).toContain('Big board');
      open.pop()!.close();
      await until(async () => {
        const again = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        await again?.body?.cancel();
        return again?.status === 200;
      });
    } finally {
      for (const stream of open) stream.close();
    }
  });
});
