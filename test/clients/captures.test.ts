import { describe, expect, it } from 'vitest';
import { parseAppList, parseDeployment, parseMarathonApp, parseMarathonInfo, parseMarathonTask } from '../../src/clients/marathon-model.js';
import { parseAgentState, parseMasterState, parseMetrics } from '../../src/clients/mesos-model.js';
import { freeResources, parsePortRanges, parseResources, portCount } from '../../src/clients/resources.js';
import { decodeMesosMasterZnode, mesosLeader } from '../../src/clients/zookeeper-model.js';
import { fixturesNote, haveRealFixtures, listFixtures, readFixture, readJsonFixture } from '../support/fixtures.js';

describe('resources', () => {
  it('reads port ranges, the MESOS_RESOURCES text form, and computes what is free', () => {
    expect(parsePortRanges('[9200-9202, 9300-9302]')).toEqual([
      { begin: 9200, end: 9202 },
      { begin: 9300, end: 9302 },
    ]);
    const total = parseResources('ports(*):[31000-32000]; cpus(*):4; mem(*):1024; disk(*):2000');
    expect(total).toMatchObject({ cpus: 4, mem: 1024, disk: 2000 });
    expect(portCount(total.ports)).toBe(1001);
    const free = freeResources(total, parseResources({ cpus: 1.5, mem: 128, disk: 0, ports: '[31000-31001]' }));
    expect(free).toMatchObject({ cpus: 2.5, mem: 896, ports: [{ begin: 31002, end: 32000 }] });
  });
});

describe.skipIf(!haveRealFixtures)(`every real capture parses (${haveRealFixtures ? 'shared/fixtures/real' : fixturesNote})`, () => {
  const masterStates = [
    'datadog-master-state.json',
    'mesos-cli-master_state-0.19.0.json',
    'mesos-dns-fake-master-state.json',
    'minimesos-ParseStateJSONTest-master-state-0.22.1.json',
    'datadog-master-state-summary.json',
  ];

  it.each(masterStates)('master state %s', (file) => {
    const state = parseMasterState(readJsonFixture(`mesos-state/${file}`));
    expect(state.agents.length).toBeGreaterThan(0);
    expect(state.frameworks.length).toBeGreaterThan(0);
    for (const agent of state.agents) expect(agent.resources.cpus).toBeGreaterThan(0);
  });

  it('the minimesos 0.22.1 capture: elasticsearch with 3 tasks on ports 9200-9202, 9300-9302', () => {
    const state = parseMasterState(readJsonFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json'));
    const es = state.frameworks.find((framework) => framework.name === 'elasticsearch')!;
    expect(es.tasks).toHaveLength(3);
    expect(es.usedResources.ports).toEqual([
      { begin: 9200, end: 9202 },
      { begin: 9300, end: 9302 },
    ]);
    expect(es.tasks[0]!.discoveryPorts.map((port) => port.name)).toEqual(['CLIENT_PORT', 'TRANSPORT_PORT']);
    expect(state.version).toBe('0.22.1');
  });

  it('the DataDog capture: cluster, leader, and used resources computed when the agent lacks them', () => {
    const state = parseMasterState(readJsonFixture('mesos-state/datadog-master-state.json'));
    expect(state.cluster).toBe('datadog-test');
    expect(state.leader).toMatch(/^master@/);
    // This capture's slaves have no used_resources: they come from the running tasks.
    const agent = state.agents[0]!;
    expect(agent.usedResources.mem).toBe(100);
    expect(agent.usedResources.cpus).toBe(1);
  });

  it('the 0.19 capture has no leader-era fields missing fatally', () => {
    const state = parseMasterState(readJsonFixture('mesos-state/mesos-cli-master_state-0.19.0.json'));
    expect(state.frameworks[0]!.name).toMatch(/marathon/);
    expect(state.frameworks[0]!.tasks.every((task) => task.state === 'TASK_RUNNING')).toBe(true);
  });

  it.each(['datadog-agent-state.json', 'mesos-cli-agent_state-0.19.0.json'])('agent state %s has sandbox directories', (file) => {
    const state = parseAgentState(readJsonFixture(`mesos-state/${file}`));
    expect(state.executors.length).toBeGreaterThan(0);
    expect(state.executors.some((executor) => executor.directory.includes('/frameworks/'))).toBe(true);
  });

  it.each(['datadog-agent-metrics-snapshot.json', 'datadog-master-metrics-snapshot.json'])('metrics %s', (file) => {
    const metrics = parseMetrics(readJsonFixture(`mesos-state/${file}`));
    expect(Object.keys(metrics).length).toBeGreaterThan(10);
  });

  it('every Marathon response and API example parses', () => {
    const files = [...listFixtures('marathon/responses', '.json'), ...listFixtures('marathon/api-docs-v1.3.5/examples', '.json')];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const body = readJsonFixture(file) as Record<string, unknown>;
      if ('apps' in body) expect(parseAppList(body).every((app) => app.id.startsWith('/'))).toBe(true);
      else if ('app' in body) expect(parseMarathonApp(body.app).id).toMatch(/^\//);
      else if ('tasks' in body) expect((body.tasks as unknown[]).map(parseMarathonTask).every((task) => task.id !== '')).toBe(true);
      else if (Array.isArray(body) && file.includes('deployments')) expect(body.map(parseDeployment)[0]!.id).not.toBe('');
      else if (Array.isArray(body)) expect(body.map(parseMarathonApp).every((app) => app.id !== '')).toBe(true);
      else if ('marathon_config' in body) expect(parseMarathonInfo(body).version).not.toBe('unknown');
      else parseMarathonApp(body);
    }
  });

  it('the Marathon app example: id, instances, fractional cpus, Docker image and network', () => {
    const app = parseMarathonApp(readJsonFixture('marathon/api-docs-v1.3.5/examples/app.json'));
    expect(app).toMatchObject({
      id: '/foo',
      instances: 2,
      cpus: 0.1,
      cmd: 'sleep 1000',
      image: 'mesosphere:marathon/latest',
      network: 'BRIDGE',
    });
  });

  it('the Marathon info example names the leader, the master and ZooKeeper', () => {
    const info = parseMarathonInfo(readJsonFixture('marathon/api-docs-v1.3.5/examples/info.json'));
    expect(info.leader).toBeTruthy();
    expect(info.zk).toMatch(/^zk:\/\//);
  });

  it('ZooKeeper captures: JSON MasterInfo and the old protobuf form', () => {
    const json = decodeMesosMasterZnode('json.info_0000000001', Buffer.from(readFixture('zk/vpenso-mesos-json.info_0000000001.json')));
    expect(json).toMatchObject({
      format: 'json',
      sequence: 1,
      pid: 'master@10.1.1.9:5050',
      hostname: '10.1.1.9',
      port: 5050,
      version: '1.6.0',
    });
    const protobuf = decodeMesosMasterZnode('info_0000000005', Buffer.from(readFixture('zk/mesos-cli-master.pb'), 'latin1'));
    expect(protobuf).toMatchObject({ format: 'protobuf', pid: 'master@10.141.141.10:5050', hostname: '10.141.141.10' });
    expect(mesosLeader([{ ...json, sequence: 3 }, json, { ...json, sequence: 2 }])!.sequence).toBe(1);
  });
});
