import { describe, expect, it } from 'vitest';
import { parseDeployment, parseMarathonApp, parseMarathonInfo, parseMarathonTask } from '../../src/clients/marathon-model.js';

/** Regressions found by test/clients/parsers-fuzz.test.ts: what a user would have seen, and the smallest input that did it. */
describe('Marathon answers from a broken or hostile Marathon', () => {
  it('a task port that is not a port is left out, not shown as port 0 (or 9007199254740992)', () => {
    expect(parseMarathonTask({ id: 't', ports: [31000, 'web', null, 2 ** 53, -1, 70000, '31001'] }).ports).toEqual([31000, 31001]);
  });

  it('negative, fractional or non-numeric instance and task counts fall back instead of being shown', () => {
    const app = parseMarathonApp({
      id: '/web',
      instances: -1,
      tasksRunning: 1.5,
      tasksStaged: 'NaN',
      tasksHealthy: -3,
      cpus: -0.5,
      mem: '',
      tasks: [{ id: 'web.1', state: 'TASK_RUNNING' }],
    });
    expect(app).toMatchObject({ instances: 1, tasksRunning: 1, tasksStaged: 0, tasksHealthy: 0, cpus: 0, mem: 0 });
  });

  it('a deployment without an id is no deployment (never a blank "deploying" line)', () => {
    expect(parseMarathonApp({ id: '/web', deployments: [{}, { id: 5 }, { id: 'd1' }, null] }).deployments).toEqual(['d1']);
  });

  it('a last task failure whose state is not text is no failure', () => {
    expect(parseMarathonApp({ id: '/web', lastTaskFailure: { state: {}, message: 'x' } }).lastTaskFailure).toBeUndefined();
  });

  it('a task whose startedAt is junk is not called running', () => {
    expect(parseMarathonTask({ id: 't', startedAt: {} }).state).toBe('TASK_STAGING');
    expect(parseMarathonTask({ id: 't', state: '', startedAt: '2016-05-02T10:00:00.000Z' }).state).toBe('TASK_RUNNING');
  });

  it('a deployment step count that is negative or fractional is not shown as "step -1 of 2.5"', () => {
    const deployment = parseDeployment({ id: 'd', currentStep: -1, totalSteps: 2.5, affectedApps: ['/web', '', 3] });
    expect(deployment).toMatchObject({ currentStep: 0, totalSteps: 0, affectedApps: ['/web'] });
  });

  it('an empty Marathon version reads as unknown', () => {
    expect(parseMarathonInfo({ version: '' }).version).toBe('unknown');
  });
});
