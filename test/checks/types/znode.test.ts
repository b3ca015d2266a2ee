import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/local/free-port.js';
import { fixturesNote, haveRealFixtures, readFixture } from '../../support/fixtures.js';
import { testZookeeper, zookeeperChroot } from '../../support/services.js';
import { checkClients, runCheck } from '../support.js';

/** Writes znodes as Mesos wrote them in a real capture (vpenso's `ls /mesos` and a json.info_ leader znode). */
async function writeCapture(connectString: string): Promise<void> {
  const client = zookeeper.createClient(connectString);
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  const children = /\[(.*)\]/
    .exec(readFixture('zk/vpenso-ls-mesos.txt'))![1]!
    .split(',')
    .map((name) => name.trim());
  const info = readFixture('zk/vpenso-mesos-json.info_0000000001.json');
  await new Promise<void>((resolve, reject) => client.mkdirp('/mesos', (error) => (error ? reject(error) : resolve())));
  for (const name of children)
    await new Promise<void>((resolve, reject) =>
      client.create(`/mesos/${name}`, Buffer.from(name.startsWith('json.info') ? info : ''), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  client.close();
}

describe.skipIf(!testZookeeper())('check type: znode', () => {
  const clients = checkClients();
  let connectString = '';
  beforeAll(async () => {
    connectString = await zookeeperChroot('check-znode');
    if (haveRealFixtures) await writeCapture(connectString);
  });
  afterAll(() => clients.close());

  it.skipIf(!haveRealFixtures)(
    `a real capture's /mesos: exists, with its four children (${haveRealFixtures ? 'shared' : fixturesNote})`,
    async () => {
      const endpoints = { master: 'http://127.0.0.1:1', zookeeper: connectString };
      expect(await runCheck({ type: 'znode', path: '/mesos', children: 4 }, endpoints, clients)).toEqual({
        status: 'pass',
        detail: '/mesos has 4 children (json.info_0000000001, json.info_0000000002, json.info_0000000003, log_replicas)',
      });
      expect(await runCheck({ type: 'znode', path: '/mesos', children: { atLeast: 5 } }, endpoints, clients)).toMatchObject({
        status: 'fail',
      });
    },
  );

  it('a missing znode fails, saying what its parent holds instead', async () => {
    const endpoints = { master: 'http://127.0.0.1:1', zookeeper: connectString };
    expect(await runCheck({ type: 'znode', path: '/mesos-es' }, endpoints, clients)).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^there is no znode \/mesos-es/),
    });
    expect(await runCheck({ type: 'znode', path: '/elasticsearch/mesos-ha' }, endpoints, clients)).toEqual({
      status: 'fail',
      detail: 'there is no znode /elasticsearch/mesos-ha',
    });
  });

  it('a ZooKeeper that is not there: the step could not be checked, and says why', async () => {
    const endpoints = { master: 'http://127.0.0.1:1', zookeeper: `127.0.0.1:${await freePort()}` };
    expect(await runCheck({ type: 'znode', path: '/mesos' }, endpoints, clients, { timeoutSeconds: 1 })).toEqual({
      status: 'error',
      detail: `ZooKeeper at ${endpoints.zookeeper} did not answer in 1 s.`,
    });
  });
});
