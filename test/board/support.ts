import { type Browser, chromium } from 'playwright-core';
import { type CheckBot, startCheckBot } from '../e2e/exercises/support.js';
import { browserPath, testRedisUrl, uniquePrefix } from '../support/services.js';
import { startSlackBot } from '../support/slack-bot.js';

/** A bot behind Bolt's receiver and a fake Slack, on its own key prefix, that attaches simulated clusters on this host. */
export async function startBoardBot(name: string, instructor: string): Promise<CheckBot> {
  const slack = await startSlackBot({
    env: {
      REDIS_URL: testRedisUrl()!,
      WORKSHOP_KEY_PREFIX: uniquePrefix(name).slice(0, -1),
      INSTRUCTORS: instructor,
      ATTACH_ALLOW: '127.0.0.0/8',
    },
  });
  return startCheckBot(slack);
}

/** Debian's chromium, headless, through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: browserPath()!,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** One server-sent event as a browser's EventSource sees it (a comment line is `{ comment }`). */
export interface ServerEvent {
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** Every event so far. */
  events: ServerEvent[];
  /** Waits for an event (already received, or to come) matching `predicate`. */
  next(predicate: (event: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream and parses what arrives, as EventSource would. */
export async function openEventStream(url: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  const events: ServerEvent[] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          events.push(parseEvent(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
          for (const wake of waiters) wake();
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    events,
    ended,
    close: () => abort.abort(),
    async next(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event ?? e.comment))}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
  };
}

function parseEvent(block: string): ServerEvent {
  const event: ServerEvent = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1).trim();
    const match = /^(event|data|retry): ?(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'event') event.event = match[2]!;
    else if (match[1] === 'retry') event.retry = Number(match[2]);
    else event.data = event.data === undefined ? match[2]! : `${event.data}\n${match[2]}`;
  }
  return event;
}

/** The board's HTML in a `board` event; the HTML of the parts that changed in a `rows` one. */
export function boardHtml(event: ServerEvent): string {
  if (event.event === 'rows') {
    const change = JSON.parse(event.data ?? '{}') as { head?: string; rows: Array<[number, string]> };
    return `${change.head ?? ''}${change.rows.map(([, row]) => row).join('')}`;
  }
  return (JSON.parse(event.data ?? '{}') as { html: string }).html;
}

/** A version of the board: whole (`board`) or what changed (`rows`). */
export const isBoardUpdate = (event: ServerEvent) => event.event === 'board' || event.event === 'rows';
