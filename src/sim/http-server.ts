import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text instead of JSON (e.g. /ping, /files/download). */
  text?: string;
}

export type SimHandler = (request: SimRequest) => Promise<SimResponse> | SimResponse;

/** A small JSON HTTP server for the simulated daemons (loopback by default). */
export async function startSimServer(
  handler: SimHandler,
  options: { port?: number; host?: string; responseDelayMs?: number } = {},
): Promise<{ server: Server; port: number; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => void handle(handler, req, res, options.responseDelayMs ?? 0));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(handler: SimHandler, req: IncomingMessage, res: ServerResponse, delayMs: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://sim');
  let response: SimResponse;
  try {
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = /^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
          ? Object.fromEntries(new URLSearchParams(raw))
          : raw;
      }
    }
    response = await handler({ method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, body });
  } catch (error) {
    response = { status: 500, body: { message: (error as Error).message } };
  }
  const text = response.text ?? (response.body === undefined ? '' : JSON.stringify(response.body));
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  res.writeHead(response.status, {
    'content-type': response.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json',
    ...response.headers,
  });
  res.end(text);
}

export const notFound = (what: string): SimResponse => ({ status: 404, text: `Not found: ${what}` });

/** Calls another simulated daemon (agent → master, Marathon → master). */
export async function simCall(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return text === '' ? undefined : JSON.parse(text);
}
