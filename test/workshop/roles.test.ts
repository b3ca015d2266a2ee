import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../src/adapters/slack/notifier.js';
import { InstructorRoles } from '../../src/workshop/roles.js';
import { FakeSlack } from '../support/fake-slack.js';

describe('instructor roles', () => {
  let fake: FakeSlack;
  let notifier: SlackNotifier;
  const logged: Array<{ msg: string; reason?: string }> = [];
  const log = pino(
    { level: 'warn' },
    new Writable({
      write(line, _encoding, done) {
        logged.push(JSON.parse(String(line)) as { msg: string });
        done();
      },
    }),
  );
  const groupReads = () => fake.calls.filter((call) => call.method === 'usergroups.users.list').length;

  beforeEach(async () => {
    fake = await new FakeSlack().start();
    notifier = new SlackNotifier(new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } }));
    logged.length = 0;
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('counts the users in INSTRUCTORS, without asking Slack', async () => {
    const roles = new InstructorRoles({ instructors: ['U0TEACH'] }, notifier, log);
    expect(await roles.isInstructor('U0TEACH')).toBe(true);
    expect(await roles.isInstructor('U0ATTENDEE')).toBe(false);
    expect(fake.calls).toEqual([]);
  });

  it('counts the members of INSTRUCTOR_GROUP, read once for many commands and again when the cache is stale', async () => {
    fake.setUsergroup('S0TEACHERS', ['U0ASSIST']);
    const roles = new InstructorRoles({ instructors: ['U0TEACH'], instructorGroup: 'S0TEACHERS' }, notifier, log, 300);
    const answers = await Promise.all(['U0ASSIST', 'U0ATTENDEE', 'U0ASSIST', 'U0OTHER'].map((user) => roles.isInstructor(user)));
    expect(answers).toEqual([true, false, true, false]);
    expect(groupReads()).toBe(1);

    fake.setUsergroup('S0TEACHERS', ['U0ASSIST', 'U0NEWHELP']);
    expect(await roles.isInstructor('U0NEWHELP')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await roles.isInstructor('U0NEWHELP')).toBe(true);
    expect(groupReads()).toBe(2);
  });

  it('keeps INSTRUCTORS and the members last read when the group cannot be read, and says why in the log', async () => {
    fake.setUsergroup('S0TEACHERS', ['U0ASSIST']);
    const roles = new InstructorRoles({ instructors: ['U0TEACH'], instructorGroup: 'S0TEACHERS' }, notifier, log, 0);
    expect(await roles.isInstructor('U0ASSIST')).toBe(true);
    fake.fail('usergroups.users.list', 'plan_upgrade_required');
    expect(await roles.isInstructor('U0ASSIST')).toBe(true);
    expect(await roles.isInstructor('U0TEACH')).toBe(true);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'could not read the INSTRUCTOR_GROUP user group; INSTRUCTORS and the members last read still count',
        reason: expect.stringContaining('plan_upgrade_required'),
      }),
    ]);
    // A failed read is not retried on every command.
    expect(await roles.isInstructor('U0ATTENDEE')).toBe(false);
    expect(groupReads()).toBe(2);
  });
});
