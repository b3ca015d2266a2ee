import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_EXERCISE_KEY } from '../../../src/checks/service.js';
import type { MarathonClient } from '../../../src/clients/marathon.js';
import { testRedisUrl, testZookeeper, zookeeperChroot } from '../../support/services.js';
import { until } from '../../support/until.js';
import { type AttendeeCluster, attendeeCluster, type CheckBot, exerciseJson, type Reply, stepLine } from './support.js';

const needs = testRedisUrl() && testZookeeper();

/**
 * The Marathon exercise end to end on a simulated cluster, driven as an attendee would: Marathon's
 * REST API (what its UI does) and /cluster install, /check through Bolt's receiver, buttons included.
 */
describe.skipIf(!needs)('/check marathon: create → reachable → destroy → start again → scale to 3 → scale to 1 (e2e)', () => {
  const user = 'U0MARATHON';
  let world: AttendeeCluster;
  let bot: CheckBot;
  let marathon: MarathonClient;

  beforeAll(async () => {
    world = await attendeeCluster(user, {
      agents: 1,
      clusterName: 'ada',
      taskStartDelayMs: 50,
      zookeeper: await zookeeperChroot('check-marathon'),
    });
    ({ bot, marathon } = world);
  });
  afterAll(() => world?.stop());

  const check = (text = 'marathon') => bot.command('/check', text, user);
  /** Waits until Marathon has settled the app as asked (or removed it). */
  const settled = (instances: number) =>
    until(async () => {
      const apps = await marathon.apps();
      const nginx = apps.find((app) => app.id === '/nginx');
      return instances === 0 ? !nginx : nginx?.tasksRunning === instances && nginx.deployments.length === 0;
    });
  const icons = (reply: Reply) =>
    [
      'Create nginx in Marathon',
      "Reach nginx on the agent's address",
      "Destroy nginx in Marathon's UI",
      'Start nginx again',
      'Scale nginx to 3 instances',
      'Scale nginx back to 1 instance',
    ].map((title) => stepLine(reply, title).slice(0, 1));
  let first: Reply;

  it('before anything: the first step fails with its hint, later steps wait for the ones before them', async () => {
    first = await check();
    expect(first.text).toContain('== 3. Marathon ==');
    expect(first.text).toContain('0 of 6 steps done');
    expect(icons(first)).toEqual(['❌', '❌', '⏳', '⏳', '⏳', '⏳']);
    expect(stepLine(first, 'Create nginx in Marathon')).toContain('Marathon has no app with image nginx');
    expect(stepLine(first, "Destroy nginx in Marathon's UI")).toContain('waits for "Create nginx in Marathon"');
    expect(first.text).toContain("Hint 1 of 2: Marathon's UI is at the MINIMESOS_MARATHON address");
    expect(Object.keys(first.buttons)).toEqual(['check.again', 'check.hint', 'check.solution']);
  });

  it('nginx created in the UI (POST /v2/apps): created and reachable on the agent, destroy now due', async () => {
    await marathon.createApp({
      id: 'nginx',
      cpus: 0.1,
      mem: 64,
      instances: 1,
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'HOST' } },
    });
    await settled(1);
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '❌', '⏳', '⏳', '⏳']);
    expect(stepLine(reply, "Reach nginx on the agent's address")).toMatch(
      /http:\/\/127\.\d+\.\d+\.\d+:80\/ answered HTTP 200 with "Welcome to nginx!"/,
    );
    expect(stepLine(reply, "Destroy nginx in Marathon's UI")).toContain('Marathon still has /nginx (image nginx): 1 instance, 1 running');
    // "Start again" holds now, but it must not count before the destroy happened.
    expect(stepLine(reply, 'Start nginx again')).toContain('what it checks holds already');
  });

  it('destroying nginx passes the destroy step and does not undo "create" (shown with when it passed)', async () => {
    await marathon.deleteApp('nginx');
    await settled(0);
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '❌', '⏳', '⏳']);
    expect(stepLine(reply, 'Create nginx in Marathon')).toMatch(/passed at \d\d:\d\d UTC$/);
    expect(stepLine(reply, 'Start nginx again')).toContain('Marathon has no app with image nginx');
  });

  it('started again with /cluster install, scaled to 3 with /cluster install --update, back to 1 through the REST API', async () => {
    const installed = await bot.command('/cluster', `install ${exerciseJson('files/marathon/nginx.json')}`, user);
    expect(installed.text).toContain('Installed app `/nginx`');
    await settled(1);
    let reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '❌', '⏳']);
    expect(stepLine(reply, 'Scale nginx to 3 instances')).toContain('this step needs 3 instances');

    // The solution's way without Marathon's UI: a partial update, as PUT /v2/apps/nginx takes it.
    const scaled = await bot.command('/cluster', 'install --update ```{"id": "/nginx", "instances": 3}```', user);
    expect(scaled.text).toContain('Updated app `/nginx`');
    await settled(3);
    reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '✅', '❌']);

    await marathon.scaleApp('nginx', 1);
    await settled(1);
    reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '✅', '✅', '✅']);
    expect(reply.text).toContain('6 of 6 steps done');
    expect(reply.text).toContain('Every step passes');
    expect(Object.keys(reply.buttons)).toEqual(['check.again']);
  });

  it('buttons: only the owner may press them; hints come one by one, then the solution', async () => {
    const someoneElse = await bot.press('check.hint', first.buttons['check.hint']!, 'U0NEIGHBOUR');
    expect(someoneElse.ackMs).toBeLessThan(2000);
    expect(someoneElse.text).toContain(`These buttons belong to <@${user}>'s check, so nothing was changed`);
    const progress = await bot.slack.bot.services.checks.progress.get(user, 'marathon');
    expect(progress.create!.hintsShown).toBe(0);

    const hint = await bot.press('check.hint', first.buttons['check.hint']!, user);
    expect(hint.text).toContain('*Create nginx in Marathon* — hint 2 of 2: The app needs only an id');
    const last = await bot.press('check.hint', first.buttons['check.hint']!, user);
    expect(last.text).toContain('That was the last hint');
    const solution = await bot.press('check.solution', first.buttons['check.solution']!, user);
    expect(solution.text).toContain('Create → id `nginx` → Docker container settings');
    const recorded = await bot.slack.bot.services.checks.progress.get(user, 'marathon');
    expect(recorded.create).toMatchObject({ hintsShown: 2, solutionShownAt: expect.any(Number) });
    expect(recorded.create!.attempts).toBeGreaterThanOrEqual(2);

    const again = await bot.press('check.again', first.buttons['check.again']!, user);
    expect(again.text).toContain('6 of 6 steps done');
  });

  it('/check progress and /check list', async () => {
    const progress = await check('progress');
    expect(progress.text).toMatch(/\*3\. Marathon\* — 6 of 6 \(last passed at \d\d:\d\d UTC\)/);
    expect(progress.text).toContain('*4. Frameworks: Mesos Elasticsearch* — 0 of 7');
    const list = await check('list');
    expect(list.text).toContain('*1. Minimesos basics* (`minimesos-basics`, 4 steps, 15 min)');
    expect(list.text).toContain('*6. Bonus: ELK on Mesos*');
  });

  it('/check --again forgets the passes and checks from scratch', async () => {
    const reply = await check('marathon --again');
    expect(icons(reply)).toEqual(['✅', '✅', '❌', '⏳', '⏳', '⏳']);
    expect(reply.text).toContain('2 of 6 steps done');
  });

  it('/check alone: the exercise the instructor started, else the first one this attendee has not finished', async () => {
    const redis = bot.slack.bot.services.store.redis;
    await redis.del(CURRENT_EXERCISE_KEY);
    expect((await check('')).text).toContain('== 1. Minimesos basics ==');
    await redis.set(CURRENT_EXERCISE_KEY, 'marathon');
    expect((await check('')).text).toContain('== 3. Marathon ==');
    await redis.del(CURRENT_EXERCISE_KEY);
  });
});
