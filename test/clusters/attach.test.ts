import { describe, expect, it } from 'vitest';
import { parseAttachEndpoints } from '../../src/clusters/attach.js';

describe('/cluster attach arguments', () => {
  it('accepts a master, and optional Marathon and ZooKeeper, normalised', () => {
    expect(
      parseAttachEndpoints(
        { master: 'http://172.17.0.4:5050/', marathon: '<http://172.17.0.5:8080>', zookeeper: 'zk://172.17.0.3:2181/mesos' },
        [],
      ),
    ).toEqual({
      master: 'http://172.17.0.4:5050',
      marathon: 'http://172.17.0.5:8080',
      zookeeper: '172.17.0.3:2181',
    });
    expect(parseAttachEndpoints({ master: 'https://mesos.example.org', zookeeper: 'zk1.example.org' }, [])).toEqual({
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
    expect(() => parseAttachEndpoints(pairs as Record<string, string>, positional)).toThrow(message);
  });
});
