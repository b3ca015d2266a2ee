import { readFile, rm } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HomeView, Message } from '../../src/render/blocks.js';
import { messageToText } from '../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { SUMMARY_TAG } from '../../src/workshop/checkins.js';
import { blockKitProblems, homeViewProblems } from '../support/block-kit.js';
import { parseCsv } from '../support/csv.js';
import type { PostedMessage } from '../support/fake-slack.js';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { attendeeIds, INSTRUCTOR, startCheckinWorker, startWorkshopBot, type WorkshopBot } from './harness.js';

const MINUTE = 60_000;
const EXERCISE = 'mesos-ui';
/** Ids as long as Slack's real ones (U + 10 characters): what a message's size depends on. */
const users = attendeeIds(500, 'U01ABCDE');
/** Slack display names are at most 80 characters; these are all that long. */
const nameOf = (index: number) =>
  `Attendee ${String(index).padStart(3, '0')} of the big room, with a very long display name!!`.padEnd(80, '~');
const asMessage = (posted: PostedMessage): Message => ({ text: posted.text, blocks: posted.blocks as Message['blocks'] });
const named = (text: string) => users.filter((user) => text.includes(`<@${user}>`));

/**
 * A room of 500, as the product promises: every surface an instructor reads stays within Slack's
 * limits (as Slack would refuse it: block count, section and message size) and leaves nobody out
 * without saying so.
 */
describe.skipIf(!testRedisUrl())('a room of 500 attendees: what the instructor sees', () => {
  let room: WorkshopBot;
  let worker: Worker | undefined;
  const clusters: SimulatedCluster[] = [];

  beforeAll(async () => {
    room = await startWorkshopBot({ BROADCAST_PER_MINUTE: '60000', ATTACH_ALLOW: '127.0.0.0/8', CHECKIN_STUCK_MINUTES: '5' });
    const { services } = room.bot;
    for (const [index, user] of users.entries()) room.fake.addUser(user, { display_name: nameOf(index) });
    for (const user of users) await services.attendees.register(user);
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await room?.stop();
    for (const cluster of clusters) await cluster.stop();
  });

  it('/workshop attendees pages through all 500, each page within the limits, nobody missing or twice', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 13; page++) {
      const { events, text } = await room.run(INSTRUCTOR, `/workshop attendees --page ${page}`);
      for (const event of events) expect(blockKitProblems(event.payload), `page ${page}`).toEqual([]);
      expect(text).toContain(`Page ${page} of 13`);
      seen.push(...[...text.matchAll(/Attendee (\d{3}) of the big room/g)].map((match) => match[1]!));
    }
    expect(seen.toSorted()).toEqual(users.map((_user, index) => String(index).padStart(3, '0')));
  });

  it('the delivery report of a broadcast to 500 names every one of the 120 failed DMs and why, within the limits', async () => {
    const reasons = ['user_not_found', 'cannot_dm_bot', 'user_disabled', 'channel_not_found', 'is_archived', 'restricted_action'];
    const unknown = ['ekm_access_denied', 'messages_tab_disabled', 'dnd_blocked', 'org_login_required', 'access_denied', 'team_not_found'];
    const failing = users.slice(200, 320);
    for (const [index, user] of failing.entries()) room.fake.refusePosts(user, [...reasons, ...unknown][index % 12]!);
    const broadcastWorker = room.startWorker();
    await room.run(INSTRUCTOR, '/workshop broadcast --dm Lunch is served');
    const report = await room.report(60_000);
    await broadcastWorker.close();

    expect(blockKitProblems(asMessage(report))).toEqual([]);
    expect(report.text).toBe(':warning: Broadcast delivered to 381 of 501: 120 failed');
    const text = messageToText(asMessage(report));
    expect(named(text).toSorted()).toEqual(failing);
    for (const reason of [...reasons, ...unknown]) expect(text).toContain(`\`${reason}\``);
  }, 90_000);

  it('a check-in sweep with 300 stuck on two steps and 100 without a cluster: one summary, within the limits, naming all 400', async () => {
    const { services } = room.bot;
    // Attendees 0–199 on clusters with an agent (stuck on Weave Scope), 200–299 on clusters with none (stuck on the agents).
    for (let i = 0; i < 4; i++) clusters.push(await startSimulatedCluster({ agents: i < 2 ? 1 : 0 }));
    const longAgo = Date.now() - 10 * MINUTE;
    const steps = services.checks.find(EXERCISE).steps.map((step) => step.id);
    for (const [index, user] of users.slice(0, 300).entries()) {
      const cluster = clusters[index < 200 ? index % 2 : 2 + (index % 2)]!;
      await services.clusters.attach(user, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
      const passed = index < 200 ? steps.slice(0, 3) : steps.slice(0, 2);
      await services.checks.progress.record(user, EXERCISE, { passed, attempted: steps.slice(0, passed.length + 1) }, longAgo);
    }
    // 300–399 have no cluster; 400–499 finished the exercise before.
    for (const [index, user] of users.slice(400).entries()) {
      const cluster = clusters[index % 2]!;
      await services.clusters.attach(user, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
      await services.checks.progress.record(user, EXERCISE, { passed: steps, attempted: steps }, longAgo);
    }
    expect((await room.run(INSTRUCTOR, `/workshop start ${EXERCISE}`)).text).toContain('The room is on exercise 2.');
    worker = startCheckinWorker(room.bot);

    expect((await room.run(INSTRUCTOR, '/workshop checkins now')).text).toContain('Checking the room now');
    await until(async () => room.fake.dmsTo(INSTRUCTOR).some((message) => message.metadata?.event_type === SUMMARY_TAG), 120_000, 100);
    const summary = room.fake.dmsTo(INSTRUCTOR).find((message) => message.metadata?.event_type === SUMMARY_TAG)!;

    expect(blockKitProblems(asMessage(summary))).toEqual([]);
    const text = messageToText(asMessage(summary));
    expect(text).toContain('Stuck on *The agents are registered*, 100');
    expect(text).toContain('Stuck on *Weave Scope runs as a task*, 200');
    expect(text).toContain('*Without a ready cluster*, 100');
    expect(text).toContain('400 clusters checked: 100 done');
    expect(named(text).toSorted()).toEqual(users.slice(0, 400));
  }, 180_000);

  it("the instructor's App Home: within 100 blocks, where the 300 stuck are by step, and where to see each one", async () => {
    await room.bot.services.home.publish(INSTRUCTOR);
    const view = room.fake.homeOf(INSTRUCTOR) as HomeView;
    expect(homeViewProblems(view)).toEqual([]);
    const text = messageToText({ text: '', blocks: view.blocks });
    expect(text).toContain('*100* of 500 finished all 5 steps');
    expect(text).toContain('3. The agents are registered: *300* of 500 · 100 stuck here');
    expect(text).toContain('4. Weave Scope runs as a task: *100* of 500 · 200 stuck here');
    expect(text).toContain("and 290 more: the board (`/workshop board`) shows each one's steps");
  });

  it('/workshop end attaches one CSV row per attendee and step: 500 × 5, each as recorded', async () => {
    const { events, text } = await room.run(INSTRUCTOR, '/workshop end --confirm');
    expect(text).toContain('Results: 500 attendees, 2500 rows (attendee × step)');
    const file = events.find((event) => event.kind === 'file')!;
    const csv = await readFile(String(file.payload.path), 'utf8');
    // The terminal writes files where it runs: not left in the repository.
    await rm(String(file.payload.path));
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(['attendee_id', 'display_name', 'exercise', 'step', 'first_pass_at', 'attempts', 'hints_used']);
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map(([user, , , step]) => `${user} ${step}`)).size).toBe(2500);
    const steps = room.bot.services.checks.find(EXERCISE).steps.map((step) => step.id);
    for (const [index, user] of users.entries()) {
      const own = rows.filter((row) => row[0] === user);
      expect(own.map((row) => row[3])).toEqual(steps);
      expect(own.every((row) => row[1] === nameOf(index) && row[2] === EXERCISE)).toBe(true);
      // Passed: the first three (on a cluster with an agent), two (without), none (no cluster), all five (finished).
      const passed = index < 200 ? 3 : index < 300 ? 2 : index < 400 ? 0 : 5;
      expect(
        own.map((row) => row[4] !== ''),
        user,
      ).toEqual(steps.map((_step, step) => step < passed));
    }
  });
});

describe.skipIf(!testRedisUrl())('/workshop attendees with the longest names Slack allows', () => {
  let room: WorkshopBot | undefined;
  afterAll(async () => {
    await room?.stop();
  });

  it('a full page of 80-character names, every character one the bot must escape, stays within the limits', async () => {
    room = await startWorkshopBot();
    const odd = attendeeIds(40, 'U01ODDNAM');
    for (const [index, user] of odd.entries())
      room.fake.addUser(user, { display_name: `${String(index).padStart(2, '0')}${'&<>'.repeat(26)}` });
    for (const user of odd) await room.bot.services.attendees.register(user);
    const { events, text } = await room.run(INSTRUCTOR, '/workshop attendees');
    for (const event of events) expect(blockKitProblems(event.payload)).toEqual([]);
    // Each one is there, the start of their name as they chose it.
    for (let index = 0; index < 40; index++) expect(text).toContain(`• *${String(index).padStart(2, '0')}&<>&<>`);
  });
});
