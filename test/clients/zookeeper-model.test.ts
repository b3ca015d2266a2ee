import { describe, expect, it } from 'vitest';
import { decodeMesosMasterZnode, mesosLeader } from '../../src/clients/zookeeper-model.js';

/** Regressions found by test/clients/parsers-fuzz.test.ts: what a user would have seen, and the smallest input that did it. */
describe('Mesos masters in a broken or hostile ZooKeeper', () => {
  it('a MasterInfo with port 99999 or -1 names no port (not "leader at 10.0.0.1:99999")', () => {
    const json = (port: unknown) => Buffer.from(JSON.stringify({ pid: 'master@10.0.0.1:5050', address: { hostname: '10.0.0.1', port } }));
    expect(decodeMesosMasterZnode('json.info_0000000001', json(99999)).port).toBeUndefined();
    expect(decodeMesosMasterZnode('json.info_0000000001', json(-1)).port).toBeUndefined();
    expect(decodeMesosMasterZnode('json.info_0000000001', json('5050')).port).toBe(5050);
  });

  it('an old protobuf MasterInfo with a pid port above 65535 names no master', () => {
    const decoded = decodeMesosMasterZnode('info_0000000001', Buffer.from('\u0012\u0019master@10.0.0.1:9999999', 'latin1'));
    expect(decoded.pid).toBeUndefined();
    expect(decoded.port).toBeUndefined();
  });

  it('a znode that is no contender never wins the election (its sequence was NaN, which broke the sort)', () => {
    const stray = decodeMesosMasterZnode('log_replicas', Buffer.alloc(0));
    const real = decodeMesosMasterZnode('json.info_0000000003', Buffer.from('{"pid":"master@10.0.0.1:5050"}'));
    expect(Number.isNaN(stray.sequence)).toBe(false);
    expect(mesosLeader([stray, real])?.znode).toBe('json.info_0000000003');
    expect(mesosLeader([real, stray])?.znode).toBe('json.info_0000000003');
  });
});

describe('Mesos masters as newer versions write them', () => {
  it('Mesos 1.5+ MasterInfo with a fault domain and capabilities (1.8, values of a dcos-net capture) is decoded', () => {
    const info = {
      address: { hostname: '10.0.5.220', ip: '10.0.5.220', port: 5050 },
      capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }],
      domain: { fault_domain: { region: { name: 'aws/us-west-2' }, zone: { name: 'aws/us-west-2a' } } },
      hostname: 'ip-10-0-5-220.us-west-2.compute.internal',
      id: '31953f3e-15f7-4f83-8d94-c2384f40b723',
      ip: 3691380746,
      pid: 'master@10.0.5.220:5050',
      port: 5050,
      version: '1.8.0',
    };
    expect(decodeMesosMasterZnode('json.info_0000000012', Buffer.from(JSON.stringify(info)))).toEqual({
      znode: 'json.info_0000000012',
      sequence: 12,
      format: 'json',
      pid: 'master@10.0.5.220:5050',
      hostname: '10.0.5.220',
      port: 5050,
      version: '1.8.0',
      id: '31953f3e-15f7-4f83-8d94-c2384f40b723',
    });
  });
});
