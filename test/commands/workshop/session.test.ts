import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../../src/adapters/terminal/say.js';
import { type BotApp, createApp } from '../../../src/app.js';
import type { RoomChange } from '../../../src/board/changes.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { messageToText } from '../../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { type CheckBot, startCheckBot } from '../../e2e/exercises/support.js';
import { parseCsv } from '../../support/csv.js';
import { testRedisUrl, uniquePrefix } from '../../support/services.js';
import { SIGNING_SECRET, startSlackBot } from '../../support/slack-bot.js';
import { eventBody, postSigned } from '../../support/slack-requests.js';
import { until } from '../../support/until.js';

const INSTRUCTOR = 'U0TEACH';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const WORKSHOP = 'C0WORKSHOP';
/** Names a spreadsheet or a naive CSV writer would get wrong. */
const ALICE_NAME = 'Doe, "Ali" Alice';
const BOB_NAME = '=HYPERLINK("http://evil.example")';

/** /workshop start, next and end through Bolt's receiver, signed, against the fake Slack API. */
describe.skipIf(!testRedisUrl())('/workshop start | next | end', () => {
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  let logFile = '';
  const changes: RoomChange[] = [];

  beforeAll(async () => {
    logFile = join(mkdtempSync(join(tmpdir(), 'session-test-')), 'bot.log');
    const slack = await startSlackBot({
      env: {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: uniquePrefix('session').slice(0, -1),
        INSTRUCTORS: INSTRUCTOR,
        WORKSHOP_CHANNEL: WORKSHOP,
        ATTACH_ALLOW: '127.0.0.0/8',
      },
      app: { log: createLogger('info', { destination: logFile }), homeThrottleMs: 100 },
    });
    bot = await startCheckBot(slack);
    slack.fake.addUser(INSTRUCTOR, { display_name: 'Teacher' });
    slack.fake.addUser(ALICE, { display_name: ALICE_NAME });
    slack.fake.addUser(BOB, { display_name: BOB_NAME });
    slack.bot.services.changes.listen((change) => changes.push(change));
    cluster = await startSimulatedCluster({ agents: 1 });
  });
  afterAll(async () => {
    await bot?.stop();
    await cluster?.stop();
  });

  const services = () => bot.slack.bot.services;
  const fake = () => bot.slack.fake;
  const postsIn = (channel: string) => fake().messages.filter((message) => message.channel === channel);
  const workshop = (text: string, user = INSTRUCTOR) => bot.command('/workshop', text, user);
  /** Results files Slack has now (an upload refused half-way is not one). */
  const uploads = () => fake().uploads.filter((upload) => upload.completed).length;

  it('refuses start, next, end and both buttons to an attendee, and changes nothing', async () => {
    for (const text of ['start marathon', 'next', 'end', 'end --confirm', 'end --remove-clusters']) {
      expect((await workshop(text, ALICE)).text, text).toContain('/workshop is for instructors only.');
    }
    for (const action of ['workshop.end', 'workshop.remove-clusters']) {
      expect((await bot.press(action, 'any', ALICE)).text, action).toContain('This button is for instructors only.');
    }
    expect(await services().session.current()).toBeUndefined();
    expect(postsIn(WORKSHOP)).toEqual([]);
    expect(fake().uploads).toEqual([]);
  });

  it('an unknown exercise is refused with the list of known ones', async () => {
    const reply = await workshop('start kubernetes');
    expect(reply.text).toContain(
      'I don\'t know the exercise "kubernetes". The exercises are: 1. minimesos-basics, 2. mesos-ui, 3. marathon, 4. frameworks, 5. wordpress, 6. elk.',
    );
    expect((await workshop('start 99')).text).toContain('I don\'t know the exercise "99". The exercises are: 1. minimesos-basics, 2.');
    expect((await workshop('start')).text).toContain('Which exercise? Name one.');
    expect((await workshop('start 2 --force')).text).toContain('/workshop start takes no options (you gave "--force"); only the exercise.');
    expect((await workshop('start --confirm')).text).toContain('/workshop start takes no options (you gave "--confirm")');
    expect(await services().session.current()).toBeUndefined();
    expect(postsIn(WORKSHOP)).toEqual([]);
  });

  it('start sets the exercise /check means, announces it in WORKSHOP_CHANNEL and tells the board', async () => {
    const reply = await workshop('start 2');
    expect(reply.text).toContain('The room is on exercise 2. Mesos UI & Weave Scope; announced in <#C0WORKSHOP>.');
    const [announcement] = postsIn(WORKSHOP);
    expect(announcement?.text).toBe('Exercise 2. Mesos UI & Weave Scope starts now');
    expect(JSON.stringify(announcement?.blocks)).toContain("1. Open the master's UI");
    expect((await services().checks.current(ALICE)).id).toBe('mesos-ui');
    const board = await services().board.snapshot();
    expect([board.exercise.id, board.source]).toEqual(['mesos-ui', 'started']);
    await until(async () => changes.some((change) => change.kind === 'session'));
  });

  it("an attendee's App Home follows the room's exercise", async () => {
    const opened = eventBody({ type: 'app_home_opened', user: BOB, channel: `D${BOB}`, tab: 'home', event_ts: String(Date.now() / 1000) });
    expect((await postSigned(bot.slack.eventsUrl, { secret: SIGNING_SECRET, contentType: 'application/json', body: opened })).status).toBe(
      200,
    );
    const home = () => JSON.stringify(fake().homeOf(BOB)?.blocks ?? []);
    await until(async () => home().includes('*2. Mesos UI & Weave Scope*'), 10_000);
    await workshop('start marathon');
    await until(async () => home().includes('*3. Marathon*'), 10_000);
    await workshop('start mesos-ui');
    await until(async () => home().includes('*2. Mesos UI & Weave Scope*'), 10_000);
  });

  it('next moves on in the course order, and says so at the last exercise', async () => {
    expect((await workshop('next')).text).toContain('The room is on exercise 3. Marathon (after 2. Mesos UI & Weave Scope)');
    expect((await services().checks.current(ALICE)).id).toBe('marathon');
    expect(postsIn(WORKSHOP).at(-1)?.text).toBe('Exercise 3. Marathon starts now');
    expect((await workshop('start elk')).text).toContain('It is the last exercise');
    const last = await workshop('next');
    expect(last.text).toContain('"elk" is the last exercise; there is no next one.');
    expect((await services().session.current())?.exercise).toBe('elk');
    // Back to the exercise the room is really on; the session keeps every exercise it ran.
    await workshop('start mesos-ui');
    expect((await services().session.current())?.exercises).toEqual(['mesos-ui', 'marathon', 'elk']);
  });

  it('end asks first; the confirmation attaches one CSV of attendee × step, however often it is pressed', async () => {
    const now = Date.parse('2026-12-07T09:30:00.000Z');
    const progress = services().checks.progress;
    await services().attendees.register(BOB);
    await until(
      async () =>
        (await services().attendees.list()).filter((attendee) => [ALICE_NAME, BOB_NAME].includes(attendee.name ?? '')).length === 2,
    );
    await progress.record(ALICE, 'mesos-ui', { passed: ['master-ui'], attempted: ['master-ui', 'agents-tab'] }, now);
    await progress.record(ALICE, 'mesos-ui', { passed: ['agents-tab'], attempted: ['agents-tab'] }, now + 60_000);
    await services().checks.revealHint(ALICE, 'mesos-ui', 'scope-running');
    await progress.record(BOB, 'marathon', { passed: ['create'], attempted: ['create'] }, now + 120_000);
    await services().checks.revealHint(BOB, 'marathon', 'reachable');
    await services().checks.revealHint(BOB, 'marathon', 'reachable');
    await services().clusters.attach(ALICE, { master: cluster.masterUrl, marathon: cluster.marathonUrl });
    expect((await workshop('checkins on every 15m')).text).toContain('every 15 minutes');

    const ask = await workshop('end');
    expect(ask.text).toContain('End the session started at');
    const id = ask.buttons['workshop.end']!;
    expect(id).toBe((await services().session.current())?.id);
    expect(fake().uploads).toEqual([]);

    // Slack refusing the upload loses nothing: the session has ended, and the next press attaches the results.
    fake().fail('files.getUploadURLExternal', 'not_in_channel');
    expect((await bot.press('workshop.end', id, INSTRUCTOR)).text).toContain(
      'Slack refused this in <#C0ROOM>: the bot is not a member of the channel (`not_in_channel`).',
    );
    expect(await services().session.current()).toBeUndefined();
    // Ending turned automatic check-ins off: no scheduler left in Redis, and the status says so.
    expect(await services().checkins.schedule()).toBeUndefined();
    expect((await workshop('checkins')).text).toContain('Check-ins are off.');

    // Two presses at once, then one more, then the command again: one upload, one "ended" in the room.
    const [first, second] = await Promise.all([bot.press('workshop.end', id, INSTRUCTOR), bot.press('workshop.end', id, INSTRUCTOR)]);
    const done = [first, second].find((reply) => reply.text.includes('Session ended.'))!;
    expect([first, second].filter((reply) => reply.text.includes('already ended'))).toHaveLength(1);
    expect((await bot.press('workshop.end', id, INSTRUCTOR)).text).toContain('This session already ended at');
    expect((await workshop('end')).text).toContain('No exercise is running, so there is no session to end.');
    expect((await workshop('end --confirm')).text).toContain('No exercise is running');
    expect(fake().uploads.filter((upload) => upload.completed)).toHaveLength(1);
    expect(postsIn(WORKSHOP).filter((message) => message.text === 'The session has ended')).toHaveLength(1);
    expect(await services().session.current()).toBeUndefined();
    expect((await services().checks.current(BOB)).id).not.toBe('mesos-ui');

    const [upload] = fake().uploadsTo('C0ROOM');
    expect(upload?.filename).toMatch(/^workshop-results-\d{4}-\d\d-\d\d-[0-9a-f]+\.csv$/);
    expect(done.text).toContain('Automatic check-ins are off.');
    expect(done.text).toContain(`Results: 2 attendees, 32 rows (attendee × step) — https://workshop.slack.com/files/U0BOT/${upload?.id}/`);
    const [header, ...rows] = parseCsv(upload!.content!.toString('utf8'));
    expect(header).toEqual(['attendee_id', 'display_name', 'exercise', 'step', 'first_pass_at', 'attempts', 'hints_used']);
    // 2 attendees × (5 + 6 + 5 steps), instructors left out, names exactly as Slack has them (a formula defused).
    expect(rows).toHaveLength(32);
    expect(new Set(rows.map((row) => row[1]))).toEqual(new Set([ALICE_NAME, `'${BOB_NAME}`]));
    const row = (user: string, exercise: string, step: string) => rows.find((r) => r[0] === user && r[2] === exercise && r[3] === step);
    expect(row(ALICE, 'mesos-ui', 'master-ui')).toEqual([ALICE, ALICE_NAME, 'mesos-ui', 'master-ui', '2026-12-07T09:30:00.000Z', '1', '0']);
    expect(row(ALICE, 'mesos-ui', 'agents-tab')).toEqual([
      ALICE,
      ALICE_NAME,
      'mesos-ui',
      'agents-tab',
      '2026-12-07T09:31:00.000Z',
      '2',
      '0',
    ]);
    expect(row(ALICE, 'mesos-ui', 'scope-running')?.slice(4)).toEqual(['', '0', '1']);
    expect(row(BOB, 'marathon', 'create')?.slice(4)).toEqual(['2026-12-07T09:32:00.000Z', '1', '0']);
    expect(row(BOB, 'marathon', 'reachable')?.slice(4)).toEqual(['', '0', '2']);
    expect(row(BOB, 'elk', 'elasticsearch')?.slice(4)).toEqual(['', '0', '0']);
    expect(rows.some((r) => r[0] === INSTRUCTOR)).toBe(false);

    // The results offer to remove every cluster: Alice's (attached) is the only one.
    expect(done.buttons['workshop.remove-clusters']).toBe(id);
    expect(done.text).toContain('[Remove every cluster (1)]');
  });

  it('the second button removes every cluster, logging who did it; pressed again there is nothing left', async () => {
    await services().clusters.attach(BOB, { master: cluster.masterUrl });
    expect((await bot.press('workshop.remove-clusters', 'x', INSTRUCTOR)).text).toContain('Removing 2 clusters, a few at a time');
    await fake().waitFor((call) => call.method === 'response_url' && String(call.body.text).includes('Removed 2 clusters.'));
    expect(await services().clusters.registry.list()).toEqual([]);
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('cluster removed by an instructor'))
      .map((line) => JSON.parse(line) as { attendee: string; by: string });
    expect(lines.map((line) => [line.attendee, line.by]).sort()).toEqual([
      [ALICE, INSTRUCTOR],
      [BOB, INSTRUCTOR],
    ]);
    expect((await bot.press('workshop.remove-clusters', 'x', INSTRUCTOR)).text).toContain('Nobody has a cluster: nothing to remove.');
  });

  it('will not remove clusters while an exercise runs', async () => {
    await services().clusters.attach(ALICE, { master: cluster.masterUrl });
    await workshop('start 1');
    expect((await workshop('end --remove-clusters')).text).toContain(
      'Exercise "minimesos-basics" is running: attendees still need their clusters.',
    );
    expect(await services().clusters.get(ALICE)).not.toBeNull();
  });

  it('with no session running, end attaches the results that could not be attached when it ended, once', async () => {
    // The session the test before started runs; Slack refuses the upload of its results twice.
    const before = uploads();
    fake().fail('files.getUploadURLExternal', 'not_in_channel', 2);
    expect((await workshop('end --confirm')).text).toContain(
      'Slack refused this in <#C0ROOM>: the bot is not a member of the channel (`not_in_channel`).',
    );
    expect(await services().session.current()).toBeUndefined();
    expect((await workshop('end')).text).toContain(
      'Slack refused this in <#C0ROOM>: the bot is not a member of the channel (`not_in_channel`).',
    );
    expect(uploads()).toBe(before);

    const retried = await workshop('end --confirm');
    expect(retried.text).toContain('Session ended. Results: 2 attendees, 8 rows (attendee × step)');
    expect(uploads()).toBe(before + 1);
    // Ended once, announced once: the retries only attached the results.
    expect(postsIn(WORKSHOP).filter((message) => message.text === 'The session has ended')).toHaveLength(2);

    for (const text of ['end', 'end --confirm']) {
      const again = (await workshop(text)).text;
      expect(again, text).toContain('No exercise is running, so there is no session to end.');
      expect(again, text).toMatch(/The last session ended at \d\d:\d\d UTC by <@U0TEACH>; its results were attached then\./);
    }
    expect(uploads()).toBe(before + 1);
  });

  it("a late press of an earlier session's End button leaves the running session and its check-ins alone", async () => {
    const attached = (await services().session.lastEnded())!.session.id;
    await workshop('start 2');
    const failed = (await services().session.current())!.id;
    fake().fail('files.getUploadURLExternal', 'not_in_channel');
    expect((await bot.press('workshop.end', failed, INSTRUCTOR)).text).toContain('the bot is not a member of the channel');
    await workshop('start 3');
    const running = (await services().session.current())!.id;
    expect((await workshop('checkins on every 15m')).text).toContain('every 15 minutes');
    const before = uploads();

    // Its results were attached: nothing changes.
    expect((await bot.press('workshop.end', attached, INSTRUCTOR)).text).toContain('This session already ended at');
    // Its results were not: they are attached, and nothing else changes.
    const late = (await bot.press('workshop.end', failed, INSTRUCTOR)).text;
    expect(late).toContain('Session ended. Results: 2 attendees, 10 rows (attendee × step)');
    expect(late).toContain('Another session runs now: its automatic check-ins were left as they are.');
    expect(uploads()).toBe(before + 1);
    expect((await services().session.current())?.id).toBe(running);
    expect((await services().checkins.schedule())?.everyMs).toBe(15 * 60_000);
    expect((await workshop('checkins')).text).toContain('Check-ins are on, every 15 minutes');
    await workshop('checkins off');
  });
});

/** The bot as `workshop-bot say` runs it (no Slack), on its own keys. */
function terminalApp(name: string): BotApp {
  const env = {
    REDIS_URL: testRedisUrl()!,
    WORKSHOP_KEY_PREFIX: uniquePrefix(name).slice(0, -1),
    INSTRUCTORS: INSTRUCTOR,
    LOG_LEVEL: 'silent',
  };
  return createApp(loadConfig(env, 'local'), { log: createLogger('silent', { pretty: false }) });
}

/** The terminal has no button to press again: `/workshop end --confirm` is how a failed export is retried there. */
describe.skipIf(!testRedisUrl())('/workshop end from the terminal', () => {
  let bot: BotApp;
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'session-terminal-'));
    bot = terminalApp('session-terminal');
  });
  afterAll(async () => {
    await bot?.close();
  });

  const run = async (line: string, filesDir: string, app = bot) =>
    (await say(app, line, { user: INSTRUCTOR, filesDir })).map((event) => messageToText(event.payload)).join('\n');

  it('end --confirm writes the results a failed write left behind, once, then says they were written', async () => {
    await bot.services.attendees.register(ALICE);
    // A file where the results' folder should be: the first write fails.
    const filesDir = join(dir, 'results');
    writeFileSync(filesDir, '');
    expect(await run('/workshop start 2', filesDir)).toContain('The room is on exercise 2.');
    expect(await run('/workshop end --confirm', filesDir)).toContain('something went wrong on my side');
    expect(await bot.services.session.current()).toBeUndefined();

    rmSync(filesDir);
    const retried = await run('/workshop end --confirm', filesDir);
    const [file, ...more] = readdirSync(filesDir);
    expect(more).toEqual([]);
    expect(retried).toContain(`Results: 1 attendee, 5 rows (attendee × step) — ${join(filesDir, file!)}`);
    expect(parseCsv(readFileSync(join(filesDir, file!), 'utf8')).filter((row) => row[0] === ALICE)).toHaveLength(5);

    const again = await run('/workshop end --confirm', filesDir);
    expect(again).toContain('No exercise is running, so there is no session to end.');
    expect(again).toContain('its results were attached then. A session starts with /workshop start <exercise>.');
    expect(readdirSync(filesDir)).toHaveLength(1);
  });

  it('does not attach them twice while another end is attaching them', async () => {
    const filesDir = join(dir, 'busy');
    await run('/workshop start 2', filesDir);
    // Someone else's end holds the export (or died holding it, for at most 5 minutes).
    expect(await bot.services.session.claimExport((await bot.services.session.current())!.id)).toBe(true);
    expect(await run('/workshop end --confirm', filesDir)).toContain('This session already ended at');
    const again = await run('/workshop end --confirm', filesDir);
    expect(again).toContain('No exercise is running, so there is no session to end.');
    expect(again).toContain('its results are being attached right now. If they do not appear, run /workshop end again in a few minutes.');
    expect(existsSync(filesDir)).toBe(false);
  });

  it('says plainly when no session has ever ended', async () => {
    const fresh = terminalApp('session-none');
    try {
      const text = await run('/workshop end --confirm', dir, fresh);
      expect(text).toContain('No exercise is running, so there is no session to end.');
      expect(text).toContain('A session starts with /workshop start <exercise>.');
      expect(text).not.toContain('last session');
    } finally {
      await fresh.close();
    }
  });
});
