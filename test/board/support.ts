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

/** The board's HTML in a `board` event. */
export function boardHtml(event: ServerEvent): string {
  return (JSON.parse(event.data ?? '{}') as { html: string }).html;
}
