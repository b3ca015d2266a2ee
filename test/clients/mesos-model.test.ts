import { describe, expect, it } from 'vitest';
import { agentAddress, currentTasks, parseAgentState, parseMasterState, parseTask, pidAddress } from '../../src/clients/mesos-model.js';
import { deeplyNested } from '../support/mutate.js';

/** Regressions found by test/clients/parsers-fuzz.test.ts: what a user would have seen, and the smallest input that did it. */
describe('Mesos state from a broken or hostile master', () => {
  it('an agent with deeply nested attributes does not break `/cluster state --raw` (the JSON of what was understood)', () => {
    const state = parseMasterState({ slaves: [{ id: 'a1', attributes: { rack: 'r1', level: 2, junk: deeplyNested(20_000) } }] });
    expect(state.agents[0]!.attributes).toEqual({ rack: 'r1', level: 2 });
    const { raw: _raw, ...understood } = state;
    expect(() => JSON.stringify(understood)).not.toThrow();
  });

  it('a discovery port without a number is left out, not shown as port 0 in /cluster ps', () => {
    const task = parseTask({
      id: 't',
      discovery: {
        ports: { ports: [{ name: 'CLIENT_PORT' }, { name: 'HTTP', number: 'http' }, { name: 'TRANSPORT_PORT', number: 9300 }] },
      },
    });
    expect(task.discoveryPorts).toEqual([{ name: 'TRANSPORT_PORT', number: 9300 }]);
  });

  it('a framework registered at null or "" has no registration time (not 1970)', () => {
    const state = parseMasterState({
      frameworks: [
        { id: 'f1', registered_time: null },
        { id: 'f2', registered_time: '' },
      ],
    });
    expect(state.frameworks.map((framework) => framework.registeredTime)).toEqual([undefined, undefined]);
  });

  it('a running status without a usable timestamp gives no start time (not 1970)', () => {
    expect(parseTask({ id: 't', statuses: [{ state: 'TASK_RUNNING', timestamp: 'soon' }] }).startedAt).toBeUndefined();
    expect(parseTask({ id: 't', statuses: [{ state: 'TASK_RUNNING', timestamp: 1_460_000_000.5 }] }).startedAt).toBe(1_460_000_000.5);
  });

  it('"activated_slaves": "" counts the active agents instead of saying "0 agents"', () => {
    const state = parseMasterState({ activated_slaves: '', deactivated_slaves: -1, slaves: [{ id: 'a1' }, { id: 'a2' }] });
    expect(state.activatedAgents).toBe(2);
    expect(state.deactivatedAgents).toBe(0);
  });

  it('a fractional or negative agent count is not reported as such', () => {
    const state = parseMasterState({ activated_slaves: 1.5, deactivated_slaves: -2, slaves: [{ id: 'a1', active: false }] });
    expect(state.activatedAgents).toBe(0);
    expect(state.deactivatedAgents).toBe(1);
  });

  it('"slaves" of the wrong type does not hide the agents listed under "agents"', () => {
    expect(parseMasterState({ slaves: {}, agents: [{ id: 'a1' }] }).agents.map((agent) => agent.id)).toEqual(['a1']);
  });

  it('tasks that name no agent are not added to the used resources of an agent that names no id', () => {
    const state = parseMasterState({
      slaves: [{ resources: { cpus: 4 } }],
      frameworks: [{ tasks: [{ id: 't', state: 'TASK_RUNNING', resources: { cpus: 3 } }] }],
    });
    expect(state.agents[0]!.usedResources.cpus).toBe(0);
  });

  it('an empty version reads as unknown, not as "Mesos " with nothing after it', () => {
    expect(parseMasterState({ version: '' }).version).toBe('unknown');
    expect(parseAgentState({ version: '' }).version).toBe('unknown');
    expect(parseTask({ id: 't', state: '' }).state).toBe('TASK_UNKNOWN');
  });

  it('an agent state lists only task ids that are there', () => {
    const state = parseAgentState({ frameworks: [{ id: 'f', executors: [{ id: 'e', tasks: [{ id: 't1' }, {}, null, 'junk'] }] }] });
    expect(state.executors[0]!.taskIds).toEqual(['t1']);
  });

  it('30k running tasks on one agent without used_resources parse in a second or two, not 38 s, with cpus rounded', () => {
    const tasks = Array.from({ length: 30_000 }, (_, index) => ({
      id: `t${index}`,
      slave_id: 'a0',
      state: 'TASK_RUNNING',
      resources: { cpus: 0.1, mem: 32, ports: `[${31000 + (index % 1000)}-${31000 + (index % 1000)}]` },
    }));
    const started = performance.now();
    const state = parseMasterState({ slaves: [{ id: 'a0' }], frameworks: [{ id: 'f', tasks }] });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(state.agents[0]!.usedResources).toMatchObject({ cpus: 3000, mem: 960_000 });
    expect(state.agents[0]!.usedResources.ports).toHaveLength(30_000);
  });
});

/** Shapes that other projects' captures of real masters have (DC/OS UI, Datadog, Mesos 0.22–1.2), rebuilt as small made-up inputs. */
describe('Mesos state as other versions and endpoints send it', () => {
  it('/state-summary counts tasks per state instead of listing them: the counts are kept (live states only)', () => {
    const state = parseMasterState({
      frameworks: [{ id: 'f', name: 'cassandra', TASK_RUNNING: 3, TASK_STAGING: 1, TASK_FINISHED: 7, TASK_KILLED: 2, TASK_ERROR: 0 }],
      slaves: [{ id: 'a', TASK_RUNNING: 3 }],
    });
    expect(state.frameworks[0]!.taskStates).toEqual([
      { state: 'TASK_STAGING', count: 1 },
      { state: 'TASK_RUNNING', count: 3 },
    ]);
  });

  it('Mesos 1.1+ keeps tasks on a lost agent under unreachable_tasks: they are read and counted, apart from the live ones', () => {
    const framework = parseMasterState({
      frameworks: [
        {
          id: 'f',
          tasks: [{ id: 'web.1', state: 'TASK_RUNNING', slave_id: 'a1' }],
          unreachable_tasks: [{ id: 'web.2', state: 'TASK_UNREACHABLE', slave_id: 'a2' }],
          // A listed framework's counters are not read: the lists say it all.
          TASK_RUNNING: 9,
        },
      ],
    }).frameworks[0]!;
    expect(framework.tasks.map((task) => task.id)).toEqual(['web.1']);
    expect(currentTasks(framework).map((task) => `${task.id} ${task.state}`)).toEqual(['web.1 TASK_RUNNING', 'web.2 TASK_UNREACHABLE']);
    expect(framework.taskStates).toEqual([
      { state: 'TASK_RUNNING', count: 1 },
      { state: 'TASK_UNREACHABLE', count: 1 },
    ]);
  });

  it('a task state named like an Object property is counted, not looked up on a prototype', () => {
    const [framework] = parseMasterState({
      frameworks: [
        {
          tasks: [
            { id: 't', state: '__proto__' },
            { id: 'u', state: 'constructor' },
          ],
        },
      ],
    }).frameworks;
    expect(framework!.taskStates).toEqual([
      { state: '__proto__', count: 1 },
      { state: 'constructor', count: 1 },
    ]);
  });

  it('Mesos 1.9+: an agent an operator deactivated or drains stays connected but takes no tasks: not active, and why', () => {
    const agents = parseMasterState({
      slaves: [
        { id: 'a1', active: true },
        { id: 'a2', active: true, deactivated: true, drain_info: { state: 'DRAINING', config: {} } },
        { id: 'a3', active: true, deactivated: true, drain_info: { state: 'DRAINED' } },
        { id: 'a4', active: true, deactivated: true },
        { id: 'a5', active: true, deactivated: true, drain_info: { state: 'x'.repeat(100_000) } },
        { id: 'a6', active: false },
      ],
    }).agents;
    expect(agents.map((agent) => [agent.active, agent.outOfService])).toEqual([
      [true, undefined],
      [false, 'draining'],
      [false, 'drained'],
      [false, 'deactivated'],
      [false, 'deactivated'],
      [false, undefined],
    ]);
  });

  it.each([
    ['master@10.0.0.5:5050', '10.0.0.5:5050'],
    ['slave(1)@agent-1.example:5051', 'agent-1.example:5051'],
    ['slave(1)@[2001:db8::7]:5051', '[2001:db8::7]:5051'],
    ['slave(1)@2001:db8::7:5051', '[2001:db8::7]:5051'],
    ['', ''],
  ])('the address in pid %s is %s (an IPv6 address bracketed, as a URL needs it)', (pid, address) => {
    expect(pidAddress(pid)).toBe(address);
    if (address !== '') expect(() => new URL(`http://${address}/state`)).not.toThrow();
  });

  it('an agent listed without a pid is reached at its hostname and port (5051 unless named); one with neither has no address', () => {
    const agents = parseMasterState({
      slaves: [
        { id: 'a1', pid: 'slave(1)@10.0.0.7:5051', hostname: 'ignored' },
        { id: 'a2', hostname: 'agent-2.example' },
        // Mesos 1.4's /master/slaves names the port beside the hostname.
        { id: 'a3', hostname: 'fd00::3', port: 5052 },
        { id: 'a4', port: 'none' },
      ],
    }).agents;
    expect(agents.map(agentAddress)).toEqual(['10.0.0.7:5051', 'agent-2.example:5051', '[fd00::3]:5052', '']);
  });

  it("Mesos 1.3+ lists a MULTI_ROLE framework's roles (Marathon 1.9+ registers so) in place of its one role", () => {
    const frameworks = parseMasterState({
      frameworks: [
        { id: 'f1', name: 'marathon', roles: ['slave_public', 'dev/team-1', ''] },
        { id: 'f2', name: 'chronos', role: 'batch' },
        { id: 'f3', name: 'old' },
        { id: 'f4', name: 'empty', roles: [], role: '' },
      ],
    }).frameworks;
    expect(frameworks.map((framework) => framework.roles)).toEqual([['slave_public', 'dev/team-1'], ['batch'], ['*'], ['*']]);
  });

  it("an agent's reservations by role are read (a DC/OS public agent is reserved whole for slave_public); none for * or empty", () => {
    const [agent] = parseMasterState({
      slaves: [
        {
          id: 'a1',
          resources: { cpus: 4, mem: 14018, ports: '[1-21, 23-5050]' },
          reserved_resources: {
            slave_public: { cpus: 4, mem: 14018, disk: 0, gpus: 0, ports: '[1-21, 23-5050]' },
            '*': { cpus: 1 },
            nothing: { cpus: 0, mem: 0, ports: '[]' },
            listed: 'wrong type',
          },
        },
      ],
    }).agents;
    expect(agent!.reserved).toEqual([
      {
        role: 'slave_public',
        resources: {
          cpus: 4,
          mem: 14018,
          disk: 0,
          gpus: 0,
          ports: [
            { begin: 1, end: 21 },
            { begin: 23, end: 5050 },
          ],
        },
      },
    ]);
  });
});
