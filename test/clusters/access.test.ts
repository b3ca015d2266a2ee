import { describe, expect, it } from 'vitest';
import { AddressPolicy, parseAllowList } from '../../src/clients/address-policy.js';
import { ConnectGuard } from '../../src/clients/connect-guard.js';
import { HttpClient } from '../../src/clients/http.js';
import { ClusterAccess, type ClusterTarget } from '../../src/clusters/access.js';
import { startHttpStub } from '../support/http-stub.js';
import { until } from '../support/until.js';

describe('reaching clusters all day', () => {
  it('holds no pool for the endpoints of clusters that are gone: built ones, attached ones, ones in an engine', async () => {
    const access = new ClusterAccess({
      guard: new ConnectGuard(new AddressPolicy(parseAllowList('127.0.0.0/8'))),
      // Idle time far longer than the three calls take, even on a loaded machine.
      httpClient: (timeouts, options) => new HttpClient(timeouts, { ...options, poolIdleMs: 2000 }),
    });
    const masters = await Promise.all([1, 2, 3].map(() => startHttpStub(() => ({ status: 200, body: '{}' }))));
    const [built, attached, inEngine] = masters.map((master) => ({ endpoints: { master: master.url } }));
    const clusters: ClusterTarget[] = [
      { kind: 'provisioned', ...built! },
      { kind: 'attached', ...attached! },
      { kind: 'provisioned', endpoints: { ...inEngine!.endpoints, relay: '127.0.0.1:1' } },
    ];
    try {
      for (const cluster of clusters) await access.http(cluster).json(`${cluster.endpoints.master}/state`);
      expect(access.origins().sort()).toEqual(masters.map((master) => master.url).sort());
      await Promise.all(masters.map((master) => master.close()));
      await until(async () => access.origins().length === 0, 10_000, 50);
    } finally {
      await access.close();
    }
  });
});
