import { describe, expect, it } from 'vitest';
import { askTcp } from '../../src/local/four-letter-word.js';
import { startRedisServer } from '../../src/local/redis-server.js';
import { testZookeeper } from '../support/services.js';

describe('private services', () => {
  it('starts a private redis-server on a free port and removes it on stop', async () => {
    const redis = await startRedisServer();
    expect(await askTcp(redis.port, 'PING\r\n')).toContain('PONG');
    await redis.stop();
    await expect(askTcp(redis.port, 'PING\r\n')).rejects.toThrow();
  });

  it.skipIf(!testZookeeper())('the run has a ZooKeeper that serves requests', async () => {
    const port = Number(testZookeeper()!.split(':')[1]);
    expect(await askTcp(port, 'srvr')).toContain('Mode: standalone');
  });
});
