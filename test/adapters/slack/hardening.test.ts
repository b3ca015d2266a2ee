import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_COMMANDS } from '../../../commands/index.js';
import { section } from '../../../src/render/blocks.js';
import type { CommandSpec } from '../../../src/router/types.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../../support/slack-bot.js';
import { eventBody, interactionBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const now = () => Math.floor(Date.now() / 1000);
const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));
const shown = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text ?? '');

/** A command whose reply is far over Slack's 40,000-character message limit. */
const loud: CommandSpec = {
  name: 'loud',
  summary: 'test only',
  description: 'test only',
  async run({ out }) {
    const text = 'a'.repeat(100_000);
    await out.reply({ text, blocks: Array.from({ length: 80 }, () => section(text)) });
  },
};

/** The Slack edges a hostile attendee or a careless operator finds, through Bolt's real receiver, signed. */
describe.skipIf(!testRedisUrl())('Slack edges (real Bolt, fake Slack, real Redis)', () => {
  let slack: SlackBotUnderTest;
  let cluster: SimulatedCluster;
  let sequence = 0;

  beforeAll(async () => {
    cluster = await startSimulatedCluster();
    slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('edges').slice(0, -1), ATTACH_ALLOW: '127.0.0.0/8' },
      app: { commands: [...ALL_COMMANDS, loud] },
    });
  });
  afterAll(async () => {
    await slack?.stop();
    await cluster?.stop();
  });

  const slash = (command: string, text: string, user: string, extra: { timestamp?: number } = {}) => {
    const id = `r${++sequence}`;
    const body = slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) });
    return { id, body, post: () => postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: FORM, body, ...extra }) };
  };
  const replyTo = (id: string) => slack.fake.waitFor((call) => call.path === `/response/${id}`, 8000);
  const repliesTo = (id: string) => slack.fake.calls.filter((call) => call.path === `/response/${id}`);

  describe('request freshness', () => {
    it('refuses a request stamped 10 minutes in the future, and runs nothing', async () => {
      const request = slash('/help', '', 'U0FUTURE', { timestamp: now() + 10 * 60 });
      expect((await request.post()).status).toBe(401);
      await settle();
      expect(repliesTo(request.id)).toHaveLength(0);
    });

    it('refuses the same signed request a second time (a replay), and runs it once', async () => {
      const request = slash('/help', '', 'U0REPLAY', { timestamp: now() });
      expect((await request.post()).status).toBe(200);
      await replyTo(request.id);
      expect((await request.post()).status).toBe(401);
      await settle();
      expect(repliesTo(request.id)).toHaveLength(1);
    });

    it('a captured /cluster attach replayed after /cluster detach does not attach the cluster again', async () => {
      const user = 'U0DETACHED';
      const attach = slash('/cluster', `attach master=${cluster.masterUrl} marathon=${cluster.marathonUrl}`, user, { timestamp: now() });
      expect((await attach.post()).status).toBe(200);
      expect(shown(await replyTo(attach.id))).toContain('Attached your cluster');
      const detach = slash('/cluster', 'detach', user);
      await detach.post();
      expect(shown(await replyTo(detach.id))).toContain('Detached');

      expect((await attach.post()).status).toBe(401);
      await settle();
      expect(await slack.bot.services.clusters.get(user)).toBeNull();
    });
  });

  describe('events Slack delivers again, and messages no person wrote', () => {
    const dmEvent = (event: Record<string, unknown>) => {
      const ts = `1700000400.${String(++sequence).padStart(6, '0')}`;
      return { ts, body: eventBody({ type: 'message', channel_type: 'im', channel: 'D0ROOM', ts, event_ts: ts, ...event }) };
    };
    const answersIn = (ts: string) => slack.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.thread_ts === ts);

    it('answers a DM once when Slack re-delivers it (x-slack-retry-num: 1, same event_id)', async () => {
      const { ts, body } = dmEvent({ user: 'U0RETRY', text: 'what is a framework?' });
      expect((await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: JSON_TYPE, body })).status).toBe(200);
      await slack.fake.waitFor((call) => call.method === 'chat.postMessage' && call.body.thread_ts === ts, 8000);
      const retry = await postSigned(slack.eventsUrl, {
        secret: SIGNING_SECRET,
        contentType: JSON_TYPE,
        body,
        timestamp: now() + 1,
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      });
      expect(retry.status).toBe(200);
      await settle(1000);
      expect(answersIn(ts)).toHaveLength(1);
    });

    it.each([
      ["Slackbot's system DM", { user: 'USLACKBOT', text: 'You have been removed from #mesos-workshop by <@U0ADMIN>' }],
      ['a bot message (subtype bot_message)', { subtype: 'bot_message', bot_id: 'B0OTHER', text: 'deploy finished', username: 'ci' }],
      ['a message from another app (bot_id)', { user: 'U0OTHERBOT', bot_id: 'B0OTHER', text: 'hello bot' }],
      ['a channel_join notice', { subtype: 'channel_join', user: 'U0JOIN', text: '<@U0JOIN> has joined the channel' }],
      [
        'an edit (message_changed)',
        { subtype: 'message_changed', hidden: true, message: { user: 'U0EDIT', text: 'what is mesos?', ts: '1700000000.000001' } },
      ],
      ['a deletion (message_deleted)', { subtype: 'message_deleted', hidden: true, deleted_ts: '1700000000.000001' }],
    ])('says nothing to %s', async (_what, event) => {
      const { ts, body } = dmEvent(event);
      expect((await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: JSON_TYPE, body })).status).toBe(200);
      await settle(1000);
      expect(answersIn(ts)).toHaveLength(0);
    });

    it('answers words sent with a file as a question, says the file was not opened, and never calls them a command', async () => {
      const file = slack.fake.shareFile('F0WORDS', 'notes.txt', 'hello');
      const { ts, body } = dmEvent({ subtype: 'file_share', user: 'U0WORDS', text: 'what is a framework?', files: [file] });
      await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: JSON_TYPE, body });
      await slack.fake.waitFor(() => answersIn(ts).length >= 2, 8000);
      const said = answersIn(ts).map(shown).join('\n');
      expect(said).not.toContain("I don't know the command");
      expect(said).toContain('did not open notes.txt');
      expect(said).toContain('`cluster up` (a minimesosFile) or `cluster install` (Marathon JSON)');
      expect(slack.fake.calls.some((call) => call.path.startsWith('/files/F0WORDS'))).toBe(false);
    });
  });

  describe('interactions the bot never offers are acknowledged at once and explained', () => {
    const user = { id: 'U0CLICK', username: 'clicker', name: 'clicker', team_id: 'T0WORKSHOP' };
    const team = { id: 'T0WORKSHOP', domain: 'workshop' };
    const interact = (payload: Record<string, unknown>) =>
      postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: FORM, body: interactionBody({ token: 'x', team, ...payload }) });
    const button = (actionId: string, id: string, extra: Record<string, unknown> = {}) => ({
      type: 'block_actions',
      user,
      api_app_id: 'A0WORKSHOP',
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'C0ROOM', is_ephemeral: false },
      channel: { id: 'C0ROOM', name: 'mesos-workshop' },
      message: { type: 'message', ts: '1700000000.000001', text: 'a message with a button' },
      response_url: slack.fake.responseUrl(id),
      actions: [
        { action_id: actionId, block_id: 'b1', type: 'button', value: 'v', text: { type: 'plain_text', text: 'Go' }, action_ts: '1.1' },
      ],
      ...extra,
    });

    it.each(['weird', 'Cluster.Extend', 'cluster.__proto__', 'faq.toString', 'nope.nothing'])(
      'an unknown button %s: 200 within a second, "does nothing here"',
      async (actionId) => {
        const id = `b${++sequence}`;
        const response = await interact(button(actionId, id));
        expect(response.status).toBe(200);
        expect(response.elapsedMs).toBeLessThan(1000);
        expect(shown(await replyTo(id))).toContain('That button no longer does anything here.');
      },
    );

    it('a button payload without a user is refused cleanly (200, nothing run, told why)', async () => {
      const id = `b${++sequence}`;
      const { user: _user, ...withoutUser } = button('cluster.extend', id);
      const response = await interact(withoutUser);
      expect(response.status).toBe(200);
      expect(String((await replyTo(id)).body.text)).toContain("I can't tell who pressed that");
    });

    it.each([
      ['a global shortcut', { type: 'shortcut', callback_id: 'open_lab', trigger_id: '1.2.3', action_ts: '1.1', user }],
      [
        'a message shortcut',
        {
          type: 'message_action',
          callback_id: 'explain',
          trigger_id: '1.2.3',
          action_ts: '1.1',
          message_ts: '1700000000.000001',
          user,
          channel: { id: 'C0ROOM', name: 'mesos-workshop' },
          message: { type: 'message', user: 'U0OTHER', text: 'why is my task staging?', ts: '1700000000.000001' },
          response_url: 'RESPONSE_URL',
        },
      ],
      [
        'a modal submission',
        {
          type: 'view_submission',
          user,
          api_app_id: 'A0WORKSHOP',
          trigger_id: '1.2.3',
          view: { id: 'V0', type: 'modal', callback_id: 'feedback', state: { values: {} }, hash: 'h', private_metadata: '' },
          response_urls: [],
        },
      ],
      [
        'a legacy attachment button',
        {
          type: 'interactive_message',
          callback_id: 'old_buttons',
          actions: [{ name: 'go', type: 'button', value: 'go' }],
          user,
          channel: { id: 'C0ROOM', name: 'mesos-workshop' },
          action_ts: '1.1',
          message_ts: '1700000000.000001',
          attachment_id: '1',
          trigger_id: '1.2.3',
          response_url: 'RESPONSE_URL',
        },
      ],
    ])('%s: 200 within a second, and the user hears it is not supported', async (_what, payload) => {
      const id = `s${++sequence}`;
      const withUrl = JSON.parse(JSON.stringify(payload).replace('RESPONSE_URL', slack.fake.responseUrl(id))) as Record<string, unknown>;
      const before = slack.fake.calls.length;
      const response = await interact(withUrl);
      expect(response.status).toBe(200);
      expect(response.elapsedMs).toBeLessThan(1000);
      const told = await slack.fake.waitFor(
        (call) => slack.fake.calls.indexOf(call) >= before && (call.path === `/response/${id}` || call.body.channel === 'U0CLICK'),
        8000,
      );
      expect(String(told.body.text)).toContain("I don't do anything with shortcuts, forms or menus yet");
    });
  });

  describe("what attendees type is repeated as text, never as Slack's markup", () => {
    /** The whole reply to `/check <text>`, as Slack gets it. */
    const checkReply = async (text: string, user: string) => {
      const request = slash('/check', text, user);
      await request.post();
      return JSON.stringify((await replyTo(request.id)).body);
    };

    it('/check <!channel> answers that there is no such exercise, with the name escaped (no @channel ping)', async () => {
      const reply = await checkReply('<!channel>', 'U0PING');
      expect(reply).toContain('I don\'t know the exercise \\"&lt;!channel&gt;\\"');
      expect(reply).not.toContain('<!channel>');
    });

    it('what Slack delivers as entities (typed "<b> & co") is read as typed and repeated escaped once', async () => {
      const reply = await checkReply('&lt;b&gt;&amp;co', 'U0TYPED');
      expect(reply).toContain('I don\'t know the exercise \\"&lt;b&gt;&amp;co\\"');
      expect(reply).not.toContain('&amp;lt;');
    });

    it('a DM with <!here> and a disguised link as the exercise is answered escaped, the link as its real address', async () => {
      const ts = `1700000500.${String(++sequence).padStart(6, '0')}`;
      const body = eventBody({
        type: 'message',
        channel_type: 'im',
        channel: 'D0PING',
        user: 'U0PING',
        text: '/check <!here><https://evil.example|marathon>',
        ts,
        event_ts: ts,
      });
      await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: JSON_TYPE, body });
      const answer = JSON.stringify((await slack.fake.waitFor((call) => call.body.thread_ts === ts, 8000)).body);
      expect(answer).toContain('I don\'t know the exercise \\"&lt;!here&gt;https://evil.example\\"');
      expect(answer).not.toMatch(/<!here>|<https:\/\/evil|\|marathon/);
    });
  });

  describe('what the bot sends stays inside Slack limits', () => {
    it('cuts a reply over 40,000 characters and 50 blocks before sending it', async () => {
      const request = slash('/loud', '', 'U0LOUD');
      await request.post();
      const reply = await replyTo(request.id);
      expect(String(reply.body.text).length).toBeLessThanOrEqual(40_000);
      expect((reply.body.blocks as unknown[]).length).toBeLessThanOrEqual(50);
    });

    it("sends the bot's own placeholders as characters, so Slack does not read `<host>` as a link", async () => {
      const request = slash('/cluster', 'attach', 'U0PLACE');
      await request.post();
      const reply = JSON.stringify((await replyTo(request.id)).body);
      expect(reply).toContain('master=http://&lt;host&gt;:5050');
      expect(reply).toContain('zookeeper=&lt;host:port&gt;');
      expect(reply).not.toMatch(/<(host|url)/);
    });

    it('refuses a 1 MB slash command text with a clear message', async () => {
      const request = slash('/cluster', `install ${'x'.repeat(1024 * 1024)}`, 'U0HUGE');
      expect((await request.post()).status).toBe(200);
      const reply = await replyTo(request.id);
      expect(String(reply.body.text)).toMatch(/That command is 1025 KB long; I read at most 72 KB/);
    });
  });
});

/** Redis down: replays cannot be told from new requests, so only what changes nothing is served. */
describe('Slack requests while Redis is unreachable', () => {
  let slack: SlackBotUnderTest;
  let sequence = 0;
  beforeAll(async () => {
    slack = await startSlackBot({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => slack?.stop());

  const slash = (command: string, text: string) => {
    const id = `d${++sequence}`;
    const body = slashCommandBody({ command, text, response_url: slack.fake.responseUrl(id) });
    return { id, post: () => postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: FORM, body }) };
  };

  it('/cluster answers at once (well within 3 s) that it cannot check the request, and to try again', async () => {
    const response = await slash('/cluster', 'attach master=http://10.0.0.1:5050').post();
    expect(response.status).toBe(200);
    expect(response.elapsedMs).toBeLessThan(3000);
    expect(JSON.parse(response.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Try again in a minute') });
  });

  it('/help and /faq still work', async () => {
    const help = slash('/help', '');
    expect((await help.post()).status).toBe(200);
    expect(shown(await slack.fake.waitFor((call) => call.path === `/response/${help.id}`, 8000))).toContain('/cluster');
    const faq = slash('/faq', 'what is a framework?');
    await faq.post();
    // Its first question builds the FAQ (2–3 s; `serve` builds it before listening): a loaded CI machine needs longer.
    await slack.fake.waitFor((call) => call.path === `/response/${faq.id}`, 20_000);
  });

  it('a button is acknowledged and told to try again; an event is left for Slack to deliver again (503)', async () => {
    const id = `d${++sequence}`;
    const button = interactionBody({
      type: 'block_actions',
      user: { id: 'U0CLICK' },
      team: { id: 'T0WORKSHOP' },
      channel: { id: 'C0ROOM' },
      response_url: slack.fake.responseUrl(id),
      actions: [{ action_id: 'cluster.extend', type: 'button', value: '1', block_id: 'b', action_ts: '1.1' }],
    });
    expect((await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: FORM, body: button })).status).toBe(200);
    expect(String((await slack.fake.waitFor((call) => call.path === `/response/${id}`, 8000)).body.text)).toContain(
      'Try again in a minute',
    );
    const event = eventBody({
      type: 'message',
      channel_type: 'im',
      channel: 'D0X',
      user: 'U0X',
      text: 'cluster info',
      ts: '1.1',
      event_ts: '1.1',
    });
    expect((await postSigned(slack.eventsUrl, { secret: SIGNING_SECRET, contentType: JSON_TYPE, body: event })).status).toBe(503);
  });
});
