import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';
import { INSTRUCTOR, ROOM, spawnWorker, startWorkshopBot, type WorkshopBot } from './harness.js';

const ROOM_SIZE = 300;

/**
 * `workshop-bot worker` processes killed with SIGKILL in the middle of a broadcast, twice. Slack
 * answers each post 300 ms late, so every kill leaves posts that reached Slack without the worker
 * knowing: the next worker must find them there instead of posting them again.
 */
describe.skipIf(!testRedisUrl())('broadcast crash safety: workers killed mid-broadcast', () => {
  let room: WorkshopBot;
  const workers: ChildProcess[] = [];
  const attendees = Array.from({ length: ROOM_SIZE }, (_, i) => `U0K${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    room = await startWorkshopBot();
    room.fake.delayAnswers('chat.postMessage', 300);
    for (const user of attendees) await room.bot.services.attendees.register(user);
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await room?.stop();
  });

  function startWorker(): ChildProcess {
    const worker = spawnWorker(room);
    workers.push(worker);
    return worker;
  }
  const delivered = () => attendees.filter((user) => room.broadcastsTo(user).length > 0).length;

  it('posts to every attendee exactly once, settling the posts the dead workers left in doubt', async () => {
    await room.run(INSTRUCTOR, '/workshop broadcast --dm The ZooKeeper exercise is cancelled');
    let worker = startWorker();
    for (const atLeast of [60, 160]) {
      await until(async () => delivered() >= atLeast, 60_000, 20);
      worker.kill('SIGKILL');
      expect(delivered()).toBeLessThan(ROOM_SIZE);
      worker = startWorker();
    }
    const report = await room.report(180_000);

    expect(report.text).toBe(`:white_check_mark: Broadcast delivered: all ${ROOM_SIZE + 1} sent`);
    for (const user of attendees) expect(room.broadcastsTo(user), user).toHaveLength(1);
    expect(room.fake.messages.filter((message) => message.channel === ROOM)).toHaveLength(1);
    // The dead workers' posts in flight were looked up in Slack, not posted again.
    expect(room.fake.callsOf('conversations.history').length).toBeGreaterThan(0);
    expect(room.fake.dmsTo(INSTRUCTOR)).toHaveLength(1);
  }, 300_000);
});
