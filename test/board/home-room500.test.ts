import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { attendeeIds, INSTRUCTOR, startWorkshopBot, type WorkshopBot } from '../workshop/harness.js';

/**
 * A room of 500 with their App Home open, and Slack's limit on views.publish (Tier 4: about 100 a
 * minute; here 30 times faster). Starting an exercise changes every Home: each must show it.
 */
describe.skipIf(!testRedisUrl())('App Home in a room of 500: a session change reaches every Home, at Slack’s pace', () => {
  let room: WorkshopBot;
  afterAll(async () => {
    await room?.stop();
  });

  it('publishes all 500 and the instructor’s, the instructor’s first, holding for Slack’s 429s instead of dropping views', async () => {
    room = await startWorkshopBot();
    const { services } = room.bot;
    const users = attendeeIds(500, 'U01ABCDE');
    for (const user of users) await services.attendees.register(user);
    services.home.start();
    for (const user of [INSTRUCTOR, ...users]) await services.home.opened(user);
    room.fake.limit('views.publish', { workspace: { perSecond: (100 / 60) * 30, burst: 20 } });
    const shows = (user: string, text: string) => JSON.stringify(room.fake.homeOf(user)?.blocks ?? []).includes(text);
    const started = (user: string) => shows(user, user === INSTRUCTOR ? 'started by an instructor' : '*2. Mesos UI & Weave Scope*: 0 of 5');
    expect(users.filter(started)).toEqual([]);

    await room.run(INSTRUCTOR, '/workshop start 2');
    await until(async () => started(INSTRUCTOR), 30_000, 20);
    // The instructor is not behind the room.
    expect(users.filter(started).length).toBeLessThan(25);
    await until(async () => users.every(started), 120_000, 200);
    // Paced: Slack said 429 to a few, not to hundreds.
    const refused = room.fake.calls.filter((call) => call.method === 'views.publish' && call.status === 429).length;
    expect(refused).toBeLessThan(50);
  }, 180_000);
});
