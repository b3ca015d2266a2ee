import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_EXERCISE_KEY } from '../../src/checks/service.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { NUDGE_TAG, SUMMARY_TAG } from '../../src/workshop/checkins.js';
import type { PostedMessage } from '../support/fake-slack.js';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { INSTRUCTOR, shownText, spawnWorker, startWorkshopBot, type WorkshopBot } from './harness.js';

const ROOM_SIZE = 30;
const EXERCISE = 'mesos-ui';
const isTagged = (type: string) => (message: PostedMessage) => message.metadata?.event_type === type;

/**
 * `workshop-bot worker` processes killed with SIGKILL in the middle of a check-in sweep of 30
 * stuck attendees, twice. Slack answers each post 400 ms late, so a kill leaves nudges that reached
 * Slack without the worker knowing: the next worker must find them there instead of posting again,
 * and take over the checks the dead one held.
 */
describe.skipIf(!testRedisUrl())('check-in crash safety: workers killed mid-sweep', () => {
  let room: WorkshopBot;
  const clusters: SimulatedCluster[] = [];
  const workers: ChildProcess[] = [];
  const attendees = Array.from({ length: ROOM_SIZE }, (_, i) => `U0S${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    room = await startWorkshopBot({ ATTACH_ALLOW: '127.0.0.0/8' });
    room.fake.delayAnswers('chat.postMessage', 400);
    const { services } = room.bot;
    for (let i = 0; i < 3; i++) clusters.push(await startSimulatedCluster({ agents: 1 }));
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    const passed = ['master-ui', 'marathon-framework', 'agents-tab'];
    for (const [index, user] of attendees.entries()) {
      const cluster = clusters[index % clusters.length]!;
      await services.attendees.register(user);
      await services.clusters.attach(user, { master: cluster.masterUrl, marathon: cluster.marathonUrl, agents: cluster.agentUrls });
      await services.checks.progress.record(user, EXERCISE, { passed, attempted: [...passed, 'scope-running'] }, tenMinutesAgo);
    }
    await services.store.redis.set(CURRENT_EXERCISE_KEY, EXERCISE);
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await room?.stop();
    for (const cluster of clusters) await cluster.stop();
  });

  function startWorker(): ChildProcess {
    const worker = spawnWorker(room, { ATTACH_ALLOW: '127.0.0.0/8', CHECKIN_STUCK_MINUTES: '5', CHECKIN_CONCURRENCY: '3' });
    workers.push(worker);
    return worker;
  }
  const nudgesTo = (user: string) => room.fake.dmsTo(user).filter(isTagged(NUDGE_TAG));
  const nudged = () => attendees.filter((user) => nudgesTo(user).length > 0).length;

  it('nudges every stuck attendee exactly once and sends one summary of all of them', async () => {
    expect((await room.run(INSTRUCTOR, '/workshop checkins now')).text).toContain('Checking the room now');
    let worker = startWorker();
    for (const atLeast of [6, 16]) {
      await until(async () => nudged() >= atLeast, 60_000, 20);
      worker.kill('SIGKILL');
      expect(nudged()).toBeLessThan(ROOM_SIZE);
      worker = startWorker();
    }
    await until(async () => room.fake.dmsTo(INSTRUCTOR).some(isTagged(SUMMARY_TAG)), 180_000, 100);

    for (const user of attendees) expect(nudgesTo(user), user).toHaveLength(1);
    const summaries = room.fake.dmsTo(INSTRUCTOR).filter(isTagged(SUMMARY_TAG));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.text).toBe(`Check-in: 2. Mesos UI & Weave Scope: 0 of ${ROOM_SIZE} done, ${ROOM_SIZE} stuck`);
    expect(shownText(summaries[0]!)).toContain(`Stuck on *Weave Scope runs as a task*, ${ROOM_SIZE}`);
    // The dead workers' nudges in flight were looked up in Slack, not posted again.
    expect(room.fake.callsOf('conversations.history').length).toBeGreaterThan(0);
    // Every attendee's check is recorded, once or more (a check the dead worker held runs again).
    const progress = await room.bot.services.checks.progress.getRoom(attendees, [EXERCISE]);
    for (const user of attendees)
      expect(progress.get(user)?.get(EXERCISE)?.steps['scope-running']?.attempts, user).toBeGreaterThanOrEqual(2);
  }, 300_000);
});
