import { afterEach, describe, expect, it } from 'vitest';
import { attendeesMessage } from '../../commands/render/room-messages.js';
import { createLogger } from '../../src/logger.js';
import { messageToText } from '../../src/render/text.js';
import { AttendeeRegistry } from '../../src/workshop/attendees.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { testRedisUrl } from '../support/services.js';
import { INSTRUCTOR, startWorkshopBot, type WorkshopBot } from './harness.js';

describe.skipIf(!testRedisUrl())('attendees', () => {
  let room: WorkshopBot;
  afterEach(async () => {
    await room?.stop();
  });

  it('registers whoever uses any command, even one refused, and reads their display name from Slack once', async () => {
    room = await startWorkshopBot();
    room.fake.addUser('U0ALICE', { display_name: 'alice', real_name: 'Alice Liddell' });
    room.fake.addUser('U0BOB', { display_name: '', real_name: 'Bob Marley' });
    await room.run('U0ALICE', '/help');
    await room.run('U0ALICE', '/cluster info');
    await room.run('U0BOB', '/workshop broadcast hi');
    await room.run('U0ALICE', '/faq what is mesos');

    expect(await room.bot.services.attendees.list()).toEqual([
      { user: 'U0ALICE', name: 'alice', joinedAt: expect.any(Number) },
      { user: 'U0BOB', name: 'Bob Marley', joinedAt: expect.any(Number) },
    ]);
    expect(room.fake.callsOf('users.info').map((call) => call.body.user)).toEqual(['U0ALICE', 'U0BOB']);
  });

  it('registers someone whose name Slack will not give now, without the name', async () => {
    room = await startWorkshopBot();
    room.fake.rateLimit('users.info', 30);
    await room.run('U0CAROL', '/help');
    expect(await room.bot.services.attendees.list()).toEqual([{ user: 'U0CAROL', joinedAt: expect.any(Number) }]);
  });

  it('/workshop attendees lists everyone by name with their cluster, filters by cluster status, and pages', async () => {
    room = await startWorkshopBot();
    const names = ['zoe', 'Adam', 'mia', 'Bea'];
    names.forEach((name, i) => {
      room.fake.addUser(`U0N${i}`, { display_name: name });
    });
    for (let i = 0; i < names.length; i++) await room.run(`U0N${i}`, '/help');
    const registry = room.bot.services.clusters.registry;
    await registry.claim({ attendee: 'U0N0', kind: 'provisioned', status: 'ready', clusterId: '1' });
    await registry.claim({ attendee: 'U0N2', kind: 'provisioned', status: 'failed', clusterId: '2' });

    const { text } = await room.run(INSTRUCTOR, '/workshop attendees');
    expect(text.split('\n')).toEqual([
      '*5 attendees* · clusters: 1 ready, 1 failed, 3 none',
      '• *Adam* · :white_circle: no cluster · no check yet',
      '• *Bea* · :white_circle: no cluster · no check yet',
      '• *mia* · :red_circle: failed · no check yet',
      `• <@${INSTRUCTOR}> (instructor) · :white_circle: no cluster · no check yet`,
      '• *zoe* · :large_green_circle: ready · no check yet',
      'Instructors are left out of the board, check-ins and the results.',
    ]);
    expect((await room.run(INSTRUCTOR, '/workshop attendees --cluster failed')).text).toContain(
      'With cluster status *failed*: 1\n• *mia* · :red_circle: failed · no check yet',
    );
    expect((await room.run(INSTRUCTOR, '/workshop attendees --cluster broken')).text).toBe(
      ':warning: --cluster "broken" is not a cluster status.\nUse one of: ready, queued, provisioning, failed, removing, none.',
    );
    expect((await room.run(INSTRUCTOR, '/workshop attendees everyone')).text).toContain('"everyone" is not one.');
  });

  it('shows exercise progress from the checks engine, and a room of 500 a page at a time', async () => {
    room = await startWorkshopBot();
    const registry = new AttendeeRegistry(
      () => room.bot.services.store.redis,
      new RecordingNotifier(),
      createLogger('silent', { pretty: false }),
      async (users) =>
        new Map(users.filter((user) => user !== 'U0P001').map((user) => [user, { exercise: '03-marathon', passed: 2, steps: 5 }])),
    );
    for (let i = 0; i < 500; i++) await registry.register(`U0P${String(i).padStart(3, '0')}`);
    const roster = await registry.roster(room.bot.services.clusters.registry);
    const first = messageToText(attendeesMessage(roster, { page: 1, tracksProgress: registry.tracksProgress }));
    expect(first).toContain('*500 attendees* · clusters: 500 none');
    expect(first).toContain('• <@U0P000> · :white_circle: no cluster · 03-marathon: 2/5 steps');
    expect(first).toContain('• <@U0P001> · :white_circle: no cluster · no check yet');
    expect(first).toContain('Page 1 of 13: /workshop attendees --page 2');
    const last = messageToText(attendeesMessage(roster, { page: 13, tracksProgress: true }));
    expect(last).toContain('• <@U0P499>');
    expect(last).toContain('Page 13 of 13: /workshop attendees --page 1');
    const past = messageToText(attendeesMessage(roster, { page: 999, tracksProgress: true }));
    expect(past).toContain('• <@U0P499>');
    expect(past).toContain('There is no page 999: the last is 13, shown here. · Page 13 of 13');
    expect(messageToText(attendeesMessage(roster.slice(0, 5), { page: 2, tracksProgress: true }))).toContain(
      'There is no page 2: everyone is on this one.',
    );
  });
});
