import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workshop } from '../../commands/workshop/index.js';
import { QUEUE_NAMES } from '../../src/queue/queues.js';
import { BROADCAST_TAG, REPORT_TAG } from '../../src/workshop/broadcast.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';
import { until } from '../support/until.js';
import { startBroadcastWorker } from '../workshop/harness.js';

const INSTRUCTOR = 'U0TEACH';
const GROUP_MEMBER = 'U0ASSIST';
const ATTENDEE = 'U0ATTENDEE';

/** Arguments each subcommand would act on, so a refusal is the only thing that can stop it. */
const ARGS: Record<string, string> = {
  broadcast: '--dm Everyone out, the room is closing',
  channel: 'here',
  attendees: '--cluster ready',
  prepull: 'nginx:1.25',
  start: '03-marathon',
  end: '--confirm',
  checkins: 'on',
  board: '--rotate',
};

/** A button press as Slack sends it: form-encoded `payload` JSON, with the response URL of that press. */
function buttonPressBody(user: string, actionId: string, value: string, responseUrl: string): string {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: user, username: 'someone', team_id: 'T0WORKSHOP' },
      api_app_id: 'A0WORKSHOP',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0ROOM', is_ephemeral: true },
      trigger_id: '123.456.abc',
      team: { id: 'T0WORKSHOP', domain: 'workshop' },
      channel: { id: 'C0ROOM', name: 'mesos-workshop' },
      response_url: responseUrl,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'Press' },
          value,
          action_ts: '1700000001.0',
        },
      ],
    }),
  }).toString();
}

/** Every /workshop subcommand and button, through Bolt's receiver: only instructors get through. */
describe.skipIf(!testRedisUrl())('/workshop is for instructors: every subcommand and button', () => {
  let slack: SlackBotUnderTest;
  let worker: Worker | undefined;
  let sequence = 0;

  beforeAll(async () => {
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('roles').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        INSTRUCTOR_GROUP: 'S0TEACHERS',
      },
    });
    slack.fake.setUsergroup('S0TEACHERS', [GROUP_MEMBER]);
  });
  afterAll(async () => {
    await worker?.close();
    await slack?.stop();
  });

  async function answer(body: (responseUrl: string) => string): Promise<string> {
    const id = `r${++sequence}`;
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/x-www-form-urlencoded',
      body: body(slack.fake.responseUrl(id)),
    });
    expect(response.status).toBe(200);
    return JSON.stringify((await slack.fake.waitFor((call) => call.path === `/response/${id}`, 15_000)).body);
  }
  const command = (user: string, text: string) =>
    answer((responseUrl) => slashCommandBody({ command: '/workshop', text, user_id: user, response_url: responseUrl }));
  const press = (user: string, actionId: string, value: string) =>
    answer((responseUrl) => buttonPressBody(user, actionId, value, responseUrl));

  async function queuedJobs(): Promise<number> {
    const queues = slack.bot.services.queues;
    const counts = await Promise.all(QUEUE_NAMES.map((name) => queues.get(name).getJobCounts()));
    return counts.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0);
  }

  it('refuses every subcommand to an attendee with a clear message, and changes nothing', async () => {
    for (const subcommand of workshop.subcommands!) {
      const reply = await command(ATTENDEE, `${subcommand.name} ${ARGS[subcommand.name] ?? ''}`.trim());
      expect(reply, subcommand.name).toContain(':warning: /workshop is for instructors only.');
      expect(reply, subcommand.name).toContain('add your Slack user id to INSTRUCTORS (or you to the INSTRUCTOR_GROUP user group)');
    }
    expect(slack.fake.callsOf('chat.postMessage')).toEqual([]);
    expect(await queuedJobs()).toBe(0);
    expect(await slack.bot.services.room.channel()).toBeUndefined();
  });

  it('refuses every button of /workshop to an attendee, and the broadcast it would have stopped goes on', async () => {
    expect(await command(INSTRUCTOR, 'broadcast --dm Exercise 2 starts now')).toContain('Broadcasting to <#C0ROOM> and 1 attendee by DM');
    const [started] = await slack.bot.services.queues.get('broadcasts').getJobs(['waiting']);
    const id = (started!.data as { broadcastId: string }).broadcastId;
    for (const action of Object.keys(workshop.actions!)) {
      expect(await press(ATTENDEE, `workshop.${action}`, id)).toContain(':warning: This button is for instructors only.');
    }
    worker = startBroadcastWorker(slack.bot);
    await until(async () => slack.fake.dmsTo(INSTRUCTOR).some((message) => message.metadata?.event_type === REPORT_TAG), 30_000);
    const report = slack.fake.dmsTo(INSTRUCTOR).find((message) => message.metadata?.event_type === REPORT_TAG)!;
    expect(report.text).toBe(':white_check_mark: Broadcast delivered: all 2 sent');
    expect(slack.fake.dmsTo(ATTENDEE).filter((message) => message.metadata?.event_type === BROADCAST_TAG)).toHaveLength(1);
    expect(await press(INSTRUCTOR, 'workshop.stop', id)).toContain('Nothing left to stop');
  });

  it('lets in the members of INSTRUCTOR_GROUP, read from Slack', async () => {
    expect(await command(GROUP_MEMBER, 'channel')).toContain('The workshop channel is <#C0ROOM>');
    expect(slack.fake.callsOf('usergroups.users.list').length).toBeGreaterThan(0);
  });
});
