import { describe, expect, it } from 'vitest';
import { checkMarathonDefinition } from '../../src/clients/marathon-definition.js';
import { parseAppList, parseMarathonApp } from '../../src/clients/marathon-model.js';
import { parseAgentState, parseMasterState } from '../../src/clients/mesos-model.js';
import { formatPortRanges } from '../../src/clients/resources.js';
import { decodeMesosMasterZnode } from '../../src/clients/zookeeper-model.js';
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

  it('Marathon 1.5: `networks` instead of a Docker network mode: no network is made up', () => {
    const [app] = parseAppList(readJsonFixture('marathon/responses/marathon-lb-marathon15_apps.json'));
    expect(app!.id).toMatch(/^\//);
    expect(app!.network).toBeUndefined();
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
