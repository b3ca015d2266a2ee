import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eventToText } from '../adapters/terminal/responder.js';
import { runShell } from '../adapters/terminal/shell.js';
import { createApp } from '../app.js';
import { BoardWeb, routeListener } from '../board/web.js';
import { loadDotEnv } from '../config.js';
import { DEPLOYMENT_KEY } from '../docker/labels.js';
import { errorMessage } from '../errors.js';
import type { ChildService } from '../local/child-service.js';
import { startRedisServer } from '../local/redis-server.js';
import { startZookeeperServer } from '../local/zookeeper-server.js';
import { createLogger } from '../logger.js';
import { saveLocalFile } from '../notify/local-file.js';
import type { Notifier, OutgoingFile } from '../notify/notifier.js';
import { packageRoot } from '../package-root.js';
import type { Message, MessageRef } from '../render/blocks.js';
import { readableText } from '../render/text.js';
import { SIMULATOR_NOTE } from '../sim/about.js';
import { type SimulatedCluster, startSimulatedCluster } from '../sim/cluster.js';
import { startBackgroundWork } from '../worker.js';
import { configOrExplain } from './runtime.js';

/** The banner's first thing to try, on one line so it can be typed as printed: exercise 3's nginx app. */
export function installNginxCommand(): string {
  const file = join(packageRoot(), 'exercises', 'files', 'marathon', 'nginx.json');
  return `/cluster install ${JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))}`;
}

/**
 * The whole bot on one terminal: a private Redis, a private ZooKeeper when Java is there, a
 * simulated minimesos cluster attached to the demo user, in-process workers, and the shell.
 * The demo user is also the instructor of a room of simulated attendees (`--room`, each with a
 * simulated cluster of their own), so the instructor's day can be rehearsed without Slack; the
 * projector board is served on a loopback port. What the workers say (a build's progress, its
 * failure, a nudge to an attendee) is printed in the shell; the log goes to a file named in the
 * banner, never into the prompt.
 */
export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      user: { type: 'string', default: 'U0DEMO' },
      agents: { type: 'string', default: '2' },
      room: { type: 'string', default: String(DEFAULT_ROOM) },
    },
  });
  // The demo's user is an instructor, and INSTRUCTORS takes Slack user ids only.
  if (!/^[UW][A-Z0-9]{2,}$/.test(values.user)) {
    process.stderr.write(`--user ${values.user}: give a Slack-like user id (U followed by capital letters and digits, e.g. U0DEMO).\n`);
    return 2;
  }
  const roomSize = Number(values.room);
  if (!Number.isInteger(roomSize) || roomSize < 0 || roomSize > MAX_ROOM) {
    process.stderr.write(`--room ${values.room}: give a whole number of simulated attendees from 0 to ${MAX_ROOM}.\n`);
    return 2;
  }
  const agents = Number(values.agents);
  if (!Number.isInteger(agents) || agents < 1 || agents > MAX_AGENTS) {
    process.stderr.write(`--agents ${values.agents}: give a whole number of simulated agents from 1 to ${MAX_AGENTS}.\n`);
    return 2;
  }
  const logFile = join(tmpdir(), `workshop-bot-demo-${process.pid}.log`);
  const stops: Array<() => Promise<void>> = [];
  try {
    process.stdout.write('Starting a private Redis, ZooKeeper and a simulated minimesos cluster for the demo…\n');
    const redis = await startRedisServer();
    stops.push(redis.stop);
    const zookeeper: (ChildService & { connectString: string }) | undefined = await startZookeeperServer().catch((error: unknown) => {
      process.stdout.write(`(no ZooKeeper: ${errorMessage(error)}; /state zk will not work)\n`);
      return undefined;
    });
    if (zookeeper) stops.push(zookeeper.stop);
    const cluster = await startSimulatedCluster({
      agents,
      // The name minimesos gives a cluster whose file names none: exercise 1's "give it your name" is still to do.
      clusterName: `minimesos-${process.pid}`,
      taskStartDelayMs: 1000,
      ...(zookeeper ? { zookeeper: zookeeper.connectString } : {}),
    });
    stops.push(cluster.stop);
    const room = roomOf(roomSize);
    const roomClusters: SimulatedCluster[] = [];
    for (const attendee of room) {
      const own = await startSimulatedCluster({ agents: 1, clusterName: attendee.name.toLowerCase(), taskStartDelayMs: 1000 });
      stops.push(own.stop);
      roomClusters.push(own);
    }
    const boardServer = createServer();
    await new Promise<void>((resolve) => boardServer.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise((resolve) => boardServer.close(() => resolve())));
    const boardUrl = `http://127.0.0.1:${(boardServer.address() as AddressInfo).port}`;

    // The simulated clusters are attached, and listen on loopback: let attached clusters use them.
    const config = configOrExplain('local', {
      REDIS_URL: redis.url,
      ATTACH_ALLOW: '127.0.0.0/8',
      PUBLIC_URL: boardUrl,
      INSTRUCTORS: [process.env.INSTRUCTORS, values.user].filter(Boolean).join(','),
      ...demoClusterSettings(),
    });
    if (!config) return 2;
    const names = new Map(room.map((attendee) => [attendee.user, attendee.name]));
    const notifier = new ShellNotifier(names);
    const bot = createApp(config, { log: createLogger(config.logLevel, { destination: logFile }), notifier });
    stops.push(() => bot.close());
    const board = new BoardWeb(
      bot.services.board,
      bot.services.boardLink,
      bot.services.changes,
      bot.services.log.child({ component: 'board' }),
    );
    boardServer.on('request', routeListener(board.routes()));
    stops.push(async () => board.close());
    await bot.services.clusters.attach(values.user, {
      master: cluster.masterUrl,
      marathon: cluster.marathonUrl,
      agents: cluster.agentUrls,
      ...(zookeeper ? { zookeeper: zookeeper.connectString } : {}),
    });
    for (const [index, attendee] of room.entries()) {
      const own = roomClusters[index]!;
      await bot.services.attendees.register(attendee.user);
      await bot.services.clusters.attach(attendee.user, { master: own.masterUrl, marathon: own.marathonUrl, agents: own.agentUrls });
    }
    const workers = await startBackgroundWork(bot);
    stops.push(async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    });
    // A cluster built in the demo goes with it (the demo's Redis, which knows it, goes too).
    stops.push(async () => {
      if ((await bot.services.clusters.get(values.user))?.kind === 'provisioned') await bot.services.clusters.down(values.user);
    });
    const deployment = await bot.services.store.redis.get(DEPLOYMENT_KEY);
    await runShell(bot, {
      user: values.user,
      nameOf: (user) => names.get(user),
      onStart: (print) => notifier.attach(print),
      banner: [
        `mesos-workshop-bot demo — a simulated cluster is attached to you:`,
        `  master ${cluster.masterUrl}/  ·  Marathon ${cluster.marathonUrl}/  ·  agents ${cluster.agentUrls.join(' ')}`,
        SIMULATOR_NOTE,
        `Open the master or Marathon in a browser; ${installNginxCommand()}, then open http://${cluster.agents[0]?.address ?? '<agent>'}:80/`,
        'Paste a minimesosFile or a Marathon JSON over several lines inside ``` … ```, as in Slack.',
        'Try: /state resources · /state marathon · /cluster info · /faq what is a framework?',
        ...(room.length > 0
          ? [
              `You are also the instructor of ${room.length} simulated attendee${room.length === 1 ? '' : 's'} (${room.map((attendee) => `${attendee.name} ${attendee.user}`).join(', ')}), each with a simulated cluster of their own:`,
              `  /workshop start 2 · /workshop checkins now · /workshop attendees · /check @${room[0]!.user} · /workshop board (the projector board, served at ${boardUrl}) · /workshop end`,
            ]
          : []),
        `A real cluster on this machine's Docker: /cluster detach, then /cluster up (${config.clusterImages === 'local' ? 'local stand-in images, built on first use: a minute or two' : 'images from the registry'}; its progress is printed here).`,
        `Logs: ${logFile} · deployment ${deployment} (the workshop.deployment label of its containers)`,
      ].join('\n'),
    });
    return 0;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Enough simulated attendees to see a room on the board; more only slow the demo's start. */
const DEFAULT_ROOM = 3;
const MAX_ROOM = 20;
/** The attached cluster's agents: exercise 4 asks for 5. */
const MAX_AGENTS = 10;
const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia'];

/** The demo's simulated attendees: Slack-like user ids and first names (numbered past the list). */
function roomOf(size: number): Array<{ user: string; name: string }> {
  return Array.from({ length: size }, (_, index) => ({
    user: `U0SIM${index + 1}`,
    name: NAMES[index] ?? `Attendee${index + 1}`,
  }));
}

/**
 * Unless told otherwise: the local stand-in images, which need no registry (no registry is asked
 * whether it answers: the demo must work offline), and clusters straight on this machine's engine
 * (one attendee: no engine container to isolate them in).
 */
function demoClusterSettings(): Record<string, string> {
  loadDotEnv();
  return {
    ...(process.env.CLUSTER_IMAGES ? {} : { CLUSTER_IMAGES: 'local' }),
    ...(process.env.CLUSTER_ISOLATION ? {} : { CLUSTER_ISOLATION: 'shared' }),
  };
}

/**
 * The demo's notifier: what workers post or edit (a build's progress, its end, a broadcast, a nudge)
 * is printed in the shell like a command's own messages. Messages from before the shell started wait for it; an edit
 * that changes nothing (a build waiting for room, asking again) is not printed again.
 */
class ShellNotifier implements Notifier {
  constructor(
    /** The simulated attendees' names: what Slack's profiles would say. */
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  private print: ((text: string) => void) | undefined;
  private readonly waiting: string[] = [];
  private readonly shown = new Map<string, string>();
  private readonly nameOf = (user: string): string | undefined => this.names.get(user);
  private sequence = 0;

  attach(print: (text: string) => void): void {
    this.print = print;
    for (const text of this.waiting.splice(0)) print(text);
  }

  async post(channel: string, message: Message, threadOf?: MessageRef): Promise<MessageRef> {
    const ref = { channel, ts: `demo.${++this.sequence}` };
    this.show(eventToText({ kind: 'post', payload: { ...ref, ...(threadOf ? { thread_ts: threadOf.ts } : {}), ...message } }, this.nameOf));
    return ref;
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    const text = eventToText({ kind: 'update', payload: { ...ref, ...message } }, this.nameOf);
    if (this.shown.get(`${ref.channel} ${ref.ts}`) === text) return;
    this.shown.set(`${ref.channel} ${ref.ts}`, text);
    this.show(text);
  }

  dm(user: string, message: Message): Promise<MessageRef> {
    return this.postOnce(user, message);
  }

  /** A DM to the user at this terminal (or a channel post) is printed like the rest; one to a simulated attendee says whom it is for. */
  async postOnce(channel: string, message: Message): Promise<MessageRef> {
    const name = this.names.get(channel);
    if (!name) return this.post(channel, message);
    const body = readableText(message, this.nameOf)
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    this.show(`✉ to ${name} (${channel}):\n${body}`);
    return { channel, ts: `demo.${++this.sequence}` };
  }

  /** The demo has no process to die between posting and recording a post, so nothing is ever in doubt. */
  async wasPosted(): Promise<boolean> {
    return false;
  }

  async displayName(user: string): Promise<string | undefined> {
    return this.names.get(user);
  }

  /** The demo has no Slack workspace, so no user groups: INSTRUCTORS decides alone. */
  async usergroupMembers(): Promise<string[]> {
    return [];
  }

  /** The demo has no App Home tab to show (the shell is all there is); /check and /cluster info say the same. */
  async publishHome(): Promise<void> {}

  /** A file is written where the demo was started, and the shell says where. */
  async upload(_channel: string, file: OutgoingFile): Promise<{ where: string }> {
    const path = await saveLocalFile(process.cwd(), file);
    this.show(`📎 ${file.title}: ${path}`);
    return { where: path };
  }

  private show(text: string): void {
    if (this.print) this.print(text);
    else this.waiting.push(text);
  }
}
