import { afterEach, describe, expect, it } from 'vitest';
import { BROADCAST_TAG, broadcastWorkerOptions, IN_DOUBT_AFTER_MS, Pacer } from '../../src/workshop/broadcast.js';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { attendeeIds, broadcastIdOf, INSTRUCTOR, ROOM, shownText, startWorkshopBot, type WorkshopBot } from './harness.js';

describe.skipIf(!testRedisUrl())('/workshop broadcast (engine, worker in-process)', () => {
  let room: WorkshopBot;
  afterEach(async () => {
    await room?.stop();
  });

  it('posts in the room and DMs every attendee once, then reports to the instructor, failures with their reason', async () => {
    room = await startWorkshopBot();
    const [ok1, ok2, gone, robot] = attendeeIds(4);
    room.fake.addUser(robot!, { display_name: 'helper-bot', is_bot: true });
    room.fake.refusePosts(gone!, 'user_not_found');
    await room.register([ok1!, ok2!, gone!, robot!]);
    room.startWorker();

    const { text } = await room.run(INSTRUCTOR, '/workshop broadcast --dm Exercise 3 starts *now*: "/check" when done');
    expect(text).toContain(`Broadcasting to <#${ROOM}> and 4 attendees by DM, done in under a minute.`);
    const report = await room.report();

    const inRoom = room.fake.messages.filter((message) => message.channel === ROOM);
    expect(inRoom).toHaveLength(1);
    expect(shownText(inRoom[0]!)).toContain('Exercise 3 starts *now*: \\"/check\\" when done');
    expect(shownText(inRoom[0]!)).toContain(`From the instructor, <@${INSTRUCTOR}>`);
    for (const user of [ok1!, ok2!]) expect(room.broadcastsTo(user)).toHaveLength(1);
    for (const user of [gone!, robot!]) expect(room.broadcastsTo(user)).toHaveLength(0);
    // The sender gets the report, not their own broadcast.
    expect(room.broadcastsTo(INSTRUCTOR)).toHaveLength(0);
    expect(report.text).toBe(':warning: Broadcast delivered to 3 of 5: 2 failed');
    const shown = shownText(report);
    expect(shown).toContain(`<#${ROOM}> posted, 2 of 4 DMs sent`);
    expect(shown).toContain(`\`user_not_found\` (no such user in the workspace), 1: <@${gone}>`);
    expect(shown).toContain(`\`cannot_dm_bot\` (a bot user, which cannot get DMs), 1: <@${robot}>`);
    expect(room.fake.dmsTo(INSTRUCTOR)).toHaveLength(1);
  });

  it('waits out every 429 for its Retry-After, all workers together, and still posts each message once', async () => {
    // The bot is told it may post 100 a second; this Slack allows 20 (burst 5), so it answers 429s.
    room = await startWorkshopBot({ BROADCAST_PER_MINUTE: '6000' });
    room.fake.limit('chat.postMessage', { workspace: { perSecond: 20, burst: 5 }, perChannel: { perSecond: 1, burst: 3 } });
    const users = attendeeIds(40);
    await room.register(users);
    room.startWorker();
    room.startWorker();

    await room.run(INSTRUCTOR, '/workshop broadcast --dm Lunch!');
    const report = await room.report(60_000);
    expect(report.text).toBe(':white_check_mark: Broadcast delivered: all 41 sent');
    for (const user of users) expect(room.broadcastsTo(user)).toHaveLength(1);

    const posts = room.fake.calls.filter((call) => call.method === 'chat.postMessage');
    const limited = posts.filter((call) => call.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Posts already under way when Slack said 429 cannot be called back (each worker holds at most
    // `concurrency`); nothing else may reach Slack until Retry-After has passed.
    const underWay = 2 * broadcastWorkerOptions(room.bot.config).concurrency!;
    for (const refusal of limited) {
      const until = refusal.at + refusal.retryAfter! * 1000 - 50;
      expect(posts.filter((call) => call.at > refusal.at && call.at < until).length).toBeLessThanOrEqual(underWay);
    }
  }, 90_000);

  it('retries a post Slack failed on its side, without posting it twice', async () => {
    room = await startWorkshopBot();
    const users = attendeeIds(3);
    await room.register(users);
    room.fake.fail('chat.postMessage', 'internal_error', 2);
    room.startWorker();
    await room.run(INSTRUCTOR, '/workshop broadcast --dm Check your cluster');
    expect((await room.report()).text).toBe(':white_check_mark: Broadcast delivered: all 4 sent');
    for (const user of users) expect(room.broadcastsTo(user)).toHaveLength(1);
    expect(room.fake.messages.filter((message) => message.channel === ROOM)).toHaveLength(1);
  });

  it('settles a post a dead worker left in doubt by asking Slack: posted once either way', async () => {
    room = await startWorkshopBot();
    const [arrived, lost, fresh] = attendeeIds(3);
    await room.register([arrived!, lost!, fresh!]);
    const { events } = await room.run(INSTRUCTOR, '/workshop broadcast --dm Break until 3pm');
    const id = broadcastIdOf(events);
    // A worker claimed two recipients and died: one post reached Slack, the other did not.
    const ledger = room.bot.services.broadcasts.recipients(id);
    const longAgo = Date.now() - IN_DOUBT_AFTER_MS - 1000;
    expect(await ledger.claim(arrived!, longAgo)).toEqual({ state: 'claimed' });
    expect(await ledger.claim(lost!, longAgo)).toEqual({ state: 'claimed' });
    const message = (await room.bot.services.broadcasts.message(id))!;
    await room.bot.services.notifier.postOnce(arrived!, message, { type: BROADCAST_TAG, id });

    room.startWorker();
    expect((await room.report()).text).toBe(':white_check_mark: Broadcast delivered: all 4 sent');
    for (const user of [arrived!, lost!, fresh!]) expect(room.broadcastsTo(user)).toHaveLength(1);
    // Only the two in doubt were looked up.
    expect(room.fake.callsOf('conversations.history').map((call) => call.body.channel)).toEqual(
      expect.arrayContaining([`D${arrived}`, `D${lost}`]),
    );
    expect(room.fake.callsOf('conversations.history')).toHaveLength(2);
  });

  it('stops a broadcast on the Stop button: nothing more is posted, and the report says who was left out', async () => {
    room = await startWorkshopBot({ BROADCAST_PER_MINUTE: '240' });
    const users = attendeeIds(20);
    await room.register(users);
    room.startWorker();
    const { events } = await room.run(INSTRUCTOR, '/workshop broadcast --dm Wrong exercise number, sorry');
    const id = broadcastIdOf(events);
    await until(async () => room.fake.messages.length >= 3, 15_000, 20);

    const answer = await room.press(INSTRUCTOR, 'workshop.stop', id);
    expect(answer).toMatch(
      /^:octagonal_sign: Stopped: \d+ messages of 21 will not be sent \(\d+ already were\)\. The delivery report follows by DM\.$/,
    );
    const report = await room.report();
    const sent = room.fake.messages.filter((message) => message.metadata?.event_type === BROADCAST_TAG);
    expect(report.text).toBe(`:octagonal_sign: Broadcast stopped: ${sent.length} of 21 sent`);
    expect(sent.length).toBeLessThan(10);
    expect(shownText(report)).toContain(`*Not sent (stopped)*, ${21 - sent.length}: <@U0ATT`);
    // Nothing trickles out after the report.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(room.fake.messages.filter((message) => message.metadata?.event_type === BROADCAST_TAG)).toHaveLength(sent.length);
    expect(await room.press(INSTRUCTOR, 'workshop.stop', id)).toContain('Nothing left to stop');
  });

  it('refuses an empty or unknown-option broadcast, and one with nowhere to go, posting nothing', async () => {
    room = await startWorkshopBot();
    room.startWorker();
    // From a DM with the bot, before any channel is known: nowhere to post, nobody to DM.
    expect((await room.run(INSTRUCTOR, '/workshop broadcast hello', 'D0TEACH')).text).toContain(
      'There is no workshop channel yet, so there is nowhere to post this.',
    );
    expect((await room.run(INSTRUCTOR, '/workshop broadcast --dm hello', 'D0TEACH')).text).toContain(
      'Nobody to send it to: no attendee has used the bot yet, and there is no workshop channel.',
    );
    expect((await room.run(INSTRUCTOR, '/workshop broadcast --dm')).text).toBe(
      ':warning: There is no message to send.\nUsage: /workshop broadcast [--dm] <message>, e.g. /workshop broadcast --dm Exercise 3 starts in 5 minutes.',
    );
    // Zero-width spaces, a word joiner and a line break: it would post a blank message to everyone.
    expect((await room.run(INSTRUCTOR, '/workshop broadcast --dm \u200b\u2060\n\u200b', 'C0ROOM')).text).toContain(
      ':warning: There is no message to send.',
    );
    expect((await room.run(INSTRUCTOR, '/workshop broadcast --everyone hi')).text).toContain(
      'Unknown option --everyone. The only option here is --dm.',
    );
    // A phone's smart punctuation made the -- an en dash: still an option, not the start of the message.
    expect((await room.run(INSTRUCTOR, '/workshop broadcast –everyone hi')).text).toContain(
      'Unknown option --everyone. The only option here is --dm.',
    );
    expect((await room.run(INSTRUCTOR, `/workshop broadcast ${'x'.repeat(3001)}`)).text).toContain(
      'A broadcast may be at most 3,000 characters; this one has 3,001.',
    );
    expect((await room.run(INSTRUCTOR, `/workshop broadcast ${'x'.repeat(45_000)}`)).text).toContain('this one has 45,000.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(room.fake.callsOf('chat.postMessage')).toEqual([]);
  });
});

describe('Pacer', () => {
  const waitAll = async (pacer: Pacer, count: number, start: number) =>
    (await Promise.all(Array.from({ length: count }, () => pacer.wait().then(() => Date.now() - start)))).sort((a, b) => a - b);

  it('lets one post through per interval however many wait, without bursts after a late timer', async () => {
    const start = Date.now();
    const times = await waitAll(new Pacer(50), 6, start);
    times.forEach((time, i) => {
      expect(time).toBeGreaterThanOrEqual(50 * i - 2);
    });
    expect(times.at(-1)).toBeLessThan(250 + 200);
  });

  it('holds the posts already waiting when Slack says 429, then spaces them again', async () => {
    const pacer = new Pacer(50);
    const start = Date.now();
    const waiting = waitAll(pacer, 3, start);
    pacer.pause(300);
    const times = await waiting;
    expect(times[0]).toBeGreaterThanOrEqual(298);
    expect(times[2]).toBeGreaterThanOrEqual(398);
  });
});
