import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or `response_url` for posts to a response URL. */
  method: string;
  /** The request path (a response URL's id is its last segment). */
  path: string;
  body: Record<string, unknown>;
  status: number;
}

/**
 * A local stand-in for Slack's Web API and response URLs: records every call, answers like Slack,
 * and can answer 429 + Retry-After or an error for the next calls of a method.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private readonly planned = new Map<string, Array<{ status: number; body: Record<string, unknown>; headers?: Record<string, string> }>>();
  private tsCounter = 0;
  private readonly files = new Map<string, { name: string; content: string }>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id = 'r1'): string {
    return `${this.url}/response/${id}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      if (req.url!.startsWith('/files/')) {
        this.download(req, res);
        return;
      }
      void readBody(req).then((raw) => {
        const method = req.url!.startsWith('/response/') ? 'response_url' : req.url!.replace(/^\/api\//, '').split('?')[0]!;
        const body = parseBody(raw, req.headers['content-type'] ?? '');
        const plan = this.planned.get(method)?.shift();
        const answer = plan ?? { status: 200, body: this.answer(method, body) };
        this.calls.push({ method, path: req.url!, body, status: answer.status });
        res.writeHead(answer.status, { 'content-type': 'application/json', ...plan?.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server?.closeAllConnections();
  }

  /** The next `times` calls of `method` answer 429 with Retry-After (seconds). */
  rateLimit(method: string, retryAfterSeconds: number, times = 1): void {
    this.plan(method, times, {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }

  /** The next `times` calls of `method` answer `{ok:false, error}`. */
  fail(method: string, error: string, times = 1): void {
    this.plan(method, times, { status: 200, body: { ok: false, error } });
  }

  /** A file someone shared: files.info describes it, its URL serves it to the bot token only. */
  shareFile(id: string, name: string, content: string): { id: string; name: string; size: number } {
    this.files.set(id, { name, content });
    return { id, name, size: Buffer.byteLength(content) };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.status === 200);
  }

  /** Waits until a call matching `predicate` has been recorded. */
  async waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000, pollMs = 20): Promise<RecordedCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find(predicate);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`fake Slack: no matching call within ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => c.method))}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Like Slack: without the bot token a file URL answers 200 with a login page, not an error. */
  private download(req: IncomingMessage, res: ServerResponse): void {
    const file = this.files.get(req.url!.split('/')[2]!);
    const authorized = /^Bearer xoxb-/.test(req.headers.authorization ?? '');
    this.calls.push({ method: 'file_download', path: req.url!, body: { authorized }, status: file ? 200 : 404 });
    if (!file) res.writeHead(404).end();
    else if (!authorized) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.content);
  }

  private plan(
    method: string,
    times: number,
    answer: { status: number; body: Record<string, unknown>; headers?: Record<string, string> },
  ): void {
    const queue = this.planned.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(answer);
    this.planned.set(method, queue);
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `1700000000.${String(++this.tsCounter).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://workshop.slack.com/',
          team: 'Workshop',
          user: 'workshop-bot',
          team_id: 'T0WORKSHOP',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage': {
        const messageTs = ts();
        return { ok: true, channel: body.channel, ts: messageTs, message: { text: body.text, ts: messageTs } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'response_url':
        return { ok: true };
      case 'files.info': {
        const file = this.files.get(String(body.file));
        if (!file) return { ok: false, error: 'file_not_found' };
        return {
          ok: true,
          file: {
            id: body.file,
            name: file.name,
            size: Buffer.byteLength(file.content),
            url_private_download: `${this.url}/files/${String(body.file)}/download/${file.name}`,
          },
        };
      }
      default:
        return { ok: true };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The WebClient sends forms with nested values (blocks) as JSON strings; response URLs get JSON. */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return body;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
