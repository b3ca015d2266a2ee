import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardWeb } from '../../src/board/web.js';
import { createLogger } from '../../src/logger.js';
import { type CheckBot, startCheckBot } from '../e2e/exercises/support.js';
import { blockKitProblems } from '../support/block-kit.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { boardHtml, isBoardUpdate, openEventStream } from './support.js';

const INSTRUCTOR = 'U0TEACH';
const PUBLIC_URL = 'https://workshop.example.org/bot';
const HOSTILE = '<img src=x onerror=alert(1)>';

describe.skipIf(!testRedisUrl())('the projector board over HTTP (behind its secret link)', () => {
  let slack: SlackBotUnderTest;
  let bot: CheckBot;
  let token: string;

  beforeAll(async () => {
    slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('board').slice(0, -1), INSTRUCTORS: INSTRUCTOR, PUBLIC_URL },
    });
    bot = await startCheckBot(slack);
    slack.fake.addUser('U0ADA', { display_name: 'Ada' });
    slack.fake.addUser('U0EVIL', { display_name: HOSTILE });
    for (const user of ['U0ADA', 'U0EVIL']) await bot.command('/help', '', user);
    await slack.bot.services.clusters.registry.claim({
      attendee: 'U0ADA',
      kind: 'provisioned',
      status: 'ready',
      clusterId: '42',
      endpoints: { master: 'http://10.66.77.88:5050', marathon: 'http://10.66.77.88:8080' },
      exports: ['export MINIMESOS_MASTER=http://10.66.77.88:5050'],
    });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const get = (path: string, method = 'GET') => fetch(`${slack.baseUrl}${path}`, { method });

  it('/workshop board gives an instructor the secret link under PUBLIC_URL; the page answers it and nothing else', async () => {
    const reply = await bot.command('/workshop', 'board', INSTRUCTOR);
    const link = new RegExp(`${PUBLIC_URL}/board/([A-Za-z0-9_-]{32})`).exec(reply.text);
    expect(link, reply.text).not.toBeNull();
    token = link![1]!;
    expect(reply.text).toContain('names, cluster status and step marks (never endpoints)');
    expect(blockKitProblems({ text: reply.text, blocks: reply.blocks })).toEqual([]);
    expect(reply.text).toContain('1. Minimesos basics: 0 of 2 finished, 0 stuck · clusters: 1 ready');
    // The link stays the same until it is rotated.
    expect((await bot.command('/workshop', 'board', INSTRUCTOR)).text).toContain(token);

    const page = await get(`/board/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
    const html = await page.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('<th scope="row" class="name"><bdi>Ada</bdi></th><td class="cluster cluster-ready">ready</td>');

    for (const wrong of [
      `/board/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      `/board/${token.toLowerCase()}`,
      `/board/${token.slice(1)}`,
      '/board/',
      '/board',
    ]) {
      expect((await get(wrong)).status, wrong).toBe(404);
      expect((await get(`${wrong}/events`)).status, `${wrong}/events`).toBe(404);
    }
    expect((await get(`/board/${token}`, 'HEAD')).status).toBe(200);
    expect((await get(`/board/nope`, 'HEAD')).status).toBe(404);
  });

  it('shows names (escaped), cluster status and step marks only: no endpoints, exports or user ids', async () => {
    const html = await (await get(`/board/${token}`)).text();
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain(HOSTILE);
    for (const secret of ['10.66.77.88', 'MINIMESOS_MASTER', 'U0ADA', 'U0EVIL', INSTRUCTOR]) expect(html).not.toContain(secret);
  });

  it('streams the board at once, then every change (a pass, a cluster) without a reload', async () => {
    const stream = await openEventStream(`${slack.baseUrl}/board/${token}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    try {
      expect(stream.events[0]?.retry ?? (await stream.next((event) => event.retry !== undefined)).retry).toBe(3000);
      const first = boardHtml(await stream.next((event) => event.event === 'board'));
      expect(first).toContain('<b>0</b> of 2 finished');

      await slack.bot.services.checks.progress.record('U0ADA', 'minimesos-basics', {
        passed: ['cluster-up'],
        attempted: ['cluster-up', 'cluster-name'],
      });
      const passed = boardHtml(await stream.next((event) => isBoardUpdate(event) && boardHtml(event).includes('class="mark pass"')));
      expect(passed).toMatch(
        /Ada<\/bdi><\/th><td class="cluster cluster-ready">ready<\/td><td class="mark pass"[^>]*>✅<\/td><td class="mark fail"[^>]*>❌<\/td>/,
      );

      await slack.bot.services.clusters.registry.update('U0ADA', { status: 'removing' });
      const removing = boardHtml(
        await stream.next((event) => isBoardUpdate(event) && boardHtml(event).includes('cluster-removing">removing')),
      );
      expect(removing).not.toContain('10.66.77.88');
    } finally {
      stream.close();
    }
  });

  it('--rotate replaces the link: open pages are closed, the old link is a 404, the new one works', async () => {
    const stream = await openEventStream(`${slack.baseUrl}/board/${token}/events`);
    await stream.next((event) => event.event === 'board');
    // Typed on a phone, whose smart punctuation makes the -- an em dash.
    const reply = await bot.command('/workshop', 'board —rotate', INSTRUCTOR);
    expect(reply.text).toContain('A new board link*; the old one no longer works.');
    const fresh = new RegExp(`${PUBLIC_URL}/board/([A-Za-z0-9_-]{32})`).exec(reply.text)![1]!;
    expect(fresh).not.toBe(token);
    await stream.ended;
    expect((await get(`/board/${token}`)).status).toBe(404);
    expect((await get(`/board/${token}/events`)).status).toBe(404);
    expect((await get(`/board/${fresh}`)).status).toBe(200);
    token = fresh;
  });

  it('refuses /workshop board to attendees, and their --rotate changes nothing', async () => {
    const reply = await bot.command('/workshop', 'board --rotate', 'U0ADA');
    expect(reply.text).toContain(':warning: /workshop is for instructors only.');
    expect(await slack.bot.services.boardLink.token()).toBe(token);
    expect((await bot.command('/workshop', 'board now', INSTRUCTOR)).text).toBe(
      ':warning: "now" is not something /workshop board understands.\nUsage: /workshop board [--rotate]',
    );
  });
});

describe.skipIf(!testRedisUrl())('the board without PUBLIC_URL', () => {
  let slack: SlackBotUnderTest;
  afterAll(async () => {
    await slack?.stop();
  });

  it('/workshop board says where the page is served and how to get a link that works elsewhere', async () => {
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()!, INSTRUCTORS: INSTRUCTOR } });
    const bot = await startCheckBot(slack);
    const reply = await bot.command('/workshop', 'board', INSTRUCTOR);
    const token = /`\/board\/([A-Za-z0-9_-]{32})`/.exec(reply.text)?.[1];
    expect(reply.text).toContain('PUBLIC_URL is not set');
    expect(reply.text).toContain('Set PUBLIC_URL to where browsers reach `serve`');
    expect(blockKitProblems({ text: reply.text, blocks: reply.blocks })).toEqual([]);
    expect((await fetch(`${slack.baseUrl}/board/${token}`)).status).toBe(200);
  });
});

describe.skipIf(!testRedisUrl())('the board stream, up close', () => {
  let slack: SlackBotUnderTest;
  let server: Server;
  let web: BoardWeb;
  afterAll(async () => {
    web?.close();
    await new Promise((resolve) => server?.close(resolve));
    await slack?.stop();
  });

  it('keeps an idle stream alive with comment lines, and says when it cannot read the room', async () => {
    slack = await startSlackBot({ env: { REDIS_URL: testRedisUrl()! } });
    const { services } = slack.bot;
    let failing = false;
    const board = { snapshot: () => (failing ? Promise.reject(new Error('Connection is closed.')) : services.board.snapshot()) };
    web = new BoardWeb(board, services.boardLink, services.changes, createLogger('silent', { pretty: false }), {
      heartbeatMs: 100,
      refreshMs: 150,
    });
    const [, events] = web.routes();
    server = createServer((req, res) => events!.handler(Object.assign(req, { params: { token: req.url!.split('/')[2]! } }), res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const token = await services.boardLink.token();
    const stream = await openEventStream(`http://127.0.0.1:${(server.address() as AddressInfo).port}/board/${token}/events`);
    await stream.next((event) => event.event === 'board');
    await stream.next((event) => event.comment === 'keep-alive');
    failing = true;
    const problem = await stream.next((event) => event.event === 'problem');
    expect(JSON.parse(problem.data!)).toEqual({ message: "Updates paused: the board can't reach its database; it keeps trying." });
    failing = false;
    // It keeps trying: the board comes back by itself.
    await stream.next((event) => event.event === 'board' && stream.events.indexOf(event) > stream.events.indexOf(problem));
    stream.close();
  });
});
