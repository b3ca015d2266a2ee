import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZookeeperClient } from '../../src/clients/zookeeper.js';
import { freePort } from '../../src/local/free-port.js';
import { testZookeeper } from '../support/services.js';

const masterInfo = (ip: string) =>
  JSON.stringify({
    address: { hostname: ip, ip, port: 5050 },
    hostname: ip,
    id: `id-${ip}`,
    pid: `master@${ip}:5050`,
    port: 5050,
    version: '1.0.0',
  });

describe.skipIf(!testZookeeper())('ZooKeeper client (real ZooKeeper)', () => {
  let client: ZookeeperClient;
  const root = `/t${Date.now()}`;

  beforeAll(async () => {
    client = await ZookeeperClient.connect(testZookeeper()!);
    // Written the way Mesos and Marathon write them (raw library calls, not our client).
    const raw = zookeeper.createClient(testZookeeper()!);
    await new Promise<void>((resolve) => {
      raw.once('connected', () => resolve());
      raw.connect();
    });
    const create = (path: string, data?: string) =>
      new Promise<void>((resolve, reject) =>
        raw.mkdirp(path, data ? Buffer.from(data) : Buffer.alloc(0), (error) => (error ? reject(error) : resolve())),
      );
    await create(`${root}/mesos/json.info_0000000002`, masterInfo('10.0.0.2'));
    await create(`${root}/mesos/json.info_0000000001`, masterInfo('10.0.0.1'));
    await create(`${root}/mesos/log_replicas`);
    await create(`${root}/marathon/leader-curator/_c_1-latch-0000000001`, '10.0.0.9:8080');
    // Marathon 1.4+ (Curator's LeaderLatch): `_c_<uuid>-latch-<sequence>`, the uuid random, so the names sort
    // unlike the sequences (names as in Marathon's NetworkPartitionIntegrationTest log); the legacy /leader stays empty.
    await create(`${root}/marathon-ha/leader-curator/_c_ab228197-7592-460a-9ded-c9192e1e2ed0-latch-0000000004`, '10.0.5.221:8080');
    await create(`${root}/marathon-ha/leader-curator/_c_fe1844c7-c8ba-40e4-aff2-9db0289a2789-latch-0000000002`, '10.0.5.220:8080');
    await create(`${root}/marathon-ha/leader`);
    for (let i = 0; i < 30; i++) await create(`${root}/many/n${i}/child`, 'x');
    raw.close();
  });
  afterAll(() => client?.close());

  it('decodes the Mesos masters; the lowest sequence leads', async () => {
    const { masters, leader } = await client.mesosMasters(`${root}/mesos`);
    expect(masters.map((master) => master.znode)).toEqual(['json.info_0000000001', 'json.info_0000000002']);
    expect(leader).toMatchObject({ pid: 'master@10.0.0.1:5050', hostname: '10.0.0.1', version: '1.0.0' });
  });

  it('finds the Marathon leader', async () => {
    expect(await client.marathonLeader(`${root}/marathon`)).toBe('10.0.0.9:8080');
  });

  it('of several Marathons (Curator latches named by a random uuid), the lowest sequence leads, not the first name', async () => {
    expect(await client.marathonLeader(`${root}/marathon-ha`)).toBe('10.0.5.220:8080');
  });

  it('lists a subtree with data sizes, within depth and node limits', async () => {
    const tree = await client.tree(`${root}/mesos`, { depth: 2 });
    expect(tree.children.map((child) => child.name)).toEqual(['json.info_0000000001', 'json.info_0000000002', 'log_replicas']);
    expect(tree.children[0]!.dataLength).toBe(Buffer.byteLength(masterInfo('10.0.0.1')));
    const limited = await client.tree(`${root}/many`, { depth: 5, maxNodes: 10 });
    expect(limited.truncated).toBe(true);
    expect(limited.children.length).toBeLessThan(10);
    const shallow = await client.tree(root, { depth: 1 });
    expect(shallow.children.every((child) => child.children.length === 0 && child.truncated)).toBe(true);
  });

  it('says which znode is missing', async () => {
    await expect(client.tree(`${root}/nothing`)).rejects.toThrow(`There is no znode ${root}/nothing.`);
    expect(await client.exists(`${root}/nothing`)).toBe(false);
  });

  it('fails to connect to a dead address within the timeout, with a clear message', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(ZookeeperClient.connect(`127.0.0.1:${port}`, { timeoutMs: 1000 })).rejects.toThrow(
      `I can't reach ZooKeeper at 127.0.0.1:${port}`,
    );
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
