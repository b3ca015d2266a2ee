import { afterEach, describe, expect, it } from 'vitest';
import { CURRENT_EXERCISE_KEY } from '../../src/checks/service.js';
import { testRedisUrl } from '../support/services.js';
import { INSTRUCTOR, startWorkshopBot, type WorkshopBot } from '../workshop/harness.js';

const MINUTE = 60_000;

describe.skipIf(!testRedisUrl())('the room as the board reads it', () => {
  let room: WorkshopBot;
  afterEach(async () => {
    await room?.stop();
  });

  /** Registers attendees by name, as their first command does. */
  async function attend(names: Record<string, string>): Promise<void> {
    for (const [user, name] of Object.entries(names)) {
      room.fake.addUser(user, { display_name: name });
      await room.run(user, '/help');
    }
  }

  it('shows every attendee × step of the exercise most are on, with their cluster, who finished and who is stuck longest', async () => {
    room = await startWorkshopBot();
    await attend({ U0ADA: 'ada', U0BOB: 'Bob', U0CY: 'cy', U0DEE: 'dee' });
    await room.run(INSTRUCTOR, '/help');
    const { progress } = room.bot.services.checks;
    const now = Date.now();
    // Ada finished basics and is on Marathon: two steps passed, the third tried.
    await progress.record(
      'U0ADA',
      'minimesos-basics',
      { passed: ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'], attempted: [] },
      now - 60 * MINUTE,
    );
    await progress.record(
      'U0ADA',
      'marathon',
      { passed: ['create', 'reachable'], attempted: ['create', 'reachable', 'destroy'] },
      now - 20 * MINUTE,
    );
    // Bob is on Marathon since 45 minutes, nothing passed.
    await progress.record(
      'U0BOB',
      'minimesos-basics',
      { passed: ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'], attempted: [] },
      now - 90 * MINUTE,
    );
    await progress.record('U0BOB', 'marathon', { passed: [], attempted: ['create'] }, now - 45 * MINUTE);
    // Cy is still on the basics.
    await progress.record(
      'U0CY',
      'minimesos-basics',
      { passed: ['cluster-up'], attempted: ['cluster-up', 'cluster-name'] },
      now - 5 * MINUTE,
    );
    const registry = room.bot.services.clusters.registry;
    await registry.claim({
      attendee: 'U0ADA',
      kind: 'provisioned',
      status: 'ready',
      clusterId: '1',
      endpoints: { master: 'http://10.1.2.3:5050' },
    });
    await registry.claim({ attendee: 'U0BOB', kind: 'provisioned', status: 'provisioning', clusterId: '2' });
    await registry.claim({ attendee: 'U0CY', kind: 'provisioned', status: 'queued', clusterId: '3' });

    const snapshot = await room.bot.services.board.snapshot(now);
    expect(snapshot.exercise).toMatchObject({ id: 'marathon', number: 3, title: 'Marathon' });
    expect(snapshot.source).toBe('most');
    expect(snapshot.rows.map((row) => [row.name, row.cluster ?? 'none', row.marks.join(' ')])).toEqual([
      ['ada', 'ready', 'pass pass fail todo todo todo'],
      ['Bob', 'provisioning', 'fail todo todo todo todo todo'],
      ['cy', 'queued', 'todo todo todo todo todo todo'],
      ['dee', 'none', 'todo todo todo todo todo todo'],
    ]);
    expect(snapshot.clusters).toEqual({ ready: 1, provisioning: 1, queued: 1, failed: 0, removing: 0, none: 1 });
    // Bob has waited longest (45 min since his first check); Ada's last pass was 20 minutes ago.
    expect(snapshot.stuck.map((row) => [row.name, row.stuck])).toEqual([
      ['Bob', { since: now - 45 * MINUTE, step: 'Create nginx in Marathon' }],
      ['ada', { since: now - 20 * MINUTE, step: "Destroy nginx in Marathon's UI" }],
    ]);
    expect(snapshot.finished).toBe(0);
  });

  it('shows the exercise the instructor started, and counts who finished it', async () => {
    room = await startWorkshopBot();
    await attend({ U0ADA: 'ada', U0BOB: 'bob' });
    const basics = ['cluster-up', 'cluster-name', 'sandbox-volume', 'scope-logs'];
    await room.bot.services.checks.progress.record('U0ADA', 'minimesos-basics', { passed: basics, attempted: basics });
    await room.bot.services.checks.progress.record('U0BOB', 'marathon', { passed: ['create'], attempted: ['create'] });
    await room.bot.services.store.redis.set(CURRENT_EXERCISE_KEY, 'minimesos-basics');

    const snapshot = await room.bot.services.board.snapshot();
    expect(snapshot).toMatchObject({ source: 'started', finished: 1, exercise: { id: 'minimesos-basics' } });
    expect(snapshot.stuck).toEqual([]);
  });

  it('/workshop attendees shows each attendee’s steps passed in the exercise on the board', async () => {
    room = await startWorkshopBot();
    await attend({ U0ADA: 'ada', U0BOB: 'bob' });
    await room.bot.services.checks.progress.record('U0ADA', 'marathon', {
      passed: ['create', 'reachable'],
      attempted: ['create', 'reachable', 'destroy'],
    });
    const { text } = await room.run(INSTRUCTOR, '/workshop attendees');
    expect(text).toContain('• *ada* · :white_circle: no cluster · Marathon: 2/6 steps');
    expect(text).toContain('• *bob* · :white_circle: no cluster · no check yet');
  });
});
