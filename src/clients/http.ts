import { EventEmitter } from 'node:events';
import { buildConnector, type Dispatcher, Pool, errors as undiciErrors } from 'undici';
import { UserError } from '../errors.js';
import { AddressRefusedError, type ConnectGuard } from './connect-guard.js';
import { type EngineRelay, relayConnector } from './engine-relay.js';

export type EndpointErrorKind = 'unreachable' | 'timeout' | 'http' | 'invalid-json' | 'refused' | 'too-large';

/**
 * A cluster endpoint that did not answer as expected; the message names it and what to try. It never
 * quotes what the endpoint said (`body` keeps that for the log): the endpoint may be anything.
 */
export class EndpointError extends UserError {
  constructor(
    readonly kind: EndpointErrorKind,
    readonly url: string,
    message: string,
    hint: string,
    readonly status?: number,
    readonly body?: string,
  ) {
    super(message, hint);
    this.name = 'EndpointError';
  }
}

export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  /** Most time between two chunks of a body. */
  bodyMs: number;
  /** Most time for the whole request: a body dripping in just under `bodyMs` cannot hold a command. */
  totalMs: number;
}

/** Short, so a slash command answers well inside a user's patience (and Slack's budgets). */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 2000, headersMs: 5000, bodyMs: 10_000, totalMs: 20_000 };

/** More than any workshop cluster's state (a master's /state is kilobytes): an endpoint sending more is not one. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Makes an HTTP client with the given timeouts and options (tests and benchmarks wrap it). */
export type HttpClientFactory = (timeouts: HttpTimeouts, options: HttpClientOptions) => HttpClient;

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RequestOptions {
  method?: Dispatcher.HttpMethod;
  body?: string;
  headers?: Record<string, string>;
  /** Retried on connection errors only; default: GET/HEAD yes, others no. */
  retry?: boolean;
  signal?: AbortSignal;
}

const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

export interface HttpClientOptions {
  /** Retries after a connection error (GET/HEAD); default 1. */
  retries?: number;
  /** Checks every connection's address first, and connects to the address it checked (attached clusters). */
  guard?: ConnectGuard;
  /** Opens connections to anything but the cluster's published endpoints from inside the attendee's engine (dind). */
  relay?: EngineRelay;
  /** An origin's pool is closed once it has served no call for this long; default POOL_IDLE_MS. */
  poolIdleMs?: number;
}

/**
 * Clusters come and go all day (built, destroyed, rebuilt on new ports; attached, detached): each
 * endpoint is an origin of its own, whose pool (its clients, queues, TLS session cache) would
 * otherwise be kept for the life of the process. A minute is far past any call's deadline (totalMs).
 */
export const POOL_IDLE_MS = 60_000;

interface OriginPool {
  pool: Pool;
  /** When a call last started here. */
  usedAt: number;
}

/**
 * What ends one call early (its deadline, or the caller's signal). undici takes any EventEmitter that
 * emits 'abort' as a request's signal: one costs a small fraction of an AbortController with its
 * listener, made for every call.
 */
class CallAbort extends EventEmitter {
  aborted = false;
  /** undici fails the call with this (its own RequestAbortedError when there is none). */
  reason: unknown;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * HTTP to cluster endpoints with undici: one pool per origin, bounded timeouts, one retry on a
 * connection error, bodies always consumed, and failures as EndpointErrors a user can act on.
 * Redirects are answers like any other (undici never follows them): whoever asked decides.
 */
export class HttpClient {
  private readonly pools = new Map<string, OriginPool>();
  private readonly retries: number;
  private readonly poolIdleMs: number;
  /** Closes idle pools; runs only while there are pools. */
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
    private readonly options: HttpClientOptions = {},
  ) {
    this.retries = options.retries ?? 1;
    this.poolIdleMs = options.poolIdleMs ?? POOL_IDLE_MS;
  }

  /** The origins this client holds a pool (and maybe connections) for. */
  origins(): string[] {
    return [...this.pools.keys()];
  }

  async request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const method = options.method ?? 'GET';
    const retry = options.retry ?? (method === 'GET' || method === 'HEAD');
    // One abort and one timer, cleared when the call ends: AbortSignal.timeout's timer lives on for
    // totalMs after every call, and AbortSignal.any tracks its sources weakly (both are GC work per call).
    const abort = new CallAbort();
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.timeouts.totalMs).unref();
    const caller = options.signal;
    const forward = () => abort.abort(caller!.reason);
    if (caller?.aborted) forward();
    else caller?.addEventListener('abort', forward, { once: true });
    try {
      return await this.attempts(url, target, method, retry, options, abort, () => timedOut && !caller?.aborted);
    } finally {
      clearTimeout(deadline);
      caller?.removeEventListener('abort', forward);
    }
  }

  /** The call, retried on a connection error; `timedOut` tells whether the whole call's deadline ended it. */
  private async attempts(
    url: string,
    target: URL,
    method: Dispatcher.HttpMethod,
    retry: boolean,
    options: RequestOptions,
    signal: CallAbort,
    timedOut: () => boolean,
  ): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.pool(target.origin).request({
          path: `${target.pathname}${target.search}`,
          method,
          headers: {
            accept: 'application/json',
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...options.headers,
          },
          ...(options.body !== undefined ? { body: options.body } : {}),
          headersTimeout: this.timeouts.headersMs,
          bodyTimeout: this.timeouts.bodyMs,
          signal,
        });
        return { status: response.statusCode, headers: response.headers, text: await readBody(url, response.body) };
      } catch (error) {
        if (error instanceof EndpointError) throw error;
        if (timedOut())
          throw new EndpointError(
            'timeout',
            url,
            `${url} did not finish answering within ${this.timeouts.totalMs / 1000} s.`,
            'The cluster may be overloaded; try again in a moment. `/cluster info` shows its status.',
          );
        const code = (error as { code?: string }).code ?? '';
        if (retry && attempt < this.retries && RETRYABLE_CODES.has(code)) {
          await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
          continue;
        }
        throw this.describe(url, error);
      }
    }
  }

  /** GET (or another method) expecting JSON with a 2xx status. */
  async json(url: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.request(url, options);
    if (response.status < 200 || response.status >= 300) throw httpStatusError(url, response);
    return parseJson(url, response.text);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(({ pool }) => pool.close()));
  }

  /**
   * Closes the pools of origins that served no call for poolIdleMs (a destroyed cluster's, a detached
   * one's). Closing is graceful: a call still under way (only when poolIdleMs is shorter than its deadline)
   * ends first.
   */
  private sweep(): void {
    const before = Date.now() - this.poolIdleMs;
    for (const [origin, entry] of this.pools) {
      if (entry.usedAt > before) continue;
      this.pools.delete(origin);
      entry.pool.close().catch(() => undefined);
    }
    if (this.pools.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** The origin's pool, noted as used now. */
  private pool(origin: string): Pool {
    let entry = this.pools.get(origin);
    if (entry) entry.usedAt = Date.now();
    else {
      const connect = { timeout: this.timeouts.connectMs };
      const pool = new Pool(origin, {
        connections: 8,
        connect: this.options.guard
          ? guardedConnector(this.options.guard, buildConnector(connect))
          : this.options.relay
            ? relayConnector(this.options.relay, buildConnector(connect), this.timeouts.connectMs)
            : connect,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      entry = { pool, usedAt: Date.now() };
      this.pools.set(origin, entry);
      this.sweeper ??= setInterval(() => this.sweep(), this.poolIdleMs).unref();
    }
    return entry.pool;
  }

  private describe(url: string, error: unknown): EndpointError {
    if (error instanceof AddressRefusedError)
      return new EndpointError('refused', url, `I won't connect to ${url}: ${error.message}.`, error.hint!);
    const code = (error as { code?: string }).code ?? '';
    if (code === 'ERELAYTARGET')
      return new EndpointError(
        'unreachable',
        url,
        `I can't reach ${url}: ${(error as Error).message}.`,
        'Your cluster reports an address its engine cannot connect to; `/cluster info` shows its status.',
      );
    if (
      error instanceof undiciErrors.ConnectTimeoutError ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return new EndpointError(
        'timeout',
        url,
        `${url} did not answer in time.`,
        'The cluster may be overloaded or still starting; try again in a moment. `/cluster info` shows its status.',
      );
    }
    // The bot's own words: a TLS or socket error's message can carry what the other side sent.
    const reason =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its host name does not resolve'
        : code === 'ECONNREFUSED'
          ? 'nothing is listening there'
          : (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') && this.options.relay
            ? 'the connection closed before an answer (through your engine, that is what nothing listening looks like)'
            : code
              ? `the connection failed (${code})`
              : 'the connection failed';
    return new EndpointError(
      'unreachable',
      url,
      `I can't reach ${url}: ${reason}.`,
      'Is the cluster running, and is the address right? `/cluster info` shows the endpoints the bot uses.',
    );
  }
}

/**
 * The body as text, refused past MAX_BODY_BYTES without reading (or keeping) the rest. Read with
 * listeners rather than `for await`: an async iterator per response is most of reading a small one.
 */
function readBody(url: string, body: Dispatcher.ResponseData['body']): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      reject(
        new EndpointError(
          'too-large',
          url,
          `${url} answered more than ${MAX_BODY_BYTES / 1024 / 1024} MB, which no workshop cluster endpoint sends.`,
          'Is this address really a Mesos master / Marathon endpoint?',
        ),
      );
      body.destroy();
    });
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    body.on('error', reject);
  });
}

export function httpStatusError(url: string, response: HttpResponse): EndpointError {
  return new EndpointError(
    'http',
    url,
    `${url} answered HTTP ${response.status}.`,
    'Check that this is the right endpoint for this service.',
    response.status,
    response.text,
  );
}

export function parseJson(url: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EndpointError(
      'invalid-json',
      url,
      `${url} did not answer with JSON.`,
      'Is this address really a Mesos master / Marathon endpoint?',
      200,
      text,
    );
  }
}

/** Connects only to an address the guard has just checked, never to a fresh lookup of the name. */
function guardedConnector(guard: ConnectGuard, connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    guard.check(options.hostname, port).then(
      // `host` keeps the name, so TLS still checks the certificate against it.
      ([address]) => connect({ ...options, hostname: address! }, callback),
      (error: Error) => callback(error, null),
    );
  };
}
