import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalEvent } from '../../src/adapters/terminal/responder.js';
import { say } from '../../src/adapters/terminal/say.js';
import { type BotApp, createApp } from '../../src/app.js';
import type { RoomSnapshot } from '../../src/board/room.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { parseCsv } from '../support/csv.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { startSlackBot } from '../support/slack-bot.js';
import { type CheckBot, startCheckBot } from './exercises/support.js';

const INSTRUCTOR = 'U0TEACH';
const ATTENDEES = ['U0ALICE', 'U0BOB'] as const;
const EXERCISE = 'mesos-ui';
const HEADER = ['attendee_id', 'display_name', 'exercise', 'step', 'first_pass_at', 'attempts', 'hints_used'];

/** "3 of 5 steps done" in a /check answer. */
function passedIn(answer: string): number {
  const match = /(\d+) of (\d+) steps done/.exec(answer);
  if (!match) throw new Error(`no "N of M steps done" in:\n${answer}`);
  return Number(match[1]);
}

/** What the results CSV says each attendee passed: attendee → steps with a first-pass time. */
function passesInCsv(csv: string): Map<string, string[]> {
  const [header, ...rows] = parseCsv(csv);
  expect(header).toEqual(HEADER);
  const passes = new Map<string, string[]>();
  for (const [user, , exercise, step, passedAt, attempts] of rows) {
    expect(exercise).toBe(EXERCISE);
    if (passedAt === '') continue;
    expect(new Date(passedAt!).toISOString()).toBe(passedAt);
    expect(Number(attempts)).toBeGreaterThanOrEqual(1);
    passes.set(user!, [...(passes.get(user!) ?? []), step!]);
  }
  return passes;
}

/** The board's marks: attendee → steps marked passed. */
function passesOnBoard(room: RoomSnapshot): Map<string, string[]> {
  return new Map(
    room.rows.map((row) => [row.user, room.exercise.steps.filter((_step, index) => row.marks[index] === 'pass').map((step) => step.id)]),
  );
}

/**
 * A workshop rehearsed end to end on simulated clusters: the instructor starts an exercise, two
 * attendees attach their clusters and /check, the board shows their passes, and the end exports
 * them as a CSV. Once from Slack (Bolt's receiver, signed, the fake Slack API), once from the terminal.
 */
describe.skipIf(!testRedisUrl())('rehearsal of a workshop (e2e)', () => {
  const clusters: SimulatedCluster[] = [];

  beforeAll(async () => {
    for (const _attendee of ATTENDEES) clusters.push(await startSimulatedCluster({ agents: 1 }));
  });
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  });
  const attach = (index: number) => `master=${clusters[index]!.masterUrl} marathon=${clusters[index]!.marathonUrl}`;

  describe('from Slack', () => {
    let bot: CheckBot;

    beforeAll(async () => {
      const slack = await startSlackBot({
        env: {
          REDIS_URL: testRedisUrl()!,
          WORKSHOP_KEY_PREFIX: uniquePrefix('rehearsal').slice(0, -1),
          INSTRUCTORS: INSTRUCTOR,
          ATTACH_ALLOW: '127.0.0.0/8',
        },
      });
      bot = await startCheckBot(slack);
      slack.fake.addUser(INSTRUCTOR, { display_name: 'Teacher' });
      slack.fake.addUser('U0ALICE', { display_name: 'Alice' });
      slack.fake.addUser('U0BOB', { display_name: 'Bob, the "builder"' });
    });
    afterAll(async () => {
      await bot?.stop();
    });

    it('start, two attendees check, the board shows them, end exports their rows', async () => {
      const fake = bot.slack.fake;
      const services = bot.slack.bot.services;
      for (const [index, user] of ATTENDEES.entries()) {
        expect((await bot.command('/cluster', `attach ${attach(index)}`, user)).text).toContain('Attached your cluster');
      }
      expect((await bot.command('/workshop', `start ${EXERCISE}`, INSTRUCTOR)).text).toContain('announced in <#C0ROOM>');
      expect(fake.messages.filter((message) => message.channel === 'C0ROOM').map((message) => message.text)).toContain(
        'Exercise 2. Mesos UI & Weave Scope starts now',
      );

      const passed = new Map<string, number>();
      for (const user of ATTENDEES) {
        const answer = await bot.command('/check', '', user);
        expect(answer.text).toContain('Mesos UI & Weave Scope');
        passed.set(user, passedIn(answer.text));
      }
      expect(Math.min(...passed.values())).toBeGreaterThan(0);

      const room = await services.board.snapshot();
      expect([room.exercise.id, room.source]).toEqual([EXERCISE, 'started']);
      expect(room.rows.map((row) => [row.user, row.passed])).toEqual(ATTENDEES.map((user) => [user, passed.get(user)]));
      const board = passesOnBoard(room);

      const confirm = await bot.command('/workshop', 'end', INSTRUCTOR);
      const ended = await bot.press('workshop.end', confirm.buttons['workshop.end']!, INSTRUCTOR);
      expect(ended.text).toContain('Session ended. Results: 2 attendees, 10 rows');
      const [upload] = fake.uploadsTo('C0ROOM');
      const csv = upload!.content!.toString('utf8');
      expect(passesInCsv(csv)).toEqual(board);
      expect(parseCsv(csv).map((row) => row[1])).toContain('Bob, the "builder"');
      expect(await services.session.current()).toBeUndefined();
    });
  });

  describe('from the terminal', () => {
    let bot: BotApp;
    let filesDir = '';

    beforeAll(() => {
      filesDir = mkdtempSync(join(tmpdir(), 'rehearsal-'));
      const config = loadConfig(
        {
          REDIS_URL: testRedisUrl()!,
          WORKSHOP_KEY_PREFIX: uniquePrefix('rehearsal-terminal').slice(0, -1),
          INSTRUCTORS: INSTRUCTOR,
          ATTACH_ALLOW: '127.0.0.0/8',
          LOG_LEVEL: 'silent',
        },
        'local',
      );
      bot = createApp(config, { log: createLogger('silent', { pretty: false }) });
    });
    afterAll(async () => {
      await bot?.close();
    });

    async function run(user: string, line: string): Promise<{ text: string; events: TerminalEvent[] }> {
      const events = await say(bot, line, { user, filesDir });
      return { text: events.map((event) => messageToText(event.payload)).join('\n'), events };
    }

    it('the same day with say: the end writes the CSV to a file and says where', async () => {
      for (const [index, user] of ATTENDEES.entries())
        expect((await run(user, `/cluster attach ${attach(index)}`)).text).toContain('Attached');
      const started = await run(INSTRUCTOR, `/workshop start ${EXERCISE}`);
      expect(started.events.find((event) => event.kind === 'post')?.payload.text).toBe('Exercise 2. Mesos UI & Weave Scope starts now');
      expect(started.text).toContain('announced in <#C_TERMINAL>');

      const passed = new Map<string, number>();
      for (const user of ATTENDEES) passed.set(user, passedIn((await run(user, '/check')).text));
      expect(Math.min(...passed.values())).toBeGreaterThan(0);
      const room = await bot.services.board.snapshot();
      expect(room.rows.map((row) => [row.user, row.passed])).toEqual(ATTENDEES.map((user) => [user, passed.get(user)]));

      // No buttons in a terminal: the confirmation says what to type instead.
      expect((await run(INSTRUCTOR, '/workshop end')).text).toContain('In a terminal: `/workshop end --confirm`.');
      const ended = await run(INSTRUCTOR, '/workshop end --confirm');
      const file = ended.events.find((event): event is Extract<TerminalEvent, { kind: 'file' }> => event.kind === 'file');
      expect(file?.payload.path.startsWith(filesDir)).toBe(true);
      expect(ended.text).toContain(`saved to ${file?.payload.path}`);
      expect(ended.text).toContain(`Results: 2 attendees, 10 rows (attendee × step) — ${file?.payload.path}`);
      expect(passesInCsv(readFileSync(file!.payload.path, 'utf8'))).toEqual(passesOnBoard(room));

      // Once: confirming again writes nothing more.
      expect((await run(INSTRUCTOR, '/workshop end --confirm')).text).toContain('No exercise is running');
      const removal = (await run(INSTRUCTOR, '/workshop end --remove-clusters')).text;
      expect(removal).toContain('Removing 2 clusters');
      expect(removal).toContain('Removed 2 clusters.');
      expect(await bot.services.clusters.registry.list()).toEqual([]);
    });
  });
});
