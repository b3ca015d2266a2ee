import { describe, expect, it } from 'vitest';
import { resourceBlocks } from '../../commands/render/cluster-views.js';
import { checkMarathonDefinition } from '../../src/clients/marathon-definition.js';
import { parseAppList, parseMarathonApp } from '../../src/clients/marathon-model.js';
import { agentAddress, currentTasks, parseAgentState, parseMasterState } from '../../src/clients/mesos-model.js';
import { formatPortRanges } from '../../src/clients/resources.js';
import { decodeMesosMasterZnode } from '../../src/clients/zookeeper-model.js';
import { messageToText } from '../../src/render/text.js';
import { fixturesNote, haveRealFixtures, readFixture, readJsonFixture } from '../support/fixtures.js';

/**
 * The same cluster as other Mesos and Marathon versions report it (shared/research/mesos-facts.md §3–5),
 * made by editing a real capture the way that version differs.
 */
type Json = Record<string, unknown>;
const MINIMESOS_STATE = 'mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json';
const ZDD_APPS = 'marathon/responses/marathon-lb-zdd_apps.json';
const objects = (value: unknown) => (Array.isArray(value) ? value : []) as Json[];

describe.skipIf(!haveRealFixtures)(`version variants (${haveRealFixtures ? 'edited real captures' : fixturesNote})`, () => {
  it('Mesos 0.2x: `slaves`, `activated_slaves`, no used_resources: used resources come from the running tasks', () => {
    const state = parseMasterState(readJsonFixture(MINIMESOS_STATE));
    expect(state.activatedAgents).toBe(3);
    // One Elasticsearch node per agent, each with its HTTP and transport port.
    expect(state.agents.map((agent) => formatPortRanges(agent.usedResources.ports)).sort()).toEqual([
      '9200, 9300',
      '9201, 9301',
      '9202, 9302',
    ]);
    expect(state.agents.every((agent) => agent.usedResources.cpus === 1 && agent.usedResources.mem === 256)).toBe(true);
  });

  it('Mesos 1.x: agents carry used_resources and a version; a finished framework is under completed_frameworks', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    for (const agent of objects(capture.slaves)) {
      agent.used_resources = { cpus: 0.5, mem: 64, disk: 0, ports: '[31000-31000]' };
      agent.version = '1.0.0';
    }
    const [framework] = objects(capture.frameworks);
    const finished = {
      ...framework!,
      active: false,
      tasks: [],
      completed_tasks: objects(framework!.tasks).map((task) => ({ ...task, state: 'TASK_FINISHED' })),
    };
    Object.assign(capture, { version: '1.0.0', frameworks: [], completed_frameworks: [finished], unregistered_frameworks: [] });
    const state = parseMasterState(capture);
    expect(state.version).toBe('1.0.0');
    expect(state.agents.every((agent) => agent.version === '1.0.0' && agent.usedResources.cpus === 0.5)).toBe(true);
    expect(state.frameworks).toEqual([]);
    expect(state.completedFrameworks[0]!.completedTasks.map((task) => task.state)).toEqual([
      'TASK_FINISHED',
      'TASK_FINISHED',
      'TASK_FINISHED',
    ]);
  });

  it('Mesos 1.x agents all offering [31000-32000] (the default): /state resources counts a port used on one agent once', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    for (const agent of objects(capture.slaves)) agent.resources = { ...(agent.resources as Json), ports: '[31000-32000]' };
    const [task] = objects(objects(capture.frameworks)[0]!.tasks);
    task!.resources = { ...(task!.resources as Json), ports: '[31000-31000]' };
    for (const other of objects(objects(capture.frameworks)[0]!.tasks).slice(1))
      other.resources = { ...(other.resources as Json), ports: '[]' };
    const total = messageToText({ text: '', blocks: resourceBlocks(parseMasterState(capture)) }).split('\n')[4]!;
    expect(total).toBe('ports 3003 total · 1 used · *3002 free* (31000-32000)');
  });

  it('Mesos 1.1+: a task on an agent the master lost moves to unreachable_tasks and is still shown, as unreachable', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    const framework = objects(capture.frameworks)[0]!;
    const [lost, ...running] = objects(framework.tasks);
    Object.assign(framework, { tasks: running, unreachable_tasks: [{ ...lost!, state: 'TASK_UNREACHABLE' }] });
    const [elasticsearch] = parseMasterState(capture).frameworks;
    expect(elasticsearch!.taskStates).toEqual([
      { state: 'TASK_RUNNING', count: 2 },
      { state: 'TASK_UNREACHABLE', count: 1 },
    ]);
    expect(currentTasks(elasticsearch!).map((task) => task.id)).toContain(lost!.id);
  });

  it('/master/state-summary: frameworks and agents with per-state counts instead of task lists', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    for (const framework of objects(capture.frameworks)) {
      Object.assign(framework, { TASK_RUNNING: objects(framework.tasks).length, TASK_FINISHED: 2, TASK_LOST: 1 });
      delete framework.tasks;
      delete framework.completed_tasks;
    }
    const [elasticsearch] = parseMasterState(capture).frameworks;
    expect(elasticsearch!.taskStates).toEqual([{ state: 'TASK_RUNNING', count: 3 }]);
  });

  it('Mesos on IPv6: agent pids with an IPv6 address give agent addresses a URL can hold', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    objects(capture.slaves).forEach((agent, index) => {
      agent.pid = index === 0 ? `slave(1)@[fd00::${index + 1}]:5051` : `slave(1)@fd00::${index + 1}:5051`;
    });
    const addresses = parseMasterState(capture).agents.map(agentAddress);
    expect(addresses).toEqual(['[fd00::1]:5051', '[fd00::2]:5051', '[fd00::3]:5051']);
  });

  it('`agents` and `activated_agents` in place of `slaves` and `activated_slaves` read the same', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    const { slaves, activated_slaves, deactivated_slaves, ...rest } = capture;
    const renamed = parseMasterState({
      ...rest,
      agents: slaves,
      activated_agents: activated_slaves,
      deactivated_agents: deactivated_slaves,
    });
    const original = parseMasterState(readJsonFixture(MINIMESOS_STATE));
    expect({ ...renamed, raw: {} }).toEqual({ ...original, raw: {} });
  });

  it('a task killed on an old master (no used_resources) does not count as using its agent', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    const [task] = objects(objects(capture.frameworks)[0]!.tasks);
    task!.state = 'TASK_KILLED';
    const agent = parseMasterState(capture).agents.find((candidate) => candidate.id === task!.slave_id)!;
    expect(agent.usedResources).toMatchObject({ cpus: 0, mem: 0, ports: [] });
  });

  it('a master that knows no leader (during an election) has no leader, not ""', () => {
    const capture = readJsonFixture<Json>(MINIMESOS_STATE);
    delete capture.leader;
    expect(parseMasterState(capture).leader).toBeUndefined();
  });

  it('an agent of Mesos 1.x lists completed executors with their sandboxes as completed', () => {
    const capture = readJsonFixture<Json>('mesos-state/datadog-agent-state.json');
    const [framework] = objects(capture.frameworks);
    framework!.completed_executors = framework!.executors;
    framework!.executors = [];
    const state = parseAgentState(capture);
    expect(state.executors.length).toBeGreaterThan(0);
    expect(state.executors.every((executor) => executor.completed && executor.directory.includes('/frameworks/'))).toBe(true);
  });

  it('Marathon 0.15: apps with `ports` and no `portDefinitions`, tasks without `state`, are read (running when started)', () => {
    const body = readJsonFixture<{ apps: Json[] }>(ZDD_APPS);
    for (const app of body.apps) {
      app.ports = objects(app.portDefinitions).map((definition) => definition.port);
      delete app.portDefinitions;
      for (const task of objects(app.tasks)) delete task.state;
    }
    const [app] = parseAppList(body);
    expect(app!.tasks.map((task) => task.state)).toEqual(['TASK_RUNNING', 'TASK_RUNNING', 'TASK_RUNNING']);
    expect(app!.tasks.map((task) => task.ports)).toEqual([[16916], [31184], [23336]]);
    const definition = { ...body.apps[0]! };
    for (const field of ['tasks', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy', 'deployments', 'version', 'versionInfo'])
      delete definition[field];
    expect(checkMarathonDefinition(definition).problems.filter((problem) => problem.path.startsWith('/ports'))).toEqual([]);
  });

  it('Marathon 0.x apps without the task counts: they are counted from the tasks', () => {
    const body = readJsonFixture<{ apps: Json[] }>(ZDD_APPS);
    const app = body.apps[0]!;
    for (const field of ['tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy', 'deployments']) delete app[field];
    expect(parseMarathonApp(app)).toMatchObject({ tasksRunning: 3, tasksStaged: 0, tasksHealthy: 0, deployments: [] });
  });

  it('Marathon 1.5: `networks` instead of a Docker network mode: read as the mode Marathon 1.4 named it, none made up', () => {
    const body = readJsonFixture<{ apps: Json[] }>('marathon/responses/marathon-lb-marathon15_apps.json');
    expect(parseAppList(body)[0]!.network).toBe('BRIDGE');
    const modes = ['host', 'container', 'weird', ''].map((mode) => parseMarathonApp({ ...body.apps[0]!, networks: [{ mode }] }).network);
    expect(modes).toEqual(['HOST', 'USER', undefined, undefined]);
    expect(parseMarathonApp({ ...body.apps[0]!, networks: [] }).network).toBeUndefined();
  });

  it('`/v2/apps/{group}/*` answers `{"*": [...]}`, read like `{"apps": [...]}`', () => {
    const { apps } = readJsonFixture<{ apps: Json[] }>(ZDD_APPS);
    expect(parseAppList({ '*': apps }).map((app) => app.id)).toEqual(parseAppList({ apps }).map((app) => app.id));
  });

  it('Mesos 0.23–1.0 JSON MasterInfo without `address` (hostname and port at the top) names the same master', () => {
    const { address: _address, ...older } = JSON.parse(readFixture('zk/vpenso-mesos-json.info_0000000001.json')) as Json;
    const decoded = decodeMesosMasterZnode('json.info_0000000001', Buffer.from(JSON.stringify(older)));
    expect(decoded).toMatchObject({ format: 'json', hostname: '10.1.1.9', port: 5050, pid: 'master@10.1.1.9:5050' });
  });
});
