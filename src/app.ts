import { ALL_COMMANDS } from '../commands/index.js';
import { homeViews } from '../commands/render/home-views.js';
import { slackNotifierFromConfig } from './adapters/slack/notifier.js';
import { RoomChanges } from './board/changes.js';
import { HomeTabs } from './board/home.js';
import { BoardLink } from './board/link.js';
import { RoomBoard } from './board/room.js';
import type { Exercise } from './checks/exercise.js';
import { loadExercises } from './checks/loader.js';
import { CheckService } from './checks/service.js';
import { AddressPolicy } from './clients/address-policy.js';
import { ConnectGuard, urlTarget } from './clients/connect-guard.js';
import type { HttpClientFactory } from './clients/http.js';
import { ClusterAccess } from './clusters/access.js';
import { provisionedClusterEndpoints } from './clusters/attach.js';
import { BuildStats } from './clusters/build-stats.js';
import { ClusterRegistry } from './clusters/registry.js';
import { ClusterService } from './clusters/service.js';
import { WaitingRoom } from './clusters/waiting-room.js';
import { WarmPool } from './clusters/warm-pool.js';
import type { Config } from './config.js';
import { type Faq, loadFaq } from './faq/faq.js';
import { createLogger, type Logger } from './logger.js';
import { LogNotifier } from './notify/log-notifier.js';
import type { Notifier } from './notify/notifier.js';
import { Queues } from './queue/queues.js';
import { CommandRouter } from './router/router.js';
import type { CommandSpec } from './router/types.js';
import type { AppServices } from './services.js';
import { isRedisUnavailable, Store } from './store/redis.js';
import { AttendeeRegistry } from './workshop/attendees.js';
import { BroadcastService } from './workshop/broadcast.js';
import { CheckinService } from './workshop/checkins.js';
import { InstructorRoles } from './workshop/roles.js';
import { WorkshopRoom } from './workshop/room.js';
import { WorkshopService } from './workshop/service.js';
import { WorkshopSession } from './workshop/session.js';

export interface BotApp {
  config: Config;
  services: AppServices;
  router: CommandRouter;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  log?: Logger;
  commands?: readonly CommandSpec[];
  /** Where jobs show progress; default: Slack when a bot token is configured, else the log. */
  notifier?: Notifier;
  /** The exercises /check uses; default: read and validated from config.exercisesDir (or exercises/). */
  exercises?: Exercise[];
  /** Makes the HTTP clients for cluster endpoints (the check benchmark records what they ask). */
  httpClient?: HttpClientFactory;
  /** Default: the course's topics from src/faq/topics. */
  faq?: Faq;
  /** How often at most one user's App Home is published (default 5 s). */
  homeThrottleMs?: number;
}

/**
 * Wires the bot from its config: every connection to the outside is made here and handed to the
 * commands, so tests run the same code against their own private services. Nothing connects
 * until a command needs it.
 */
export function createApp(config: Config, options: CreateAppOptions = {}): BotApp {
  const log = options.log ?? createLogger(config.logLevel);
  // A broken exercise file stops the bot here, before it serves anyone.
  const exercises = options.exercises ?? loadExercises(config.exercisesDir);
  const store = new Store(config.redisUrl, config.keyPrefix, log);
  const queues = new Queues(config.redisUrl, config.keyPrefix, log);
  const registry = new ClusterRegistry(() => store.redis);
  const guard = new ConnectGuard(new AddressPolicy(config.attachAllow), {
    reserved: [
      { reason: "the bot's own Redis", targets: async () => [urlTarget(config.redisUrl, 6379)] },
      provisionedClusterEndpoints(registry),
    ],
  });
  const warm = new WarmPool(() => store.redis, queues, config);
  const clusters = new ClusterService(registry, queues, new BuildStats(() => store.redis), config, warm);
  const access = new ClusterAccess({ guard, ...(options.httpClient ? { httpClient: options.httpClient } : {}) });
  const notifier = options.notifier ?? slackNotifierFromConfig(config) ?? new LogNotifier(log);
  // The roster's progress is the board's: steps passed in the exercise on the board.
  const attendees: AttendeeRegistry = new AttendeeRegistry(
    () => store.redis,
    notifier,
    log,
    (users) => board.progressOf(users),
  );
  const checks = new CheckService({ exercises, clusters, access, redis: () => store.redis, log });
  const roles = new InstructorRoles(config, notifier, log);
  const board = new RoomBoard({
    redis: () => store.redis,
    exercises,
    progress: checks.progress,
    attendees,
    clusters: registry,
    roles,
  });
  const session = new WorkshopSession({ redis: () => store.redis, exercises, progress: checks.progress, attendees, roles });
  const boardLink = new BoardLink(() => store.redis);
  const changes = new RoomChanges(() => store.redis, log);
  const services: AppServices = {
    config,
    log,
    store,
    queues,
    clusters,
    waitingRoom: new WaitingRoom(
      queues,
      () => store.redis,
      config.dockerHosts.map((host) => host.id),
    ),
    warm,
    access,
    workshop: new WorkshopService(queues, config),
    checks,
    roles,
    attendees,
    room: new WorkshopRoom(() => store.redis, config),
    broadcasts: new BroadcastService(() => store.redis, queues, attendees, config),
    session,
    checkins: new CheckinService(() => store.redis, queues, { checks, attendees, clusters: registry, roles, session }, config),
    notifier,
    // Built on first use: teaching its classifier costs a second or two, which workers and one-shot
    // commands that never answer a question should not pay (`serve` builds it before it listens).
    get faq() {
      return options.faq ?? loadFaq();
    },
    board,
    boardLink,
    changes,
    home: new HomeTabs({
      redis: () => store.redis,
      notifier,
      changes,
      roles,
      board,
      link: boardLink,
      checks,
      clusters: registry,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      render: homeViews,
      log,
      ...(options.homeThrottleMs !== undefined ? { throttleMs: options.homeThrottleMs } : {}),
    }),
  };
  const router = new CommandRouter(options.commands ?? ALL_COMMANDS, services, isRedisUnavailable);
  return {
    config,
    services,
    router,
    async close() {
      services.home.stop();
      services.changes.close();
      await Promise.all([services.queues.close(), services.store.close(), services.access.close()]);
    },
  };
}
