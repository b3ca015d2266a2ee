import { afterEach, describe, expect, it } from 'vitest';
import { broadcastReportMessage } from '../../commands/render/room-messages.js';
import { messageToText } from '../../src/render/text.js';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { attendeeIds, broadcastIdOf, INSTRUCTOR, ROOM, shownText, startWorkshopBot, type WorkshopBot } from './harness.js';

/** What a real room meets when Slack answers with an error instead of ok, through the broadcast worker. */
describe.skipIf(!testRedisUrl())('/workshop broadcast when Slack refuses or fails', () => {
  let room: WorkshopBot;
  afterEach(async () => {
    await room?.stop();
  });

  const postsTo = (destination: string) =>
    room.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === destination);

  it('asks Slack once per refused recipient, and the report says who, why and what to do', async () => {
    room = await startWorkshopBot();
    const [ok, gone, robot, restricted] = attendeeIds(4, 'U0REF');
    room.fake.refusePosts(ROOM, 'not_in_channel');
    room.fake.refusePosts(gone!, 'user_not_found');
    room.fake.refusePosts(robot!, 'cannot_dm_bot');
    room.fake.refusePosts(restricted!, 'restricted_action');
    await room.register([ok!, gone!, robot!, restricted!]);
    room.startWorker();

    await room.run(INSTRUCTOR, '/workshop broadcast --dm Exercise 2 starts now');
    const report = await room.report();
    expect(report.text).toBe(':warning: Broadcast delivered to 1 of 5: 4 failed');
    const shown = shownText(report);
    expect(shown).toContain(`<#${ROOM}> not posted, 1 of 4 DMs sent`);
    // The bot not invited to the workshop channel: the instructor is told to invite it.
    expect(shown).toContain(
      `\`not_in_channel\` (the bot is not a member of the channel; to fix: invite the bot there with /invite @workshop-bot (or set another room with /workshop channel)), 1: <#${ROOM}>`,
    );
    expect(shown).toContain(`\`user_not_found\` (no such user in the workspace), 1: <@${gone}>`);
    expect(shown).toContain(`\`cannot_dm_bot\` (a bot user, which cannot get DMs), 1: <@${robot}>`);
    expect(shown).toContain('`restricted_action` (a workspace setting forbids the bot to post there');
    // A refusal is final: each refused destination was asked once, never again.
    for (const destination of [ROOM, gone!, robot!, restricted!]) expect(postsTo(destination)).toHaveLength(1);
    expect(room.broadcastsTo(ok!)).toHaveLength(1);
  });

  it('retries what failed on Slack side (HTTP 503, a dropped connection) and still posts each message once', async () => {
    room = await startWorkshopBot();
    const users = attendeeIds(3, 'U0REF');
    await room.register(users);
    room.fake.failHttp('chat.postMessage', 503);
    room.fake.failHttp('chat.postMessage', 'reset');
    room.startWorker();

    await room.run(INSTRUCTOR, '/workshop broadcast --dm Back from the break');
    expect((await room.report(45_000)).text).toBe(':white_check_mark: Broadcast delivered: all 4 sent');
    for (const user of users) expect(room.broadcastsTo(user)).toHaveLength(1);
    expect(room.fake.messages.filter((message) => message.channel === ROOM)).toHaveLength(1);
    const failures = room.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.status !== 200);
    expect(failures.map((call) => call.status).sort()).toEqual([0, 503]);
  }, 60_000);

  it.each([
    [
      'token_revoked',
      "the bot's token",
      'to fix: reinstall the app to the workspace, put the new bot token in SLACK_BOT_TOKEN and restart the bot',
    ],
    ['invalid_blocks', 'the message every recipient gets', "to fix: send the bot's log lines around it to whoever maintains the bot"],
  ])(
    'stops asking Slack after a refusal of %s (%s): no storm of refused posts, every recipient failed with the fix',
    async (code, _, fix) => {
      room = await startWorkshopBot({ BROADCAST_PER_MINUTE: '600' });
      const users = attendeeIds(30, 'U0REF');
      await room.register(users);
      room.fake.fail('chat.postMessage', code, 1000);
      room.startWorker();

      const { events } = await room.run(INSTRUCTOR, '/workshop broadcast --dm Lunch');
      const id = broadcastIdOf(events);
      const services = room.bot.services;
      await until(async () => (await services.broadcasts.summary(id))?.failed.length === 31, 20_000, 50);
      const summary = (await services.broadcasts.summary(id))!;
      expect(new Set(summary.failed.map((failure) => failure.reason))).toEqual(new Set([code]));
      expect(messageToText(broadcastReportMessage(summary))).toContain(`• \`${code}\` (`);
      expect(messageToText(broadcastReportMessage(summary))).toContain(`${fix}), 31:`);
      // The report is tried once (refused too here: the same token, or the fake refusing every post).
      await until(async () => (await services.broadcasts.report(id).outcome(INSTRUCTOR)) !== undefined, 10_000, 50);
      // Only the posts already under way when the first refusal came (a worker holds at most 10) reached Slack, and the report.
      expect(room.fake.calls.filter((call) => call.method === 'chat.postMessage').length).toBeLessThanOrEqual(12);
    },
    30_000,
  );
});
