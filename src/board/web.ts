import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { isRedisUnavailable } from '../store/redis.js';
import type { RoomChanges } from './changes.js';
import { BOARD_PATH, type BoardLink } from './link.js';
import { type BoardParts, boardPage, boardParts, joinParts, partsChange } from './page.js';
import type { RoomBoard } from './room.js';

/** An HTTP route, served by `routeListener` (path parameters in `req.params`). */
export interface WebRoute {
  path: string;
  method: string[];
  handler: (req: RoutedRequest, res: ServerResponse) => void;
}

type RoutedRequest = IncomingMessage & { params?: Record<string, string | string[]> };

export interface BoardWebOptions {
  /** The board is read again at least this often (stuck times move on, a change may have been missed). */
  refreshMs?: number;
  /** A comment line on every stream this often, so proxies and browsers keep it open. */
  heartbeatMs?: number;
  /** Changes closer together than this are read once. */
  settleMs?: number;
  /** Open streams at most (every page, projector or laptop, holds one); more are told to come back. */
  maxStreams?: number;
  /** A stream whose unsent data passes this (a page that stopped reading) is closed; its page reconnects for a fresh board. */
  maxBufferedBytes?: number;
}

interface Stream {
  res: ServerResponse;
  token: string;
  /** The board this page shows (as last sent to it): later versions are sent as what changed from it. */
  shows?: BoardParts;
}

/** Browsers wait this long before reconnecting a dropped stream. */
const RECONNECT_MS = 3000;

/**
 * The projector's board over HTTP: `GET /board/<token>` (the page) and `GET /board/<token>/events`
 * (server-sent events). While any page is open it listens to room changes, reads the room again
 * (once per burst of changes, and every `refreshMs`) and sends each page what changed since the
 * board it shows: the whole board (`board`) to a new page or when the grid itself changed (someone
 * came, the order moved), else only the head and rows that changed (`rows`): a pass in a room of
 * 500 is about 3 kB (2.8 measured) instead of the whole board's 160. A wrong token is a 404, like any unknown path.
 */
export class BoardWeb {
  private readonly streams = new Set<Stream>();
  private stopListening: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private settling: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private readonly options: Required<BoardWebOptions>;
  /** The board as last read: what a page opening gets. */
  private last: BoardParts | undefined;

  constructor(
    private readonly board: Pick<RoomBoard, 'snapshot'>,
    private readonly link: Pick<BoardLink, 'accepts'>,
    private readonly changes: Pick<RoomChanges, 'listen'>,
    private readonly log: Logger,
    options: BoardWebOptions = {},
  ) {
    this.options = { refreshMs: 15_000, heartbeatMs: 15_000, settleMs: 500, maxStreams: 1000, maxBufferedBytes: 4 << 20, ...options };
  }

  routes(): WebRoute[] {
    return [
      { path: `${BOARD_PATH}/:token`, method: ['GET', 'HEAD'], handler: (req, res) => void this.page(req, res) },
      { path: `${BOARD_PATH}/:token/events`, method: ['GET'], handler: (req, res) => void this.events(req, res) },
    ];
  }

  /** Ends every open stream (a server cannot close while they last) and stops listening. */
  close(): void {
    for (const stream of this.streams) stream.res.end();
    this.streams.clear();
    this.idle();
  }

  private async page(req: RoutedRequest, res: ServerResponse): Promise<void> {
    try {
      if (!(await this.link.accepts(tokenOf(req)))) {
        notFound(res);
        return;
      }
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'cache-control': 'no-store' }).end();
        return;
      }
      const nonce = randomBytes(16).toString('base64');
      const html = boardPage(await this.board.snapshot(), nonce);
      res.writeHead(200, { ...PRIVATE_PAGE, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy(nonce) });
      res.end(html);
    } catch (error) {
      this.failed(res, error);
    }
  }

  private async events(req: RoutedRequest, res: ServerResponse): Promise<void> {
    const token = tokenOf(req);
    // Listened for from the start: a page closed while its link is checked (a phone on a bad network)
    // must not become a stream that no 'close' will ever remove, holding a place and the board's timers.
    let stream: Stream | undefined;
    let closed = false;
    req.on('close', () => {
      closed = true;
      if (!stream) return;
      this.streams.delete(stream);
      if (this.streams.size === 0) this.idle();
    });
    try {
      if (!(await this.link.accepts(token))) {
        notFound(res);
        return;
      }
    } catch (error) {
      this.failed(res, error);
      return;
    }
    if (closed) return;
    if (this.streams.size >= this.options.maxStreams) {
      this.log.warn({ open: this.streams.size }, 'refused a board stream: too many pages are open');
      res.writeHead(503, { ...PRIVATE_PAGE, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30' });
      res.end('Too many pages have the board open. This one tries again shortly.');
      return;
    }
    res.writeHead(200, { ...PRIVATE_PAGE, 'content-type': 'text/event-stream; charset=utf-8', 'x-accel-buffering': 'no' });
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    stream = { res, token };
    this.streams.add(stream);
    this.listen();
    // A new page gets the board now: the one the others have, else a fresh read. Only this page:
    // a page opening (or reconnecting, over and over) never makes every other page get it again.
    if (this.last) {
      stream.shows = this.last;
      res.write(boardEvent(joinParts(this.last)));
    } else this.read();
  }

  private listen(): void {
    if (this.stopListening) return;
    this.stopListening = this.changes.listen((change) => {
      if (change.kind === 'board-link') void this.dropRevoked();
      else this.settle();
    });
    this.timers = [
      setInterval(() => this.read(), this.options.refreshMs),
      setInterval(() => this.sendAll(': keep-alive\n\n'), this.options.heartbeatMs),
    ];
  }

  private idle(): void {
    this.stopListening?.();
    this.stopListening = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.settling);
    this.settling = undefined;
    this.last = undefined;
  }

  /** A burst of changes (a build's steps, a check of six steps) is read once, shortly after it. */
  private settle(): void {
    if (this.settling) return;
    this.settling = setTimeout(() => {
      this.settling = undefined;
      this.read();
    }, this.options.settleMs);
  }

  /** One read at a time; a read asked for meanwhile runs once right after. */
  private read(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.readAndSend().finally(() => {
      this.reading = undefined;
      if (this.readAgain && this.streams.size > 0) {
        this.readAgain = false;
        this.read();
      }
    });
  }

  private async readAndSend(): Promise<void> {
    try {
      const parts = boardParts(await this.board.snapshot());
      this.last = parts;
      let whole: string | undefined;
      this.sendEach((stream) => {
        const change = stream.shows ? partsChange(stream.shows, parts) : undefined;
        stream.shows = parts;
        if (!change) {
          whole ??= boardEvent(joinParts(parts));
          return whole;
        }
        return change.head !== undefined || change.rows.length > 0 ? `event: rows\ndata: ${JSON.stringify(change)}\n\n` : undefined;
      });
    } catch (error) {
      this.log.warn({ err: error }, 'the board could not read the room');
      // Pages get the whole board once the room can be read again.
      this.last = undefined;
      for (const stream of this.streams) stream.shows = undefined;
      const message = isRedisUnavailable(error)
        ? "Updates paused: the board can't reach its database; it keeps trying."
        : 'Updates paused: the board could not read the room; it keeps trying.';
      this.sendAll(`event: problem\ndata: ${JSON.stringify({ message })}\n\n`);
    }
  }

  /** Writes to every stream; one that has not taken what it was sent before (it stopped reading) is closed instead of buffered without end. */
  private sendAll(chunk: string): void {
    this.sendEach(() => chunk);
  }

  /** Sends each page its chunk (none: nothing); a page that stopped reading is closed, and reconnects for the whole board. */
  private sendEach(chunkFor: (stream: Stream) => string | undefined): void {
    for (const stream of [...this.streams]) {
      if (stream.res.writableLength <= this.options.maxBufferedBytes) {
        const chunk = chunkFor(stream);
        if (chunk !== undefined) stream.res.write(chunk);
        continue;
      }
      this.log.warn({ unsent: stream.res.writableLength }, 'closed a board page that stopped reading; it reconnects for the whole board');
      this.streams.delete(stream);
      stream.res.destroy();
    }
    if (this.streams.size === 0) this.idle();
  }

  /** The link was replaced: pages open with the old one are closed (their reconnection gets a 404). */
  private async dropRevoked(): Promise<void> {
    for (const stream of [...this.streams]) {
      const valid = await this.link.accepts(stream.token).catch(() => true);
      if (valid) continue;
      this.streams.delete(stream);
      stream.res.end();
    }
    if (this.streams.size === 0) this.idle();
  }

  private failed(res: ServerResponse, error: unknown): void {
    this.log.error({ err: error }, 'the board could not answer');
    if (res.headersSent) {
      res.end();
      return;
    }
    const unavailable = isRedisUnavailable(error);
    res.writeHead(unavailable ? 503 : 500, { ...PRIVATE_PAGE, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
    res.end(unavailable ? "The board can't reach its database right now. Reload in a moment." : 'The board failed. Reload in a moment.');
  }
}

function boardEvent(html: string): string {
  return `event: board\ndata: ${JSON.stringify({ html })}\n\n`;
}

/** The link is the secret: never cached, never sent on as a Referer, never indexed. */
const PRIVATE_PAGE = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
};

/** Only the page's own script and style run, and it talks only to its own origin. */
function policy(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/**
 * A plain `http` request listener for `routes`, used wherever the bot serves HTTP (under `serve`,
 * in front of Bolt's receiver or beside Socket Mode; the demo): `:name` path segments land in
 * `req.params`. A path of a route asked with another method is a 405 naming the methods (OPTIONS:
 * 204), a malformed %-escape a 404, a target that is no URL at all a 400; any other path goes to
 * `fallback` (Bolt's receiver), else 404.
 * Nothing here throws or logs the path, so a board link never reaches a log.
 */
export function routeListener(
  routes: WebRoute[],
  fallback: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => notFound(res),
): (req: IncomingMessage, res: ServerResponse) => void {
  const matchers = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/:(\w+)/g, (_whole, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, names, regex: new RegExp(`^${pattern}/?$`) };
  });
  return (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      // `//`, `//[::1`: not an address at all (thrown here, it would end the process).
      res.writeHead(400, { 'cache-control': 'no-store' }).end();
      return;
    }
    const found = matchers.flatMap(({ route, names, regex }) => {
      const match = regex.exec(path);
      return match ? [{ route, names, match }] : [];
    });
    if (found.length === 0) {
      fallback(req, res);
      return;
    }
    const chosen = found.find(({ route }) => route.method.includes(req.method ?? 'GET'));
    if (!chosen) {
      const allow = [...new Set(found.flatMap(({ route }) => route.method))].join(', ');
      res.writeHead(req.method === 'OPTIONS' ? 204 : 405, { allow, 'cache-control': 'no-store' }).end();
      return;
    }
    const routed = req as RoutedRequest;
    try {
      routed.params = Object.fromEntries(chosen.names.map((name, index) => [name, decodeURIComponent(chosen.match[index + 1]!)]));
    } catch {
      notFound(res); // a malformed %-escape: no such page
      return;
    }
    chosen.route.handler(routed, res);
  };
}

function tokenOf(req: RoutedRequest): string {
  const token = req.params?.token;
  return typeof token === 'string' ? token : '';
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Not found');
}
