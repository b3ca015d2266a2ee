import { type ChildProcess, spawn } from 'node:child_process';
import type { Worker } from 'bullmq';
import { broadcastReportMessage } from '../../commands/render/room-messages.js';
import { type TerminalEvent, TerminalResponder } from '../../src/adapters/terminal/responder.js';
import { type BotApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startWorkers } from '../../src/queue/queues.js';
import { messageToText } from '../../src/render/text.js';
import { parseCommandLine } from '../../src/router/command-line.js';
import { checkinWork } from '../../src/worker.js';
import { BROADCAST_TAG, broadcastProcessor, broadcastWorkerOptions, REPORT_TAG } from '../../src/workshop/broadcast.js';
import { FakeSlack, type PostedMessage } from '../support/fake-slack.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

export const INSTRUCTOR = 'U0TEACH';

/** `count` attendee ids: `U0ATT0001`… (another `prefix` for another set). */
export const attendeeIds = (count: number, prefix = 'U0ATT', from = 1) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(from + i).padStart(4, '0')}`);
export const ROOM = 'C0ROOM';

export interface WorkshopBot {
  fake: FakeSlack;
  bot: BotApp;
  /** Runs a command line as `user` in `channel`, through the router; returns what it answered, as text, and the events. */
  run(user: string, line: string, channel?: string): Promise<{ text: string; events: TerminalEvent[] }>;
  /** Presses a button as `user`. */
  press(user: string, actionId: string, value: string): Promise<string>;
  /** Registers each user as an attendee, as their first command does. */
  register(users: string[]): Promise<void>;
  /** Starts the `broadcasts` queue's worker in this process (as `workshop-bot worker` would). */
  startWorker(): Worker;
  /** The broadcast DMs `user` got. */
  broadcastsTo(user: string): PostedMessage[];
  /** Waits for the delivery report of the instructor's latest broadcast. */
  report(timeoutMs?: number): Promise<PostedMessage>;
  stop(): Promise<void>;
}

/** The bot with a Slack notifier talking to a fake Slack, on the tests' Redis, its worker started on demand. */
export async function startWorkshopBot(env: Record<string, string> = {}): Promise<WorkshopBot> {
  const fake = await new FakeSlack().start();
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: fake.apiUrl,
      REDIS_URL: testRedisUrl()!,
      WORKSHOP_KEY_PREFIX: uniquePrefix('room').slice(0, -1),
      INSTRUCTORS: INSTRUCTOR,
      LOG_LEVEL: 'silent',
      ...env,
    },
    'local',
  );
  const log = createLogger('silent', { pretty: false });
  const bot = createApp(config, { log });
  const workers: Worker[] = [];
  const isTagged = (type: string) => (message: PostedMessage) => message.metadata?.event_type === type;
  const run: WorkshopBot['run'] = async (user, line, channel = ROOM) => {
    const events: TerminalEvent[] = [];
    await bot.router.dispatch(parseCommandLine(line, user, channel), new TerminalResponder(channel, (event) => events.push(event)));
    return { text: events.map((event) => messageToText(event.payload)).join('\n'), events };
  };
  return {
    fake,
    bot,
    run,
    async press(user, actionId, value) {
      const events: TerminalEvent[] = [];
      await bot.router.dispatchAction({ user, channel: ROOM, actionId, value }, new TerminalResponder(ROOM, (event) => events.push(event)));
      return events.map((event) => messageToText(event.payload)).join('\n');
    },
    async register(users) {
      for (const user of users) await run(user, '/help');
    },
    startWorker() {
      const worker = startBroadcastWorker(bot);
      workers.push(worker);
      return worker;
    },
    broadcastsTo(user) {
      return fake.dmsTo(user).filter(isTagged(BROADCAST_TAG));
    },
    async report(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const report = fake.dmsTo(INSTRUCTOR).find(isTagged(REPORT_TAG));
        if (report) return report;
        if (Date.now() > deadline) throw new Error(`no delivery report within ${timeoutMs} ms (${fake.messages.length} messages posted)`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.close()));
      await bot.close();
      await fake.stop();
    },
  };
}

/** The `broadcasts` queue's worker, wired as `workshop-bot worker` wires it, in this process. */
export function startBroadcastWorker(bot: BotApp): Worker {
  const { config, log, notifier, broadcasts } = bot.services;
  const processor = broadcastProcessor({ broadcasts, notifier, messages: { report: broadcastReportMessage }, log });
  const [worker] = startWorkers(
    config.redisUrl,
    config.keyPrefix,
    { broadcasts: { processor, options: broadcastWorkerOptions(config) } },
    log,
  );
  return worker!;
}

/** The broadcast id on the Stop button of /workshop broadcast's answer. */
export function broadcastIdOf(events: TerminalEvent[]): string {
  for (const event of events) {
    for (const block of event.payload.blocks ?? []) {
      if (block.type === 'actions') {
        const stop = block.elements.find((element) => element.action_id === 'workshop.stop');
        if (stop?.value) return stop.value;
      }
    }
  }
  throw new Error('no Stop button in the answer');
}

/** Text of a message as Slack would show it (its blocks' text). */
export function shownText(message: PostedMessage): string {
  return JSON.stringify(message.blocks);
}

/** The `checkins` queue's worker, wired as `workshop-bot worker` wires it, in this process. */
export function startCheckinWorker(bot: BotApp): Worker {
  const { config, log } = bot.services;
  const [worker] = startWorkers(config.redisUrl, config.keyPrefix, { checkins: checkinWork(bot) }, log);
  return worker!;
}

/** A `workshop-bot worker` process from dist/ on the room's Redis and fake Slack (posts paced fast); `env` adds to its settings. */
export function spawnWorker(room: WorkshopBot, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['dist/src/cli/main.js', 'worker'], {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: room.fake.apiUrl,
      REDIS_URL: testRedisUrl()!,
      WORKSHOP_KEY_PREFIX: room.bot.config.keyPrefix,
      INSTRUCTORS: INSTRUCTOR,
      CLUSTER_ISOLATION: 'shared',
      BROADCAST_PER_MINUTE: '3000',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'ignore',
  });
}
