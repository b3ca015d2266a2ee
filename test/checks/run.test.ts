import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterView } from '../../src/checks/cluster-view.js';
import { checkSchema, type Exercise, type Step } from '../../src/checks/exercise.js';
import { checkSteps } from '../../src/checks/run.js';
import { readJsonFixture } from '../support/fixtures.js';
import { checkClients, serveRoutes } from './support.js';

const step = (id: string, check: unknown, timeoutSeconds?: number): Step =>
  ({
    id,
    title: id,
    do: 'Do it.',
    hint: ['A hint.'],
    solution: 'The answer.',
    check: checkSchema.parse(check),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
  }) as Step;

describe('a run: every step at once, each with its own deadline', () => {
  const clients = checkClients();
  let slow: Awaited<ReturnType<typeof serveRoutes>>;
  let master: Awaited<ReturnType<typeof serveRoutes>>;
  beforeAll(async () => {
    const later = (ms: number, body: unknown) => () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body }), ms));
    // Pages that answer only once all three are asked: checked one after the other, the first never
    // answers. This shows the parallel checks without timing them, which a loaded machine can upset.
    const asked: Array<() => void> = [];
    const together = (body: string) => () =>
      new Promise((resolve) => {
        asked.push(() => resolve({ status: 200, body }));
        if (asked.length === 3) for (const answer of asked.splice(0)) answer();
      });
    slow = await serveRoutes({
      '/a': later(800, 'a'),
      '/together/a': together('a'),
      '/together/b': together('b'),
      '/together/c': together('c'),
      '/v2/apps': () => 'hang',
    });
    master = await serveRoutes({ '/state': readJsonFixture('mesos-state/minimesos-ParseStateJSONTest-master-state-0.22.1.json') });
  });
  afterAll(async () => {
    await Promise.all([slow?.stop(), master?.stop()]);
    await clients.close();
  });

  const run = (steps: Step[], exercise: Partial<Exercise> = {}) =>
    checkSteps(
      exercise as Exercise,
      steps,
      new ClusterView({ cluster: { kind: 'attached', endpoints: { master: master.url, marathon: slow.url } }, access: clients.access }),
    );

  it('three slow pages are checked in parallel, not one after the other', async () => {
    const outcomes = await run(['a', 'b', 'c'].map((page) => step(page, { type: 'http', url: `${slow.url}/together/${page}` })));
    expect([...outcomes.values()].map((outcome) => outcome.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('a Marathon that hangs fails its step with the reason at its deadline; the others do not wait for it', async () => {
    const started = Date.now();
    const outcomes = await run(
      [
        step('app', { type: 'marathon-app', id: 'nginx' }),
        step('agents', { type: 'agents', count: 3 }),
        step('es', { type: 'framework', name: 'elasticsearch' }),
      ],
      { timeoutSeconds: 1 },
    );
    expect(Date.now() - started).toBeLessThan(1800);
    expect(outcomes.get('app')).toEqual({ status: 'error', detail: `Marathon at ${slow.url} did not answer in 1 s.` });
    expect(outcomes.get('agents')).toMatchObject({ status: 'pass' });
    expect(outcomes.get('es')).toMatchObject({ status: 'pass' });
  });

  it("a step's own timeoutSeconds wins over the exercise's", async () => {
    const outcomes = await run([step('a', { type: 'http', url: `${slow.url}/a` }, 0.3)], { timeoutSeconds: 5 });
    expect(outcomes.get('a')).toEqual({ status: 'error', detail: `${slow.url}/a did not answer in 0.3 s.` });
  });

  it("the master's state is read once, however many steps need it", async () => {
    const before = master.asked.length;
    await run([
      step('one', { type: 'agents', count: 3 }),
      step('two', { type: 'framework', name: 'elasticsearch' }),
      step('three', { type: 'cluster' }),
    ]);
    expect(master.asked.slice(before)).toEqual(['/state']);
  });
});
