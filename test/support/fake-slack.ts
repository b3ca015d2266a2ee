import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`) or `response_url` for posts to a response URL. */
  method: string;
  /** The request path (a response URL's id is its last segment). */
  path: string;
  body: Record<string, unknown>;
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** Seconds, when it was answered 429. */
  retryAfter?: number;
}

/** A message as Slack keeps it: in a channel, or in the DM with a user (`D` + their id). */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  at: number;
}

/** A file uploaded the files.uploadV2 way: its bytes as they reached the upload URL, and where it was shared. */
export interface UploadedFile {
  id: string;
  filename: string;
  /** What files.getUploadURLExternal was told the length was. */
  length: number;
  content?: Buffer;
  /** Set by files.completeUploadExternal. */
  channel?: string;
  title?: string;
  initialComment?: string;
  completed: boolean;
}

/** A token bucket: `perSecond` refill, `burst` at most; Slack's "1 per second, short bursts allowed". */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** What a method allows: workspace-wide, and (chat.postMessage) per channel too. */
export interface MethodLimits {
  workspace: RateLimit;
  perChannel?: RateLimit;
}

/**
 * Slack's documented limits for chat.postMessage: about one message per second per channel with
 * short bursts, under a workspace ceiling of "several hundred a minute" (here 300, with a burst of 10).
 */
export const SLACK_POST_LIMITS: MethodLimits = { workspace: { perSecond: 5, burst: 10 }, perChannel: { perSecond: 1, burst: 3 } };

/** The same limits `factor` times faster, for tests and benchmarks that cannot wait minutes. */
export function scaledLimits(limits: MethodLimits, factor: number): MethodLimits {
  const scale = (limit: RateLimit): RateLimit => ({ perSecond: limit.perSecond * factor, burst: limit.burst });
  return { workspace: scale(limits.workspace), ...(limits.perChannel ? { perChannel: scale(limits.perChannel) } : {}) };
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly limit: RateLimit) {
    this.tokens = limit.burst;
  }

  /** Milliseconds until a token is there (0: one is). */
  wait(): number {
    const now = performance.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.limit.perSecond) * 1000;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/**
 * A local stand-in for Slack's Web API and response URLs: records every call, answers like Slack,
 * and can answer 429 + Retry-After or an error for the next calls of a method. With `limit`, it
 * enforces rate limits as Slack does (token buckets, 429 with Retry-After in whole seconds); it
 * keeps the messages posted (DMs in `D<user>`), knows users and user groups, and refuses posts to
 * chosen destinations.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  /** Files uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal, in order. */
  readonly uploads: UploadedFile[] = [];
  private server: Server | undefined;
  private readonly planned = new Map<string, Planned[]>();
  private tsCounter = 0;
  private readonly files = new Map<string, { name: string; content: string }>();
  private readonly users = new Map<string, { display_name: string; real_name: string; is_bot?: boolean }>();
  private readonly usergroups = new Map<string, string[]>();
  private readonly refusals = new Map<string, { error: string } & Record<string, unknown>>();
  private readonly limits = new Map<string, { limits: MethodLimits; workspace: TokenBucket; channels: Map<string, TokenBucket> }>();
  private readonly delays = new Map<string, number>();
  /** The App Home view each user sees (views.publish). */
  private readonly homes = new Map<string, { type: string; blocks: unknown[] }>();

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
      if (req.url!.startsWith('/upload/')) {
        void this.receiveUpload(req, res);
        return;
      }
      void readBody(req).then((raw) => {
        const method = req.url!.startsWith('/response/') ? 'response_url' : req.url!.replace(/^\/api\//, '').split('?')[0]!;
        const body = parseBody(raw, req.headers['content-type'] ?? '');
        const at = Date.now();
        const plan = this.planned.get(method)?.shift() ?? this.refusal(method, body) ?? this.enforce(method, body);
        const answer = plan ?? { status: 200, body: this.answer(method, body) };
        const retryAfter = plan?.headers?.['retry-after'];
        this.calls.push({
          method,
          path: req.url!,
          body,
          status: answer.status,
          at,
          ...(retryAfter ? { retryAfter: Number(retryAfter) } : {}),
        });
        const respond = () => {
          if (answer === RESET) {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.status, { 'content-type': 'application/json', ...plan?.headers });
          res.end(JSON.stringify(answer.body));
        };
        const delay = this.delays.get(method);
        if (delay) setTimeout(respond, delay);
        else respond();
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

  /**
   * The next `times` calls of `method` answer `{ok:false, error}`, with Slack's extra fields if any
   * (`missing_scope` comes with `needed` and `provided`).
   */
  fail(method: string, error: string, times = 1, extra: Record<string, unknown> = {}): void {
    this.plan(method, times, { status: 200, body: { ok: false, error, ...extra } });
  }

  /** The next `times` calls of `method` answer HTTP `status` (Slack's 5xx: `service_unavailable`, …), or drop the connection (`'reset'`). */
  failHttp(method: string, status: number | 'reset', times = 1): void {
    this.plan(method, times, status === 'reset' ? RESET : { status, body: { ok: false, error: 'service_unavailable' } });
  }

  /** A file someone shared: files.info describes it, its URL serves it to the bot token only. */
  shareFile(id: string, name: string, content: string): { id: string; name: string; size: number } {
    this.files.set(id, { name, content });
    return { id, name, size: Buffer.byteLength(content) };
  }

  /** From now on, `method` is rate limited like Slack does it (see SLACK_POST_LIMITS). */
  limit(method: string, limits: MethodLimits): void {
    this.limits.set(method, { limits, workspace: new TokenBucket(limits.workspace), channels: new Map() });
  }

  /** `method` acts at once but answers `ms` later: a caller killed meanwhile never learns that it worked. */
  delayAnswers(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  /** Users that users.info knows (others: user_not_found). */
  addUser(id: string, profile: { display_name?: string; real_name?: string; is_bot?: boolean }): void {
    this.users.set(id, {
      display_name: profile.display_name ?? '',
      real_name: profile.real_name ?? '',
      ...(profile.is_bot ? { is_bot: true } : {}),
    });
  }

  /** A user group and its members, for usergroups.users.list. */
  setUsergroup(id: string, members: string[]): void {
    this.usergroups.set(id, members);
  }

  /** Every post to `destination` (a channel, or a user for their DM) is refused with `error`. */
  refusePosts(destination: string, error: string): void {
    this.refuse('chat.postMessage', destination, error);
  }

  /** Calls of `method` for `who` work again (someone invited the bot, unarchived the channel…). */
  allow(method: string, who: string): void {
    this.refusals.delete(`${method} ${who}`);
  }

  /** Every call of `method` for `who` (its `channel`, `user_id` or `users`) is refused with `error`, with Slack's extra fields. */
  refuse(method: string, who: string, error: string, extra: Record<string, unknown> = {}): void {
    this.refusals.set(`${method} ${who}`, { error, ...extra });
  }

  /** The messages in the DM with `user`. */
  dmsTo(user: string): PostedMessage[] {
    return this.messages.filter((message) => message.channel === dmChannel(user));
  }

  /** What `user` sees on the App Home tab now (the last view published for them). */
  homeOf(user: string): { type: string; blocks: unknown[] } | undefined {
    return this.homes.get(user);
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

  /** Files shared in `channel` (completed uploads). */
  uploadsTo(channel: string): UploadedFile[] {
    return this.uploads.filter((upload) => upload.completed && upload.channel === channel);
  }

  /** The upload URL of files.getUploadURLExternal: keeps the file's bytes, sent raw or as a multipart form (as the WebClient does). */
  private async receiveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upload = this.uploads.find((candidate) => candidate.id === req.url!.split('/')[2]);
    this.calls.push({ method: 'file_upload', path: req.url!, body: {}, status: upload ? 200 : 404, at: Date.now() });
    if (!upload) {
      res.writeHead(404).end();
      return;
    }
    upload.content = await uploadedBytes(Buffer.concat(chunks), req.headers['content-type'] ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${upload.content.length}`);
  }

  /** Like Slack: without the bot token a file URL answers 200 with a login page, not an error. */
  private download(req: IncomingMessage, res: ServerResponse): void {
    const file = this.files.get(req.url!.split('/')[2]!);
    const authorized = /^Bearer xoxb-/.test(req.headers.authorization ?? '');
    this.calls.push({ method: 'file_download', path: req.url!, body: { authorized }, status: file ? 200 : 404, at: Date.now() });
    if (!file) res.writeHead(404).end();
    else if (!authorized) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to Slack</html>');
    else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file.content);
  }

  private plan(method: string, times: number, answer: Planned): void {
    const queue = this.planned.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(answer);
    this.planned.set(method, queue);
  }

  /** A refusal planned for this call's channel or user (it consumes no rate-limit token, as Slack's own refusals). */
  private refusal(method: string, body: Record<string, unknown>): Planned | undefined {
    const who = String(body.channel ?? body.channel_id ?? body.user_id ?? body.users ?? '');
    const refused = this.refusals.get(`${method} ${who}`);
    return refused ? { status: 200, body: { ok: false, ...refused } } : undefined;
  }

  /** A 429 when `method` is over its limits (nothing consumed), else undefined (a token taken). */
  private enforce(
    method: string,
    body: Record<string, unknown>,
  ): { status: number; body: Record<string, unknown>; headers: Record<string, string> } | undefined {
    const limited = this.limits.get(method);
    if (!limited) return undefined;
    const buckets = [limited.workspace];
    if (limited.limits.perChannel) {
      const channel = destinationChannel(String(body.channel ?? ''));
      const bucket = limited.channels.get(channel) ?? new TokenBucket(limited.limits.perChannel);
      limited.channels.set(channel, bucket);
      buckets.push(bucket);
    }
    const waitMs = Math.max(...buckets.map((bucket) => bucket.wait()));
    if (waitMs === 0) {
      for (const bucket of buckets) bucket.take();
      return undefined;
    }
    // Slack's Retry-After is whole seconds, at least one.
    return {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
    };
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
        const destination = String(body.channel ?? '');
        if (isUser(destination) && this.users.get(destination)?.is_bot) return { ok: false, error: 'cannot_dm_bot' };
        const messageTs = ts();
        const channel = destinationChannel(destination);
        this.messages.push({
          channel,
          ts: messageTs,
          text: String(body.text ?? ''),
          blocks: body.blocks,
          ...(body.metadata ? { metadata: body.metadata as PostedMessage['metadata'] } : {}),
          at: Date.now(),
        });
        return { ok: true, channel, ts: messageTs, message: { text: body.text, ts: messageTs } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: dmChannel(String(body.users)) } };
      case 'conversations.history': {
        // The fake's ts are counters, so `oldest` (seconds) is compared with when the message came.
        const oldestMs = Number(body.oldest ?? 0) * 1000;
        const found = this.messages
          .filter((message) => message.channel === body.channel && message.at >= oldestMs)
          .reverse()
          .map(({ ts: messageTs, text, metadata }) => ({
            type: 'message',
            ts: messageTs,
            text,
            ...(metadata && String(body.include_all_metadata) === 'true' ? { metadata } : {}),
          }));
        return { ok: true, messages: found, has_more: false };
      }
      case 'users.info': {
        const user = this.users.get(String(body.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: body.user, name: user.display_name.toLowerCase(), real_name: user.real_name, profile: user } };
      }
      case 'usergroups.users.list': {
        const members = this.usergroups.get(String(body.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'views.publish': {
        // As Slack: a Home view of at most 100 blocks, for a user.
        const view = body.view as { type?: string; blocks?: unknown[] } | undefined;
        if (!isUser(String(body.user_id ?? '')) || view?.type !== 'home' || !Array.isArray(view.blocks) || view.blocks.length > 100)
          return { ok: false, error: 'invalid_arguments' };
        this.homes.set(String(body.user_id), { type: view.type, blocks: view.blocks });
        return { ok: true, view: { id: `V${String(body.user_id)}`, type: 'home' } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'response_url':
        return { ok: true };
      case 'files.getUploadURLExternal': {
        if (!body.filename || !body.length) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.tsCounter).padStart(8, '0')}`;
        this.uploads.push({ id, filename: String(body.filename), length: Number(body.length), completed: false });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        // As Slack: every file must have been uploaded, with the length announced.
        const listed = (Array.isArray(body.files) ? body.files : []) as Array<{ id: string; title?: string }>;
        const found = listed.map((entry) => ({ entry, upload: this.uploads.find((upload) => upload.id === entry.id) }));
        if (found.length === 0 || found.some(({ upload }) => !upload?.content || upload.content.length !== upload.length))
          return { ok: false, error: 'file_upload_size_mismatch' };
        for (const { entry, upload } of found) {
          Object.assign(upload!, {
            completed: true,
            ...(body.channel_id ? { channel: String(body.channel_id) } : {}),
            ...(entry.title ? { title: entry.title } : {}),
            ...(body.initial_comment ? { initialComment: String(body.initial_comment) } : {}),
          });
        }
        return {
          ok: true,
          files: found.map(({ upload }) => ({
            id: upload!.id,
            name: upload!.filename,
            title: upload!.title ?? upload!.filename,
            permalink: `https://workshop.slack.com/files/U0BOT/${upload!.id}/${upload!.filename}`,
          })),
        };
      }
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

/** An answer planned for a call, instead of what the fake would say. */
interface Planned {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A planned answer that is no answer: the connection is dropped (a network reset). */
const RESET: Planned = { status: 0, body: {} };

const isUser = (id: string) => /^[UW]/.test(id);
const dmChannel = (user: string) => `D${user}`;
/** Where a post lands: a user id means the DM with them. */
const destinationChannel = (destination: string) => (isUser(destination) ? dmChannel(destination) : destination);

/** Slack's upload URL takes the bytes as the body, or as the file part of a multipart form. */
async function uploadedBytes(raw: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const file = [...form.values()].find((value): value is File => typeof value !== 'string');
  return file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
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
