import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomChange } from '../../src/board/changes.js';
import { CURRENT_EXERCISE_KEY } from '../../src/checks/service.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { NUDGE_TAG, SUMMARY_TAG } from '../../src/workshop/checkins.js';
import { type CheckBot, startCheckBot } from '../e2e/exercises/support.js';
import type { PostedMessage } from '../support/fake-slack.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { until } from '../support/until.js';
import { startCheckinWorker } from './harness.js';

const INSTRUCTOR = 'U0TEACH';
const EXERCISE = 'mesos-ui';
const MINUTE = 60_000;
/** What a simulated cluster passes of exercise 2 (it runs no Weave Scope). */
const FIRST_THREE = ['master-ui', 'marathon-framework', 'agents-tab'];
const SCOPE_RUNNING_HINT = "Weave Scope is installed by the minimesosFile's Marathon app.";

const env = (prefix: string) => ({
  REDIS_URL: testRedisUrl()!,
  WORKSHOP_KEY_PREFIX: prefix,
  INSTRUCTORS: INSTRUCTOR,
  ATTACH_ALLOW: '127.0.0.0/8',
  CHECKIN_STUCK_MINUTES: '5',
});

/** A bot of its own (a fresh key prefix) with its check-in commands at hand. */
async function startRoom(name: string): Promise<{ slack: SlackBotUnderTest; bot: CheckBot }> {
  const slack = await startSlackBot({ env: env(uniquePrefix(name).slice(0, -1)) });
  return { slack, bot: await startCheckBot(slack) };
}

const isTagged = (type: string) => (message: PostedMessage) => message.metadata?.event_type === type;

/** The check-in summaries the instructor got so far, waiting until there are `count`. */
async function summaries(slack: SlackBotUnderTest, count: number): Promise<PostedMessage[]> {
  await until(async () => slack.fake.dmsTo(INSTRUCTOR).filter(isTagged(SUMMARY_TAG)).length >= count, 30_000, 50);
  return slack.fake.dmsTo(INSTRUCTOR).filter(isTagged(SUMMARY_TAG));
}

const shown = (message: PostedMessage) => JSON.stringify(message.blocks);

/** The value of a nudge's "Stop nudging me" button. */
const quietButtonOf = (nudge: PostedMessage) =>
  (JSON.parse(shown(nudge)) as Array<{ elements?: Array<{ action_id: string; value: string }> }>)
    .flatMap((block) => block.elements ?? [])
    .find((element) => element.action_id === 'check.quiet')!.value;

/**
 * A room in exercise 2, through Bolt's receiver and a fake Slack, on simulated clusters: Ada has
 * finished, Alan and Eve have passed nothing for ten minutes, Bea never checked, Cat has no cluster
 * and Dan's is still being built.
 */
describe.skipIf(!testRedisUrl())('/workshop checkins: sweeps, nudges and summaries', () => {
  let bot: CheckBot;
  let slack: SlackBotUnderTest;
  let cluster: SimulatedCluster;
  let worker: Worker | undefined;

  beforeAll(async () => {
    ({ slack, bot } = await startRoom('checkins'));
    const { services } = slack.bot;
    cluster = await startSimulatedCluster({ agents: 1 });
    const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls };
    const tenMinutesAgo = Date.now() - 10 * MINUTE;
    for (const user of ['U0ADA', 'U0ALAN', 'U0BEA', 'U0CAT', 'U0DAN', 'U0EVE', INSTRUCTOR]) await services.attendees.register(user);
    for (const user of ['U0ADA', 'U0ALAN', 'U0BEA', 'U0EVE', INSTRUCTOR]) await services.clusters.attach(user, endpoints);
    await services.clusters.registry.claim({ attendee: 'U0DAN', kind: 'provisioned', status: 'provisioning', clusterId: 'U0DAN' });
    const steps = services.checks.find(EXERCISE).steps.map((step) => step.id);
    await services.checks.progress.record('U0ADA', EXERCISE, { passed: steps, attempted: steps }, tenMinutesAgo);
    for (const user of ['U0ALAN', 'U0EVE'])
      await services.checks.progress.record(
        user,
        EXERCISE,
        { passed: FIRST_THREE, attempted: [...FIRST_THREE, 'scope-running'] },
        tenMinutesAgo,
      );
  });
  afterAll(async () => {
    await worker?.close();
    await bot?.stop();
    await cluster?.stop();
  });

  const command = async (text: string, user = INSTRUCTOR) => (await bot.command('/workshop', text, user)).text;
  const nudgesTo = (user: string) => slack.fake.dmsTo(user).filter(isTagged(NUDGE_TAG));
  const queuedJobs = async () => {
    const counts = await slack.bot.services.queues.get('checkins').getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };

  it('refuses every checkins subcommand to an attendee, and changes nothing', async () => {
    for (const text of ['checkins', 'checkins on', 'checkins on every 5m', 'checkins off', 'checkins now']) {
      expect(await command(text, 'U0BEA'), text).toContain('/workshop is for instructors only.');
    }
    expect(await slack.bot.services.checkins.schedule()).toBeUndefined();
    expect(await queuedJobs()).toBe(0);
  });

  it('says clearly that nothing can be checked while no exercise runs, and changes nothing', async () => {
    expect(await command('checkins on')).toContain(
      'Check-ins are not on: no exercise is running in the room, so there is nothing to check attendees against.',
    );
    expect(await command('checkins now')).toContain('No sweep was started: no exercise is running in the room');
    expect(await command('checkins now')).toContain('/workshop start <exercise>');
    expect(await slack.bot.services.checkins.schedule()).toBeUndefined();
    expect(await queuedJobs()).toBe(0);
  });

  it('explains what is wrong with an interval or a word it does not know', async () => {
    const cases: Array<[string, string]> = [
      ['checkins on every 30s', 'Every 30s is too often: check-ins sweep at most once a minute.'],
      ['checkins on every 3h', 'Every 3h is too rare: check-ins sweep at least every 2 hours.'],
      ['checkins on every 10', '"10" has no unit.'],
      ['checkins on every soon', '"soon" is not a duration.'],
      ['checkins on every', '`every` needs a duration.'],
      ['checkins on 10m', '"10m" is not something /workshop checkins on understands.'],
      ['checkins off now', '/workshop checkins off takes nothing after it'],
      ['checkins sometimes', '"sometimes" is not something /workshop checkins understands.'],
      ['checkins every 5m', '`every` goes after `on`.\nWrite `/workshop checkins on every 10m`'],
    ];
    for (const [text, error] of cases) expect(await command(text), text).toContain(error);
    expect(await slack.bot.services.checkins.schedule()).toBeUndefined();
  });

  it('checks every attendee with a cluster, records progress as /check does, nudges the stuck ones and sums up for the instructor', async () => {
    await slack.bot.services.store.redis.set(CURRENT_EXERCISE_KEY, EXERCISE);
    const changes: RoomChange[] = [];
    const unlisten = slack.bot.services.changes.listen((change) => changes.push(change));
    worker = startCheckinWorker(slack.bot);

    expect(await command('checkins now')).toContain(':mag: Checking the room now against *2. Mesos UI & Weave Scope*');
    const [summary] = await summaries(slack, 1);

    expect(summary!.text).toBe('Check-in: 2. Mesos UI & Weave Scope: 1 of 4 done, 2 stuck');
    expect(shown(summary!)).toContain('4 clusters checked: 1 done, 1 moving on, 2 stuck · 2 without a ready cluster');
    expect(shown(summary!)).toContain('Stuck on *Weave Scope runs as a task*, 2 (2 nudged now): <@U0ALAN>, <@U0EVE>');
    expect(shown(summary!)).toContain('*Without a ready cluster*, 2: <@U0CAT>, <@U0DAN>');
    expect(shown(summary!)).not.toContain(INSTRUCTOR);
    for (const user of ['U0ALAN', 'U0EVE']) {
      const [nudge, ...more] = nudgesTo(user);
      expect(more).toEqual([]);
      expect(shown(nudge!)).toContain('Still on *Weave Scope runs as a task*');
      expect(shown(nudge!)).toContain(SCOPE_RUNNING_HINT);
      expect(shown(nudge!)).toContain('Stop nudging me');
    }
    for (const user of ['U0ADA', 'U0BEA', 'U0CAT', 'U0DAN']) expect(nudgesTo(user), user).toEqual([]);
    // DMs are posted with the user id as the channel, never through conversations.open.
    expect(slack.fake.callsOf('conversations.open')).toEqual([]);
    expect(slack.fake.callsOf('chat.postMessage').map((call) => call.body.channel)).toEqual(
      expect.arrayContaining(['U0ALAN', 'U0EVE', INSTRUCTOR]),
    );
    // Bea never checked: the sweep's check is her first, recorded as /check records it.
    const bea = await slack.bot.services.checks.progress.get('U0BEA', EXERCISE);
    for (const step of FIRST_THREE) expect(bea[step]?.passedAt, step).toBeGreaterThan(Date.now() - MINUTE);
    expect(bea['scope-running']).toMatchObject({ attempts: 1 });
    await until(async () => changes.some((change) => change.kind === 'progress' && change.user === undefined), 5000, 20);
    unlisten();
  });

  it('nudges a stuck attendee once per step, however many sweeps find them stuck there', async () => {
    expect(await command('checkins now')).toContain('Checking the room now');
    const second = (await summaries(slack, 2))[1]!;
    expect(shown(second)).toContain('Stuck on *Weave Scope runs as a task*, 2: <@U0ALAN>, <@U0EVE>');
    expect(nudgesTo('U0ALAN')).toHaveLength(1);
    expect(nudgesTo('U0EVE')).toHaveLength(1);
  });

  it('"Stop nudging me" is for its attendee only, and holds on the next step', async () => {
    const value = quietButtonOf(nudgesTo('U0ALAN')[0]!);
    expect((await bot.press('check.quiet', value, 'U0EVE')).text).toContain(
      "These buttons belong to <@U0ALAN>'s check, so nothing was changed.",
    );
    expect(await slack.bot.services.checkins.isQuiet('U0EVE')).toBe(false);
    expect(await slack.bot.services.checkins.isQuiet('U0ALAN')).toBe(false);
    expect((await bot.press('check.quiet', value, 'U0ALAN')).text).toContain(
      'No more nudges from check-ins for the rest of this workshop.',
    );

    // Both pass Weave Scope's step and then stay ten minutes on the next one.
    for (const user of ['U0ALAN', 'U0EVE'])
      await slack.bot.services.checks.progress.record(
        user,
        EXERCISE,
        { passed: ['scope-running'], attempted: ['scope-running'] },
        Date.now() - 10 * MINUTE,
      );
    await command('checkins now');
    const third = (await summaries(slack, 3))[2]!;
    expect(shown(third)).toContain("Stuck on *Open Weave Scope's UI*, 2 (1 nudged now, 1 asked not to be nudged)");
    expect(nudgesTo('U0ALAN')).toHaveLength(1);
    expect(nudgesTo('U0EVE')).toHaveLength(2);
    expect(shown(nudgesTo('U0EVE')[1]!)).toContain("Still on *Open Weave Scope's UI*");
  });

  it('tells the instructor which nudges Slack refused and why, and asks Slack once per step', async () => {
    const { services } = slack.bot;
    await services.attendees.register('U0GUS');
    await services.clusters.attach('U0GUS', { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
    const attempted = [...FIRST_THREE, 'scope-running'];
    await services.checks.progress.record('U0GUS', EXERCISE, { passed: FIRST_THREE, attempted }, Date.now() - 10 * MINUTE);
    // Gus left the workspace since.
    slack.fake.refusePosts('U0GUS', 'user_not_found');
    const refusedDms = () => slack.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === 'U0GUS');

    await command('checkins now');
    const fourth = (await summaries(slack, 4))[3]!;
    expect(shown(fourth)).toContain(
      'Stuck on *Weave Scope runs as a task*, 1 (1 could not be DMed: `user_not_found` (no such user in the workspace)): <@U0GUS>',
    );
    await command('checkins now');
    await summaries(slack, 5);
    expect(refusedDms()).toHaveLength(1);
  });
});

/**
 * A whole session, then the next one: "Stop nudging me" holds for the rest of the session it was
 * pressed in, and the next session nudges that attendee again.
 */
describe.skipIf(!testRedisUrl())('/workshop checkins: "Stop nudging me" lasts one session', () => {
  let bot: CheckBot;
  let slack: SlackBotUnderTest;
  let cluster: SimulatedCluster;
  let worker: Worker | undefined;

  beforeAll(async () => {
    ({ slack, bot } = await startRoom('checkins-quiet'));
    cluster = await startSimulatedCluster({ agents: 1 });
    const { services } = slack.bot;
    await services.attendees.register('U0ALAN');
    await services.clusters.attach('U0ALAN', { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
    await services.checks.progress.record(
      'U0ALAN',
      EXERCISE,
      { passed: FIRST_THREE, attempted: [...FIRST_THREE, 'scope-running'] },
      Date.now() - 10 * MINUTE,
    );
    worker = startCheckinWorker(slack.bot);
  });
  afterAll(async () => {
    await worker?.close();
    await bot?.stop();
    await cluster?.stop();
  });

  const command = async (text: string) => (await bot.command('/workshop', text, INSTRUCTOR)).text;
  const nudges = () => slack.fake.dmsTo('U0ALAN').filter(isTagged(NUDGE_TAG));
  /** Alan passes the step he was stuck on, and then passes nothing for ten minutes. */
  const passes = (step: string) =>
    slack.bot.services.checks.progress.record('U0ALAN', EXERCISE, { passed: [step], attempted: [step] }, Date.now() - 10 * MINUTE);

  it('is not nudged again in the session where he pressed it, and is nudged in the next one', async () => {
    expect(await command(`start ${EXERCISE}`)).toContain('The room is on exercise 2.');
    await command('checkins now');
    await summaries(slack, 1);
    expect(nudges()).toHaveLength(1);
    expect((await bot.press('check.quiet', quietButtonOf(nudges()[0]!), 'U0ALAN')).text).toContain(
      'No more nudges from check-ins for the rest of this workshop.',
    );

    // The same session (`start` again does not begin a new one), a new step to be stuck on: no nudge.
    await passes('scope-running');
    expect(await command(`start ${EXERCISE}`)).toContain('The room is on exercise 2.');
    await command('checkins now');
    expect(shown((await summaries(slack, 2))[1]!)).toContain("Stuck on *Open Weave Scope's UI*, 1 (1 asked not to be nudged)");
    expect(nudges()).toHaveLength(1);

    expect(await command('end --confirm')).toContain('Session ended.');
    expect(await command(`start ${EXERCISE}`)).toContain('The room is on exercise 2.');
    await command('checkins now');
    expect(shown((await summaries(slack, 3))[2]!)).toContain("Stuck on *Open Weave Scope's UI*, 1 (1 nudged now)");
    expect(nudges()).toHaveLength(2);
    expect(shown(nudges()[1]!)).toContain("Still on *Open Weave Scope's UI*");
  });

  it('is nudged once more on the same step in the next session (day 2), and once only there', async () => {
    expect(await command('end --confirm')).toContain('Session ended.');
    expect(await command(`start ${EXERCISE}`)).toContain('The room is on exercise 2.');
    await command('checkins now');
    expect(shown((await summaries(slack, 4))[3]!)).toContain("Stuck on *Open Weave Scope's UI*, 1 (1 nudged now)");
    expect(nudges()).toHaveLength(3);
    await command('checkins now');
    const again = shown((await summaries(slack, 5))[4]!);
    expect(again).toContain("Stuck on *Open Weave Scope's UI*, 1");
    expect(again).not.toContain('nudged now');
    expect(nudges()).toHaveLength(3);
  });
});

describe.skipIf(!testRedisUrl())('/workshop checkins: the schedule lives in Redis', () => {
  const prefix = uniquePrefix('checkins-schedule').slice(0, -1);
  const started: SlackBotUnderTest[] = [];
  let worker: Worker | undefined;
  let cluster: SimulatedCluster;

  async function instance(): Promise<CheckBot> {
    const slack = await startSlackBot({ env: env(prefix) });
    started.push(slack);
    return startCheckBot(slack);
  }
  afterAll(async () => {
    await worker?.close();
    for (const slack of started) await slack.stop().catch(() => undefined);
    await cluster?.stop();
  });

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1 });
  });

  it('is turned on and off, and a new app instance after a restart sees it and runs its sweeps', async () => {
    const first = await instance();
    const { services } = first.slack.bot;
    await services.store.redis.set(CURRENT_EXERCISE_KEY, EXERCISE);
    await services.attendees.register('U0ADA');
    await services.clusters.attach('U0ADA', { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
    const command = async (bot: CheckBot, text: string) => (await bot.command('/workshop', text, INSTRUCTOR)).text;

    expect(await command(first, 'checkins')).toContain('Check-ins are off.');
    expect(await command(first, 'checkins on every 15 min')).toContain(
      'Check-ins are on, every 15 minutes*, for *2. Mesos UI & Weave Scope*',
    );
    await first.stop();

    const second = await instance();
    expect(await command(second, 'checkins')).toContain(`Check-ins are on, every 15 minutes; summaries go to <@${INSTRUCTOR}>`);
    // The sweep `on` started is still queued in Redis: a worker of the new instance runs it.
    worker = startCheckinWorker(second.slack.bot);
    const [summary] = await summaries(second.slack, 1);
    expect(summary!.text).toBe('Check-in: 2. Mesos UI & Weave Scope: 0 of 1 done, 0 stuck');

    expect(await command(second, 'checkins on every 1h')).toContain('Check-ins are on, every hour* (they were on, every 15 minutes)');
    expect(await command(second, 'checkins off')).toContain('Check-ins are off (they ran every hour).');
    expect(await second.slack.bot.services.queues.get('checkins').getJobSchedulersCount()).toBe(0);
    expect(await command(second, 'checkins')).toContain('Check-ins are off.');
    expect(await command(second, 'checkins off')).toContain('Check-ins were not on, so nothing changed.');
  });
});

describe.skipIf(!testRedisUrl())('/workshop checkins: a room where nobody has a cluster yet', () => {
  let slack: SlackBotUnderTest;
  let bot: CheckBot;
  let worker: Worker | undefined;

  beforeAll(async () => {
    ({ slack, bot } = await startRoom('checkins-empty'));
    for (const user of ['U0NEW1', 'U0NEW2']) await slack.bot.services.attendees.register(user);
    worker = startCheckinWorker(slack.bot);
  });
  afterAll(async () => {
    await worker?.close();
    await bot?.stop();
  });

  it('sums up the room at once: nothing to check, everyone without a ready cluster', async () => {
    expect((await bot.command('/workshop', `start ${EXERCISE}`, INSTRUCTOR)).text).toContain('The room is on exercise 2.');
    expect((await bot.command('/workshop', 'checkins now', INSTRUCTOR)).text).toContain('Checking the room now');
    const [summary] = await summaries(slack, 1);
    expect(shown(summary!)).toContain('0 clusters checked: 0 done, 0 moving on, 0 stuck · 2 without a ready cluster');
    expect(shown(summary!)).toContain('<@U0NEW1>, <@U0NEW2>');
  });
});
