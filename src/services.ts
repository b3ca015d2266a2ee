import type { RoomChanges } from './board/changes.js';
import type { HomeTabs } from './board/home.js';
import type { BoardLink } from './board/link.js';
import type { RoomBoard } from './board/room.js';
import type { CheckService } from './checks/service.js';
import type { ClusterAccess } from './clusters/access.js';
import type { ClusterService } from './clusters/service.js';
import type { WaitingRoom } from './clusters/waiting-room.js';
import type { WarmPool } from './clusters/warm-pool.js';
import type { Config } from './config.js';
import type { Faq } from './faq/faq.js';
import type { Logger } from './logger.js';
import type { Notifier } from './notify/notifier.js';
import type { Queues } from './queue/queues.js';
import type { Store } from './store/redis.js';
import type { AttendeeRegistry } from './workshop/attendees.js';
import type { BroadcastService } from './workshop/broadcast.js';
import type { CheckinService } from './workshop/checkins.js';
import type { InstructorRoles } from './workshop/roles.js';
import type { WorkshopRoom } from './workshop/room.js';
import type { WorkshopService } from './workshop/service.js';
import type { WorkshopSession } from './workshop/session.js';

/** The engines a command may use: what a handler needs, never Redis, queues or Docker themselves. */
export interface CommandServices {
  config: Config;
  clusters: ClusterService;
  /** Builds waiting for a Docker host with room, so replies can say so. */
  waitingRoom: WaitingRoom;
  /** Clusters kept built and unassigned on each host (WARM_CLUSTERS, `/workshop warm`). */
  warm: WarmPool;
  /** Mesos/Marathon/ZooKeeper clients for a cluster's endpoints. */
  access: ClusterAccess;
  /** The instructor's jobs for the whole room. */
  workshop: WorkshopService;
  /** Exercises, their checks against attendees' clusters, and attendees' progress. */
  checks: CheckService;
  /** Who may run instructor commands and press instructor buttons (INSTRUCTORS, INSTRUCTOR_GROUP). */
  roles: InstructorRoles;
  /** Everyone who used a command, with their display name. */
  attendees: AttendeeRegistry;
  /** The instructor's session: the room's current exercise (/workshop start, next, end) and its results. */
  session: WorkshopSession;
  /** The room's channel (WORKSHOP_CHANNEL, or where an instructor used /workshop). */
  room: WorkshopRoom;
  /** `/workshop broadcast`: fan-out through the `broadcasts` queue, delivery reports. */
  broadcasts: BroadcastService;
  /** `/workshop checkins`: the sweeps' scheduler, and who asked not to be nudged. */
  checkins: CheckinService;
  /** Posts/edits visible messages outside a command's own responder (workers, reapers). */
  notifier: Notifier;
  /** The course FAQ (/faq, questions in DMs and mentions). */
  faq: Faq;
  /** The room at a glance: attendees × steps of the exercise on the board, clusters, who is stuck. */
  board: RoomBoard;
  /** The projector board's secret link. */
  boardLink: BoardLink;
  /** The App Home tab of each user, kept up to date. */
  home: HomeTabs;
}

/** Everything createApp wires once from the config: the commands' engines plus the infrastructure under them. */
export interface AppServices extends CommandServices {
  log: Logger;
  store: Store;
  queues: Queues;
  /** Room changes (pub/sub): what the board and App Home refresh on. */
  changes: RoomChanges;
}
