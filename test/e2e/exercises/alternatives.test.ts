import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarathonClient } from '../../../src/clients/marathon.js';
import { testRedisUrl, testZookeeper } from '../../support/services.js';
import { until } from '../../support/until.js';
import { type AttendeeCluster, attendeeCluster, type CheckBot, stepLine } from './support.js';

const needs = testRedisUrl() && testZookeeper();

/**
 * What an attendee who solved steps their own way reads in /check (through Bolt's receiver): Weave
 * Scope in a group passes exercise 2, and a misspelled nginx image is named in exercise 3's first step.
 */
describe.skipIf(!needs)("/check on apps deployed the attendee's own way (e2e)", () => {
  const user = 'U0OWNWAY';
  let world: AttendeeCluster;
  let bot: CheckBot;
  let marathon: MarathonClient;

  beforeAll(async () => {
    world = await attendeeCluster(user, { agents: 1, taskStartDelayMs: 30 });
    ({ bot, marathon } = world);
  });
  afterAll(() => world?.stop());

  const docker = (id: string, image: string) => ({
    id,
    cpus: 0.1,
    mem: 32,
    container: { type: 'DOCKER', docker: { image, network: 'HOST' } },
  });
  const runs = (id: string) => until(async () => (await marathon.apps()).some((app) => app.id === id && app.tasksRunning === 1));

  it('Weave Scope deployed as /workshop/weave-scope: exercise 2 passes all five steps', async () => {
    await marathon.createApp(docker('/workshop/weave-scope', 'weaveworks/scope:0.13.1'));
    await runs('/workshop/weave-scope');
    const reply = await bot.command('/check', 'mesos-ui', user);
    expect(reply.text).toContain('5 of 5 steps done');
    expect(stepLine(reply, 'Weave Scope runs as a task')).toContain('image weaveworks/scope: 1 task running');
  });

  it('nginx created with a misspelled image: step 1 names the app and its image, step 2 says the same', async () => {
    await marathon.createApp(docker('nginx', 'ngnix'));
    await runs('/nginx');
    const reply = await bot.command('/check', 'marathon', user);
    expect(stepLine(reply, 'Create nginx in Marathon')).toMatch(
      /^❌ .*Marathon has no app with image nginx \(its apps: \/workshop\/weave-scope with image weaveworks\/scope:0\.13\.1, \/nginx with image ngnix\)$/,
    );
    expect(stepLine(reply, "Reach nginx on the agent's address")).toContain(
      'no task of image nginx is running, so there is nothing to reach',
    );
  });
});
