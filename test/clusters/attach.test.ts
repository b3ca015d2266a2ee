import { describe, expect, it } from 'vitest';
import { AddressPolicy, parseAllowList, parseIp } from '../../src/clients/address-policy.js';
import { ConnectGuard, type LookupAll, type ReservedTargets } from '../../src/clients/connect-guard.js';
import { endpointTargets, parseAttachEndpoints } from '../../src/clusters/attach.js';
import { loadConfig } from '../../src/config.js';

/** The command's usage line, which every argument error carries as its hint. */
const USAGE = '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]';

describe('/cluster attach arguments', () => {
  it('accepts a master, and optional Marathon and ZooKeeper, normalised', () => {
    expect(
      parseAttachEndpoints(
        { master: 'http://172.17.0.4:5050/', marathon: '<http://172.17.0.5:8080>', zookeeper: 'zk://172.17.0.3:2181/mesos' },
        [],
        USAGE,
      ),
    ).toEqual({
      master: 'http://172.17.0.4:5050',
      marathon: 'http://172.17.0.5:8080',
      zookeeper: '172.17.0.3:2181',
    });
    expect(parseAttachEndpoints({ master: 'https://mesos.example.org', zookeeper: 'zk1.example.org' }, [], USAGE)).toEqual({
      master: 'https://mesos.example.org',
      zookeeper: 'zk1.example.org:2181',
    });
  });

  it.each([
    [{}, [], 'Tell me where the Mesos master is'],
    [{ master: 'ftp://x:5050' }, [], 'must use http:// or https://'],
    [{ master: 'not a url' }, [], 'must be a URL like http://10.0.0.5:5050'],
    [{ master: 'http://bob:secret@m:5050' }, [], 'must not contain a user name or password'],
    [{ master: 'http://bad_host!:5050' }, [], 'which is not a host name or IP address'],
    [{ master: 'http://m:5050', zookeeper: 'zk:99999' }, [], 'which is not a port number'],
    [{ master: 'http://m:5050', chronos: 'http://c' }, [], 'I don\'t know "chronos="'],
    [{ master: 'http://m:5050' }, ['extra'], '"extra" is not a key=value pair'],
  ])('refuses %j %j with a clear message', (pairs, positional, message) => {
    expect(() => parseAttachEndpoints(pairs as Record<string, string>, positional, USAGE)).toThrow(message);
  });
});

describe('/cluster attach addresses in every spelling', () => {
  it.each([
    ['http://2130706433:5050', 'http://127.0.0.1:5050'],
    ['http://0x7f.1:5050', 'http://127.0.0.1:5050'],
    ['http://0177.0.0.1:5050', 'http://127.0.0.1:5050'],
    ['http://127.1:5050', 'http://127.0.0.1:5050'],
    ['http://[::ffff:127.0.0.1]:5050', 'http://[::ffff:7f00:1]:5050'],
    ['http://[0:0:0:0:0:0:0:1]:5050', 'http://[::1]:5050'],
  ])('stores %s as %s, the form that is checked and connected to', (master, stored) => {
    expect(parseAttachEndpoints({ master }, [], USAGE).master).toBe(stored);
  });

  it('canonicalises ZooKeeper hosts the same way', () => {
    expect(parseAttachEndpoints({ master: 'http://m:5050', zookeeper: '0x7f.1:2181' }, [], USAGE).zookeeper).toBe('127.0.0.1:2181');
    expect(parseAttachEndpoints({ master: 'http://m:5050', zookeeper: '[::ffff:10.0.0.1]' }, [], USAGE).zookeeper).toBe(
      '[::ffff:a00:1]:2181',
    );
  });
});

describe('which addresses attached clusters may use (ATTACH_ALLOW)', () => {
  const policy = (list: string) => new AddressPolicy(parseAllowList(list));
  const refusal = (list: string, address: string) => policy(list).refusal(parseIp(address)!);

  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['0.0.0.0', 'an unspecified address (it means this host)'],
    ['0.1.2.3', 'an unspecified address (it means this host)'],
    ['::', 'the unspecified address (it means this host)'],
    ['169.254.169.254', 'a link-local address (where cloud metadata services answer)'],
    ['::ffff:169.254.169.254', 'a link-local address (where cloud metadata services answer)'],
    ['fe80::1', 'a link-local address'],
    ['febf::1', 'a link-local address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['fd12:3456::1', 'a private (unique local) address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['100.127.255.255', 'a shared (carrier-grade NAT) address'],
    ['224.0.0.251', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['64:ff9b::7f00:1', 'a reserved address'],
    ['::7f00:1', 'a reserved address'],
    ['2002:7f00:1::', 'a 6to4 tunnel address'],
    ['2001:db8::1', 'a documentation address'],
  ])('refuses %s by default: %s', (address, why) => {
    expect(refusal('public', address)).toBe(why);
  });

  it.each([['8.8.8.8'], ['172.32.0.1'], ['100.128.0.1'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8']])(
    'allows the public address %s by default',
    (address) => {
      expect(refusal('public', address)).toBeUndefined();
    },
  );

  it('with a list of networks, allows those networks and nothing else', () => {
    expect(refusal('127.0.0.0/8', '127.0.0.1')).toBeUndefined();
    expect(refusal('127.0.0.0/8', '127.3.4.5')).toBeUndefined();
    expect(refusal('127.0.0.0/8', '::ffff:127.0.0.1')).toBeUndefined();
    expect(refusal('127.0.0.0/8', '::1')).toBe('a loopback address');
    expect(refusal('127.0.0.0/8', '10.0.0.1')).toBe('a private address');
    expect(refusal('127.0.0.0/8', '8.8.8.8')).toBe('outside the networks attached clusters may use');
    expect(refusal('public,10.0.0.0/8', '10.9.9.9')).toBeUndefined();
    expect(refusal('public,10.0.0.0/8', '8.8.8.8')).toBeUndefined();
    expect(refusal('fd00::/8', 'fd00::5')).toBeUndefined();
    expect(refusal('::ffff:10.0.0.0/104', '10.1.1.1')).toBeUndefined();
  });

  it('never allows link-local, unspecified or multicast addresses, whatever the list says', () => {
    for (const address of ['169.254.169.254', '0.0.0.0', '224.0.0.1']) expect(refusal('0.0.0.0/0', address)).toBeDefined();
    for (const address of ['fe80::1', '::', 'ff02::1']) expect(refusal('::/0', address)).toBeDefined();
  });

  it.each([
    ['', 'is empty'],
    ['10.0.0.0/33', 'has "10.0.0.0/33"'],
    ['10.0.0.0/8/1', 'has "10.0.0.0/8/1"'],
    ['0x7f.1/8', 'has "0x7f.1/8"'],
    ['10.0.0.0/8,intranet', 'has "intranet"'],
  ])('ATTACH_ALLOW=%j is refused at start-up', (value, problem) => {
    expect(() => loadConfig({ ATTACH_ALLOW: value || ',' }, 'local')).toThrow(`ATTACH_ALLOW ${problem}`);
  });

  it('defaults to public addresses only', () => {
    expect(loadConfig({}, 'local').attachAllow).toEqual({ public: true, networks: [] });
  });
});

describe('the connect guard', () => {
  const lookupOf =
    (table: Record<string, string[]>): LookupAll =>
    async (host) => {
      const addresses = table[host];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address }));
    };
  const redis: ReservedTargets = { reason: "the bot's own Redis", targets: async () => [{ host: 'redis.internal', port: 6379 }] };
  const guard = new ConnectGuard(new AddressPolicy(parseAllowList('127.0.0.0/8,10.0.0.0/8')), {
    lookup: lookupOf({ 'redis.internal': ['127.0.0.1'], 'mixed.example': ['10.0.0.5', '169.254.169.254'], 'ok.example': ['10.0.0.5'] }),
    reserved: [redis],
  });

  it("refuses the bot's own Redis inside an allowed network, on every address of this machine", async () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::ffff:127.0.0.1'])
      await expect(guard.check(host, 6379)).rejects.toThrow(`${host}:6379 is the bot's own Redis`);
    expect(await guard.check('127.0.0.1', 6380)).toEqual(['127.0.0.1']);
  });

  it('answers the same for a name that resolves to a refused address and one that does not resolve: no probing internal DNS', async () => {
    const mixed = await guard.check('mixed.example', 80).catch((error: Error) => error.message);
    const missing = await guard.check('nowhere.example', 80).catch((error: Error) => error.message);
    expect(mixed).toBe('mixed.example does not resolve to an address attached clusters may use');
    expect(missing).toBe('nowhere.example does not resolve to an address attached clusters may use');
    expect(await guard.check('ok.example', 80)).toEqual(['10.0.0.5']);
  });

  it('refuses any endpoint of a cluster the bot built, however it is written', async () => {
    const endpoints = {
      master: 'http://203.0.113.7:31001',
      marathon: 'http://203.0.113.7:31002',
      zookeeper: '203.0.113.7:31003',
      agents: ['http://203.0.113.7:31004'],
      apps: { '80': '203.0.113.7:31080' },
    };
    expect(endpointTargets(endpoints).map(({ host, port }) => `${host}:${port}`)).toEqual([
      '203.0.113.7:31001',
      '203.0.113.7:31002',
      '203.0.113.7:31003',
      '203.0.113.7:31004',
      '203.0.113.7:31080',
    ]);
    const built = new ConnectGuard(new AddressPolicy(parseAllowList('public,203.0.113.0/24')), {
      reserved: [{ reason: 'a cluster the bot built', targets: async () => endpointTargets(endpoints) }],
    });
    for (const port of [31001, 31003, 31080])
      await expect(built.check('::ffff:203.0.113.7', port)).rejects.toThrow(`::ffff:203.0.113.7:${port} is a cluster the bot built`);
    expect(await built.check('203.0.113.7', 31005)).toEqual(['203.0.113.7']);
  });
});
