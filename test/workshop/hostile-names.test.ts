import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckBot, startCheckBot } from '../e2e/exercises/support.js';
import { homeViewProblems } from '../support/block-kit.js';
import { parseCsv } from '../support/csv.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';
import { eventBody, postSigned } from '../support/slack-requests.js';
import { until } from '../support/until.js';

const INSTRUCTOR = 'U0TEACH';
/** Display names as Slack (or an old profile, or another app's user) may hand them over. */
const NAMES = {
  U0LINES: 'Eve\nlong\tname',
  U0RLO: 'Mallory\u202Egnp.exe',
  U0BLANK: '\u200B\u2060\u3164 \u200E',
  U0LONG: `${'Wolfeschlegelsteinhausen'.repeat(20)}berger`,
  U0EMOJI: '👩‍💻 Zoë',
  U0ZALGO: `Z${'\u0301'.repeat(40)}oe`,
  U0FORMULA: "Ann;=cmd|' /C calc'!A0",
  U0MARKUP: '<!here> *x* <https://evil.example|y>',
} as const;

/** Hostile or broken display names, as the instructor sees them in Slack, on the projector and in the results. */
describe.skipIf(!testRedisUrl())('display names nobody checked', () => {
  let bot: CheckBot;
  let slack: SlackBotUnderTest;
  let board = '';

  beforeAll(async () => {
    slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('names').slice(0, -1), INSTRUCTORS: INSTRUCTOR },
    });
    bot = await startCheckBot(slack);
    for (const [user, name] of Object.entries(NAMES)) {
      slack.fake.addUser(user, { display_name: name });
      await bot.command('/help', '', user);
      await slack.bot.services.checks.progress.record(
        user,
        'minimesos-basics',
        { passed: [], attempted: ['cluster-up'] },
        Date.now() - 3600_000,
      );
    }
    await until(async () => (await slack.bot.services.attendees.list()).length === Object.keys(NAMES).length);
    board = boardHtml(await fetch(`${slack.baseUrl}/board/${await slack.bot.services.boardLink.token()}`).then((page) => page.text()));
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const attendees = async () =>
    (await bot.command('/workshop', 'attendees', INSTRUCTOR)).text.split('\n').filter((line) => line.startsWith('• '));

  it('a name with line breaks or tabs still takes one line of /workshop attendees', async () => {
    const lines = await attendees();
    // Every attendee, and the instructor (registered by the command itself).
    expect(lines).toHaveLength(Object.keys(NAMES).length + 1);
    expect(lines).toContain('• *Eve long name* · :white_circle: no cluster · Minimesos basics: 0/4 steps');
  });

  it('a right-to-left override in a name does not reverse what follows it, in Slack or on the board', async () => {
    const text = (await attendees()).join('\n');
    expect(text).toContain('• *Mallorygnp.exe* · :white_circle: no cluster');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(board).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // On the board every name is isolated from the text around it, so a right-to-left name cannot reorder it either.
    expect(board).toContain('<th scope="row" class="name"><bdi>Mallorygnp.exe</bdi></th>');
    expect(board).toContain('<bdi class="name">Mallorygnp.exe</bdi> <span class="step">on “Launch your cluster”</span>');
  });

  it('a name of invisible characters only is shown as the attendee, not as a blank', async () => {
    expect(await attendees()).toContain('• <@U0BLANK> · :white_circle: no cluster · Minimesos basics: 0/4 steps');
    expect(board).toContain('<bdi>U0BLANK</bdi>');
    expect(board).not.toMatch(/<bdi>\s*<\/bdi>/);
  });

  it('a 500-character name is cut to 80 characters with “…”, in Slack and on the board', async () => {
    const cut = `${NAMES.U0LONG.slice(0, 79)}…`;
    expect(await attendees()).toContain(`• *${cut}* · :white_circle: no cluster · Minimesos basics: 0/4 steps`);
    expect(board).toContain(`<bdi>${cut}</bdi>`);
    expect(board).not.toContain(NAMES.U0LONG.slice(0, 81));
  });

  it("the instructor's App Home names stuck attendees by mention: no name's markup, override or line break reaches it", async () => {
    const response = await postSigned(slack.eventsUrl, {
      secret: SIGNING_SECRET,
      contentType: 'application/json',
      body: eventBody({ type: 'app_home_opened', user: INSTRUCTOR, channel: 'D0TEACH', tab: 'home', event_ts: String(Date.now() / 1000) }),
    });
    expect(response.status).toBe(200);
    await until(async () => slack.fake.homeOf(INSTRUCTOR) !== undefined);
    const view = slack.fake.homeOf(INSTRUCTOR) as Parameters<typeof homeViewProblems>[0];
    expect(homeViewProblems(view)).toEqual([]);
    const shown = JSON.stringify(view.blocks);
    expect(shown).toContain('• <@U0RLO> on “Launch your cluster”');
    for (const name of Object.values(NAMES)) expect(shown).not.toContain(JSON.stringify(name).slice(1, -1));
    expect(shown).not.toContain('<!here>');
  });

  it('emoji and accents stay as they are; a tower of combining marks is cut down to four', async () => {
    const text = (await attendees()).join('\n');
    expect(text).toContain('• *👩‍💻 Zoë* ·');
    expect(text).toContain(`• *Z${'\u0301'.repeat(4)}oe* ·`);
    expect(board).toContain('<bdi>👩‍💻 Zoë</bdi>');
  });
});

describe.skipIf(!testRedisUrl())('the results of a room with hostile names', () => {
  let bot: CheckBot;
  afterAll(async () => {
    await bot?.stop();
  });

  it('the CSV keeps each name in one cell that no spreadsheet runs as a formula, even one splitting on semicolons', async () => {
    const slack = await startSlackBot({
      env: { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('names-csv').slice(0, -1), INSTRUCTORS: INSTRUCTOR },
    });
    bot = await startCheckBot(slack);
    slack.fake.addUser('U0FORMULA', { display_name: NAMES.U0FORMULA });
    await bot.command('/help', '', 'U0FORMULA');
    await until(async () => (await slack.bot.services.attendees.list()).some((attendee) => attendee.name !== undefined));
    await bot.command('/workshop', 'start 1', INSTRUCTOR);
    expect((await bot.command('/workshop', 'end --confirm', INSTRUCTOR)).text).toContain('Session ended.');
    const csv = slack.fake.uploads.find((upload) => upload.completed)!.content!.toString('utf8');
    const rows = parseCsv(csv).slice(1);
    expect(rows.map((row) => row[1])).toEqual(rows.map(() => NAMES.U0FORMULA));
    // Excel in most of Europe reads a .csv with semicolons between cells.
    const cells = parseCsv(csv.replaceAll(';', ',')).flat();
    expect(cells.filter((cell) => /^\s*[=+\-@]/.test(cell))).toEqual([]);
  });
});

/** The board's markup, as the page serves it. */
function boardHtml(page: string): string {
  return page.slice(page.indexOf('<main'), page.indexOf('</main>'));
}
