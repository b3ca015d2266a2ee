import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { startSimServer } from '../../src/sim/http-server.js';

describe('the simulated daemons’ HTTP server', () => {
  it('holds every answer back by the response delay it is given, as a network would, and not without one', async () => {
    const timed = async (responseDelayMs?: number) => {
      const server = await startSimServer(
        () => ({ status: 200, body: { ok: true } }),
        responseDelayMs === undefined ? {} : { responseDelayMs },
      );
      try {
        const start = performance.now();
        const response = await fetch(`${server.url}/state`);
        expect(await response.json()).toEqual({ ok: true });
        return performance.now() - start;
      } finally {
        await server.close();
      }
    };
    const delayed = await timed(120);
    expect(delayed).toBeGreaterThanOrEqual(115);
    expect(await timed()).toBeLessThan(delayed);
  });
});
