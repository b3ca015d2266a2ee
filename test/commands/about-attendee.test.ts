import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { testRedisUrl } from '../support/services.js';
import { runSlashCommand, type SlackBotUnderTest, startSlackBot } from '../support/slack-bot.js';

const INSTRUCTOR = 'U0TEACH';
const text = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? call.body.text);

/**
 * An instructor helps a stuck attendee by looking at their cluster: `/cluster info|state|ps|logs`,
 * `/state …` and `/check` with `@attendee` (Slack sends the mention as `<@U…|name>`), and
 * `/cluster down @attendee`, logged with who did it. Everyone else naming someone is refused.
 */
describe.skipIf(!testRedisUrl())('instructors on an attendee’s cluster (e2e, through Bolt)', () => {
  let slack: SlackBotUnderTest;
  let alices: SimulatedCluster;
  let bobs: SimulatedCluster;
  const logFile = join(mkdtempSync(join(tmpdir(), 'about-attendee-')), 'bot.log');
  const run = (command: string, args: string, user: string) => runSlashCommand(slack, command, args, user);

  beforeAll(async () => {
    alices = await startSimulatedCluster({ agents: 1, clusterName: 'alice' });
    bobs = await startSimulatedCluster({ agents: 1, clusterName: 'bob' });
    const env = { REDIS_URL: testRedisUrl()!, ATTACH_ALLOW: '127.0.0.0/8', INSTRUCTORS: INSTRUCTOR, LOG_LEVEL: 'info' };
    slack = await startSlackBot({ env, app: { log: createLogger('info', { destination: logFile }) } });
    slack.fake.addUser('U0ALICE', { display_name: 'Alice' });
    slack.fake.addUser('U0BOB', { display_name: 'Bob' });
    // Slack sends a typed address as a link: `<http://…>`, or `<http://…|shown text>`.
    const attached = await run(
      '/cluster',
      `attach master=<${alices.masterUrl}> marathon=<${alices.marathonUrl}|${alices.marathonUrl}>`,
      'U0ALICE',
    );
    expect(text(attached.replies[0]!)).toContain('Attached your cluster');
    await run('/cluster', `attach master=<${bobs.masterUrl}>`, 'U0BOB');
  }, 60_000);
  afterAll(async () => {
    await slack?.stop();
    await alices?.stop();
    await bobs?.stop();
  });

  it("shows an instructor the attendee's cluster, not their own", async () => {
    const { replies } = await run('/cluster', 'info <@U0ALICE|alice>', INSTRUCTOR);
    expect(text(replies[0]!)).toContain("<@U0ALICE>'s cluster (attached): ready");
    expect(text(replies[0]!)).toContain(alices.masterUrl);
    const ps = await run('/cluster', 'ps @Alice', INSTRUCTOR); // a display name, as typed in a terminal
    expect(text(ps.replies[0]!)).toContain('FRAMEWORK');
    expect(text(ps.replies[0]!)).toContain("<@U0ALICE>'s cluster · no task is running");
    const nobody = await run('/cluster', 'info <@U0NOBODY>', INSTRUCTOR);
    expect(text(nobody.replies[0]!)).toContain("<@U0NOBODY> doesn't have a cluster.");
  });

  it('refuses an attendee who names someone else, and shows them nothing of it', async () => {
    for (const [command, words] of [
      ['/cluster', 'info <@U0ALICE>'],
      ['/cluster', 'down <@U0ALICE>'],
      ['/state', 'tasks <@U0ALICE>'],
      ['/check', '<@U0ALICE>'],
    ] as const) {
      const { replies, posts } = await run(command, words, 'U0BOB');
      expect(text(replies[0]!)).toContain('Only instructors can run');
      expect(text(replies[0]!)).not.toContain(alices.masterUrl);
      expect(posts).toEqual([]);
    }
    expect((await slack.bot.services.clusters.get('U0ALICE'))?.status).toBe('ready');
  });

  it('says what is wrong with a bare user id instead of showing the caller their own cluster', async () => {
    const { replies } = await run('/cluster', 'info U0ALICE', 'U0BOB');
    expect(text(replies[0]!)).toContain('/cluster info takes no other words (you gave \\"U0ALICE\\")');
    expect(text(replies[0]!)).toContain('Instructors name an attendee with @');
    const check = await run('/check', 'U0ALICE', INSTRUCTOR);
    expect(text(check.replies[0]!)).toContain('\\"U0ALICE\\" looks like someone\'s user id, not an exercise.');
    expect(text(check.replies[0]!)).toContain('`/check @U0ALICE`. The exercises: 1. minimesos-basics');
  });

  it("posts the attendee's state into a thread, named as theirs", async () => {
    const { posts } = await run('/state', 'frameworks <@U0ALICE>', INSTRUCTOR);
    expect(text(posts[0]!)).toContain("<@U0ALICE>'s Mesos frameworks: 1 (1 active)");
  });

  it("checks the attendee's cluster for the instructor, recorded as theirs, without their buttons", async () => {
    await run('/workshop', 'start 2', INSTRUCTOR);
    const { replies } = await run('/check', '<@U0ALICE>', INSTRUCTOR);
    const answer = JSON.stringify(replies[0]!.body.blocks);
    expect(answer).toContain('<@U0ALICE>: 3 of 5 steps done');
    expect(answer).toContain("Checked on <@U0ALICE>'s cluster for you");
    expect(answer).not.toContain('check.hint');
    const progress = await slack.bot.services.checks.progress.get('U0ALICE', 'mesos-ui');
    expect(progress['master-ui']?.passedAt).toBeGreaterThan(0);
    expect(await slack.bot.services.checks.progress.get(INSTRUCTOR, 'mesos-ui')).toEqual({});
    // Their progress is titled as theirs, not "Your progress".
    const progressReply = JSON.stringify((await run('/check', 'progress <@U0ALICE>', INSTRUCTOR)).replies[0]!.body);
    expect(progressReply).toContain("<@U0ALICE>'s progress");
    expect(progressReply).toContain('✅ Open the master');
    expect(progressReply).not.toContain('Your progress');
  });

  it("removes the attendee's cluster, and the log says which instructor did it", async () => {
    const { replies } = await run('/cluster', 'down <@U0BOB|bob>', INSTRUCTOR);
    expect(text(replies[0]!)).toContain("Detached <@U0BOB>'s cluster");
    expect(await slack.bot.services.clusters.get('U0BOB')).toBeNull();
    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ user: INSTRUCTOR, attendee: 'U0BOB', msg: "an instructor removed an attendee's cluster" }),
    );
  });
});
