import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomeView } from '../../src/render/blocks.js';
import { messageToText } from '../../src/render/text.js';
import { homeViewProblems } from '../support/block-kit.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { eventBody, homeButtonPressBody, postSigned } from '../support/slack-requests.js';
import { until } from '../support/until.js';

const INSTRUCTOR = 'U0TEACH';
const PUBLIC_URL = 'https://workshop.example.org';

describe.skipIf(!testRedisUrl())('App Home: what each user sees on the bot’s Home tab', () => {
  let slack: SlackBotUnderTest;

  beforeAll(async () => {
    slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('home').slice(0, -1), INSTRUCTORS: INSTRUCTOR, PUBLIC_URL },
    });
    for (const [user, name] of [
      ['U0ADA', 'Ada'],
      ['U0BOB', 'Bob'],
      ['U0CY', 'Cy'],
      ['U0DEE', 'Dee'],
    ] as const) {
      slack.fake.addUser(user, { display_name: name });
      await slack.bot.services.attendees.register(user);
    }
    await slack.bot.services.clusters.registry.claim({
      attendee: 'U0ADA',
      kind: 'provisioned',
      status: 'ready',
      clusterId: '4242',
      clusterName: 'ada',
      endpoints: { master: 'http://10.1.2.3:5050', marathon: 'http://10.1.2.3:8080' },
      exports: ['export MINIMESOS_MASTER=http://10.1.2.3:5050'],
    });
    await slack.bot.services.checks.progress.record('U0ADA', 'minimesos-basics', {
      passed: ['cluster-up'],
      attempted: ['cluster-up', 'cluster-name'],
    });
  });
  afterAll(async () => {
    await slack?.stop();
  });

  const post = (body: string, contentType: string) => postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType, body });
  const open = async (user: string) => {
    const response = await post(
      eventBody({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: String(Date.now() / 1000) }),
      'application/json',
    );
    expect(response.status).toBe(200);
  };
  const press = async (user: string, actionId: string, value: string) => {
    const response = await post(homeButtonPressBody({ actionId, value, user_id: user }), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
  };
  const publishes = (user: string) => slack.fake.callsOf('views.publish').filter((call) => call.body.user_id === user);
  const home = (user: string) => slack.fake.homeOf(user) as HomeView | undefined;
  const shown = (user: string) => messageToText({ text: '', blocks: home(user)?.blocks ?? [] });
  const buttons = (user: string) =>
    (home(user)?.blocks ?? []).flatMap((block) => (block.type === 'actions' ? block.elements.map((button) => button) : []));
  /** Waits for the next direct message to `user` after `count` of them. */
  const nextDm = async (user: string, count: number) => {
    await until(async () => slack.fake.dmsTo(user).length > count, 10_000, 20);
    return slack.fake.dmsTo(user).at(-1)!;
  };

  it('an attendee opening it sees their cluster with its endpoints, their progress, and buttons for up, down and check', async () => {
    await open('U0ADA');
    await until(async () => home('U0ADA') !== undefined, 10_000, 20);
    const view = home('U0ADA')!;
    expect(homeViewProblems(view)).toEqual([]);
    const text = shown('U0ADA');
    expect(text).toContain('== Your workshop ==');
    expect(text).toContain(
      ':white_check_mark: *Your cluster "ada"*: ready\n• Mesos master: http://10.1.2.3:5050\n• Marathon: http://10.1.2.3:8080',
    );
    expect(text).toContain('export MINIMESOS_MASTER=http://10.1.2.3:5050');
    expect(text).toContain('*1. Minimesos basics*: 1 of 4 steps done\n✅ Launch your cluster\n❌ Give the cluster your name\n⏳');
    expect(text).not.toContain('The room');
    expect(buttons('U0ADA').map((button) => [button.action_id, button.value])).toEqual([
      ['cluster.down', 'U0ADA'],
      ['check.again', JSON.stringify({ o: 'U0ADA', e: 'minimesos-basics' })],
    ]);
    expect(buttons('U0ADA')[0]!.confirm?.title.text).toBe('Remove your cluster?');
  });

  it('an instructor sees the room: the board’s link, steps passed, clusters and who is stuck, and a Refresh button', async () => {
    await slack.bot.services.checks.progress.record(
      'U0BOB',
      'minimesos-basics',
      { passed: [], attempted: ['cluster-up'] },
      Date.now() - 25 * 60_000,
    );
    await open(INSTRUCTOR);
    await until(async () => home(INSTRUCTOR) !== undefined, 10_000, 20);
    expect(homeViewProblems(home(INSTRUCTOR)!)).toEqual([]);
    const text = shown(INSTRUCTOR);
    const token = await slack.bot.services.boardLink.token();
    expect(text).toContain(`*The board for the projector:* <${PUBLIC_URL}/board/${token}|open it>`);
    expect(text).toContain('*1. Minimesos basics* (where most attendees are; `/workshop start` picks one): *0* of 4 finished all 4 steps');
    expect(text).toContain('1. Launch your cluster: *1* of 4');
    expect(text).toContain('*Clusters:* 1 ready · 0 building · 0 queued · 0 failed · 3 none');
    expect(text).toContain('*Stuck longest*\n• <@U0BOB> on “Launch your cluster” for 25 min');
    expect(text).toContain('== Your own cluster and progress ==');
    expect(buttons(INSTRUCTOR).map((button) => button.action_id)).toContain('workshop.home');
  });

  it('is published again when what it shows changes, at most once per 5 s per user, ending with the last change', async () => {
    const before = publishes('U0ADA').length;
    const instructorBefore = publishes(INSTRUCTOR).length;
    const registry = slack.bot.services.clusters.registry;
    const started = Date.now();
    await registry.update('U0ADA', { status: 'removing' });
    for (const step of ['queued', 'pulling images', 'zookeeper', 'master'] as const)
      await registry.update('U0ADA', { status: 'provisioning', step });
    // Nobody else's Home is touched by Ada's cluster, except the instructor's room view.
    await until(async () => publishes('U0ADA').length > before && publishes(INSTRUCTOR).length > instructorBefore, 10_000, 20);
    await until(async () => shown('U0ADA').includes('*Your cluster "ada"*: provisioning\n`▰▰▰▱▱▱▱` 3/7'), 10_000, 50);
    const calls = publishes('U0ADA').slice(before);
    // The first one may come at once (Ada's window from opening has passed); any later one waits for the window.
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(4900);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 5000) + 1);
    expect(publishes('U0CY')).toEqual([]);
  });

  it('its buttons act for their owner only, and answer in the DM with the bot', async () => {
    // Someone else's Destroy (a forged press, with Ada's value): refused, and Ada's cluster stays.
    let dms = slack.fake.dmsTo('U0BOB').length;
    await press('U0BOB', 'cluster.down', 'U0ADA');
    expect((await nextDm('U0BOB', dms)).text).toContain("That button belongs to <@U0ADA>'s cluster, so nothing was changed.");
    expect(await slack.bot.services.clusters.get('U0ADA')).not.toBeNull();
    dms = slack.fake.dmsTo('U0BOB').length;
    await press('U0BOB', 'check.again', JSON.stringify({ o: 'U0ADA', e: 'minimesos-basics' }));
    expect((await nextDm('U0BOB', dms)).text).toContain("These buttons belong to <@U0ADA>'s check, so nothing was changed.");

    // Dee builds a cluster from her Home.
    dms = slack.fake.dmsTo('U0DEE').length;
    await press('U0DEE', 'cluster.up', 'U0DEE');
    await until(async () => slack.fake.dmsTo('U0DEE').some((message) => message.text === 'Cluster queued'), 10_000, 20);
    expect((await slack.bot.services.clusters.get('U0DEE'))?.status).toBe('queued');

    // Cy detaches the cluster she linked (a built one's removal waits for a worker, as /cluster down does).
    await slack.bot.services.clusters.attach('U0CY', { master: 'http://192.0.2.10:5050' });
    dms = slack.fake.dmsTo('U0CY').length;
    await press('U0CY', 'cluster.down', 'U0CY');
    expect((await nextDm('U0CY', dms)).text).toBe('Detached http://192.0.2.10:5050 (it keeps running; it is yours).');
    expect(await slack.bot.services.clusters.get('U0CY')).toBeNull();
  });

  it('refuses the instructor’s Refresh to an attendee, and publishes nothing for them', async () => {
    const dms = slack.fake.dmsTo('U0CY').length;
    await press('U0CY', 'workshop.home', '');
    expect((await nextDm('U0CY', dms)).text).toBe(':warning: This button is for instructors only.');
    expect(publishes('U0CY')).toEqual([]);
    const before = publishes(INSTRUCTOR).length;
    await press(INSTRUCTOR, 'workshop.home', '');
    await until(async () => publishes(INSTRUCTOR).length > before, 10_000, 20);
  });

  it('stops asking Slack for a viewer whose view Slack refuses (deactivated since they opened it)', async () => {
    await slack.bot.services.attendees.register('U0GONE');
    slack.fake.refuse('views.publish', 'U0GONE', 'user_not_found');
    await open('U0GONE');
    await until(async () => publishes('U0GONE').length === 1, 10_000, 20);
    // Their cluster changes twice; without the refusal each change would publish again once the 5 s window ends.
    const registry = slack.bot.services.clusters.registry;
    await registry.claim({ attendee: 'U0GONE', kind: 'provisioned', status: 'queued', clusterId: '4343', clusterName: 'gone' });
    await registry.update('U0GONE', { status: 'provisioning', step: 'zookeeper' });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(publishes('U0GONE')).toHaveLength(1);
  }, 20_000);
});
