import { describe, expect, it } from 'vitest';
import { whyNoTaskRuns } from '../../src/checks/diagnose.js';
import { parseMarathonApp } from '../../src/clients/marathon-model.js';
import { parseMasterState } from '../../src/clients/mesos-model.js';

/** One agent of 1 cpu and 1024 MB, 0.5 cpus and ports 31000-31099 of it reserved for role logstash (minimesos: `cpus(logstash):0.5`). */
const state = (frameworks: unknown[] = []) =>
  parseMasterState({
    slaves: [
      {
        id: 'a1',
        hostname: 'agent-1',
        resources: { cpus: 1, mem: 1024, ports: '[31000-32000]' },
        used_resources: { cpus: 0, mem: 0 },
        reserved_resources: { logstash: { cpus: 0.5, mem: 0, ports: '[31000-31099]' } },
      },
    ],
    frameworks,
  });
/** A Marathon app that asks for 1 cpu and runs nothing yet. */
const app = (fields: Record<string, unknown> = {}) =>
  parseMarathonApp({ id: '/web', cpus: 1, mem: 128, instances: 1, tasksRunning: 0, ...fields });

describe('why no task of an app runs, on agents with reserved resources', () => {
  it('an app of no role cannot get what is reserved for another: the agent has 0.5 cpus for it, not 1', () => {
    expect(whyNoTaskRuns(app(), state())).toBe(
      'no agent has 1 cpus and 128 MB free for its task (the most one has: 0.5 cpus, 1024 MB, leaving out what is reserved for other roles): ask for less',
    );
  });

  it.each([
    ['its role (Marathon 1.9+)', { role: 'logstash' }, []],
    ['a role below the reserved one', { role: 'logstash/web' }, []],
    ['acceptedResourceRoles (Marathon before 1.9)', { acceptedResourceRoles: ['*', 'logstash'] }, []],
    ["Marathon's own role (before 1.9 apps get it by default)", {}, [{ id: 'm', name: 'marathon', role: 'logstash' }]],
  ])('an app may use the reservation through %s: nothing keeps its task from the agent', (_how, fields, frameworks) => {
    expect(whyNoTaskRuns(app(fields), state(frameworks))).toBeUndefined();
  });

  it("a fixed host port in another role's reservation is one no agent offers the app", () => {
    const why = whyNoTaskRuns(app({ cpus: 0.1, requirePorts: true, portDefinitions: [{ port: 31050 }] }), state());
    expect(why).toBe('it asks for host port 31050, which no agent offers (they offer 31100-32000): use hostPort 0 for any free one');
  });
});

describe('why no task of an app runs, when its agent is out of touch', () => {
  it('Marathon 1.4+ lists the task of a lost agent as TASK_UNREACHABLE: the reason says so, and when Marathon replaces it', () => {
    const lost = { id: 'web.1', appId: '/web', host: 'agent-1', state: 'TASK_UNREACHABLE', startedAt: '2020-07-01T10:00:00.000Z' };
    expect(
      whyNoTaskRuns(app({ tasks: [lost], unreachableStrategy: { inactiveAfterSeconds: 300, expungeAfterSeconds: 600 } }), state()),
    ).toBe(
      'its task is unreachable: the master lost touch with the agent it runs on (is the agent up?); Marathon starts a replacement 300 s after that',
    );
    expect(whyNoTaskRuns(app({ instances: 2, tasks: [lost, { ...lost, id: 'web.2' }] }), state())).toMatch(
      /^2 of its tasks are unreachable: .*as its unreachableStrategy says$/,
    );
  });
});
