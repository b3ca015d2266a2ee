import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubAnswer = { status: number; body: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP server on a loopback address that answers from `handler` and remembers every path it was asked. */
export interface HttpStub {
  url: string;
  host: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

export function startHttpStub(handler: (path: string) => StubAnswer, host = '127.0.0.1'): Promise<HttpStub> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '/');
    const answer = handler(req.url ?? '/');
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  });
  return new Promise((resolve) =>
    server.listen(0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${port}`,
        host,
        port,
        hits,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    }),
  );
}
