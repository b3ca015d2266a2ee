import { type ChildService, startChildService } from './child-service.js';
import { askTcp } from './four-letter-word.js';
import { freePort } from './free-port.js';

/** A private redis-server on a free loopback port (tests, the demo). `persist` turns AOF on. */
export async function startRedisServer(options: { persist?: boolean } = {}): Promise<ChildService & { url: string }> {
  const port = await freePort();
  const service = await startChildService({
    name: 'redis-server',
    command: 'redis-server',
    port,
    timeoutMs: 10_000,
    args: (dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      options.persist ? 'yes' : 'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    ready: async () => (await askTcp(port, 'PING\r\n')).startsWith('+PONG'),
  });
  return { ...service, url: `redis://127.0.0.1:${port}` };
}
