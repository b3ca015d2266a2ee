import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckBot, startCheckBot } from '../../e2e/exercises/support.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';
import { runSlashCommand, type SlackBotUnderTest, startSlackBot } from '../../support/slack-bot.js';

const INSTRUCTOR = 'U0TEACH';
const ASSISTANT = 'U0ASSIST';
const WORKSHOP = 'C0WORKSHOP';
const HERE = 'C0ROOM';
const INVITE = 'To fix it: invite the bot there with /invite @workshop-bot (or set another room with /workshop channel).';

/**
 * What the instructor reads when Slack answers a command's calls with an error instead of ok:
 * through Bolt's receiver, the WebClient (its retries as in tests: 2, fast) and the fake Slack.
 */
describe.skipIf(!testRedisUrl())('Slack errors met by instructor commands', () => {
  let bot: CheckBot;
  beforeAll(async () => {
    const slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('slackerr').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        INSTRUCTOR_GROUP: 'S0TEACHERS',
        WORKSHOP_CHANNEL: WORKSHOP,
      },
    });
    bot = await startCheckBot(slack);
    slack.fake.addUser(INSTRUCTOR, { display_name: 'Teacher' });
  });
  afterAll(async () => bot?.stop());

  const fake = () => bot.slack.fake;
  const workshop = async (text: string, user = INSTRUCTOR) => (await bot.command('/workshop', text, user)).text;
  const postsTo = (channel: string) => fake().calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === channel);

  it('tells an instructor of INSTRUCTOR_GROUP why they are refused when Slack will not list the group: the scope to add', async () => {
    fake().setUsergroup('S0TEACHERS', [ASSISTANT]);
    fake().fail('usergroups.users.list', 'missing_scope', 1, { needed: 'usergroups:read', provided: 'chat:write,commands' });
    const reply = await workshop('channel', ASSISTANT);
    expect(reply).toContain('/workshop is for instructors only.');
    expect(reply).toContain(
      'Slack refused to list the members of INSTRUCTOR_GROUP S0TEACHERS: the Slack app lacks the usergroups:read permission (scope)',
    );
    expect(reply).toContain('add usergroups:read to the bot token scopes (see infra/slack-app-manifest.yaml) and reinstall the app');
  });

  it.each([
    ['not_in_channel', 'the bot is not a member of the channel', INVITE],
    ['channel_not_found', "the bot can't see the channel (private, or a wrong id)", INVITE],
    ['is_archived', 'the channel is archived', 'To fix it: unarchive it, or run /workshop channel in another one.'],
    [
      'restricted_action',
      'a workspace setting forbids the bot to post there',
      'To fix it: ask a workspace admin to let the bot post there',
    ],
  ])(
    '/workshop start with the room refusing posts (%s): the exercise runs, and the instructor learns why the room was not told and what to do',
    async (code, what, fix) => {
      fake().refusePosts(WORKSHOP, code);
      const before = postsTo(WORKSHOP).length;
      const reply = await workshop('start minimesos-basics');
      expect(reply).toContain('The room is on exercise 1. Minimesos basics');
      expect(reply).not.toContain('announced in');
      expect(reply).toContain(`The room was not told: Slack refused this in <#${WORKSHOP}>: ${what}`);
      expect(reply).toContain(`(\`${code}\`)`);
      expect(reply).toContain(fix);
      expect(reply).toContain('Then `/workshop start minimesos-basics` announces it again');
      expect((await bot.slack.bot.services.session.current())?.exercise).toBe('minimesos-basics');
      // A refusal is final: asked once, not retried.
      expect(postsTo(WORKSHOP).length - before).toBe(1);

      // Fixed (the bot invited): the same command announces it, and the session goes on.
      fake().allow('chat.postMessage', WORKSHOP);
      expect(await workshop('start minimesos-basics')).toContain(`announced in <#${WORKSHOP}>`);
    },
  );

  it("says the bot's token is refused, and what to do, instead of an apology", async () => {
    fake().fail('chat.postMessage', 'token_revoked');
    const reply = await workshop('start minimesos-basics');
    expect(reply).toContain(
      "Slack refused this: Slack no longer accepts the bot's token (the app was removed or its token revoked) (`token_revoked`).",
    );
    expect(reply).toContain('reinstall the app to the workspace, put the new bot token in SLACK_BOT_TOKEN and restart the bot');
    expect(reply).not.toContain('something went wrong on my side');
  });

  it('retries a 5xx with backoff until the announcement gets through, once; an error Slack says is its own is "try again"', async () => {
    const before = postsTo(WORKSHOP).length;
    const announced = fake().messages.filter((message) => message.channel === WORKSHOP).length;
    fake().failHttp('chat.postMessage', 503, 2);
    expect(await workshop('start minimesos-basics')).toContain(`announced in <#${WORKSHOP}>`);
    expect(postsTo(WORKSHOP).length - before).toBe(3);
    expect(fake().messages.filter((message) => message.channel === WORKSHOP).length - announced).toBe(1);

    fake().fail('chat.postMessage', 'internal_error');
    const reply = await workshop('start minimesos-basics');
    expect(reply).toContain('The room was not told: Slack failed on its side (internal_error), even after trying again');
    expect(reply).toContain('Try again in a minute');
  }, 30_000);

  it('an upload Slack fails or refuses half-way loses nothing: the instructor is told why, and /workshop end attaches the CSV once', async () => {
    // Slack down for longer than the WebClient's retries (2 in tests).
    fake().failHttp('files.getUploadURLExternal', 503, 3);
    expect(await workshop('end --confirm')).toContain('Slack failed on its side (HTTP 503), even after trying again');
    expect(await bot.slack.bot.services.session.current()).toBeUndefined();

    fake().fail('files.completeUploadExternal', 'missing_scope', 1, { needed: 'files:write', provided: 'chat:write,commands' });
    const ended = await workshop('end');
    expect(ended).toContain('Slack refused this: the Slack app lacks the files:write permission (scope) (`missing_scope`).');
    expect(ended).toContain(
      'To fix it: add files:write to the bot token scopes (see infra/slack-app-manifest.yaml) and reinstall the app.',
    );
    expect(await bot.slack.bot.services.session.current()).toBeUndefined();
    expect(fake().uploads.filter((upload) => upload.completed)).toHaveLength(0);

    expect(await workshop('end')).toContain('Session ended.');
    expect(fake().uploadsTo(HERE)).toHaveLength(1);
    expect(fake().uploads.filter((upload) => upload.completed)).toHaveLength(1);
  });
});

/** The bot's own posts (an announcement) retry as `serve` does: Slack down on its side gets a command an answer in seconds, not after half an hour. */
describe.skipIf(!testRedisUrl())('Slack failing on its side, with the retries serve uses', () => {
  let slack: SlackBotUnderTest;
  beforeAll(async () => {
    slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('slackdown').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        WORKSHOP_CHANNEL: WORKSHOP,
      },
    });
  });
  afterAll(async () => slack?.stop());

  it('tries a few times over seconds, then tells the instructor to try again', async () => {
    slack.fake.failHttp('chat.postMessage', 503, 100);
    const started = Date.now();
    await runSlashCommand(slack, '/workshop', 'start minimesos-basics', INSTRUCTOR);
    const reply = await slack.fake.waitFor((call) => call.method === 'response_url', 30_000);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(JSON.stringify(reply.body)).toContain('Slack failed on its side');
    expect(slack.fake.calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === WORKSHOP)).toHaveLength(4);
  }, 60_000);
});
