import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Something the room's views show has changed: an attendee's cluster or progress, a new attendee
 * or name, the exercise the instructor started, or the board's link. `user` says whose, when one
 * person's.
 */
export interface RoomChange {
  kind: 'cluster' | 'progress' | 'attendee' | 'session' | 'board-link';
  user?: string;
}

/**
 * The Redis pub/sub channel of room changes. Channels are not keys, so ioredis does not prefix
 * them: the key prefix is added here, and two bots on one Redis hear only their own room.
 */
export function roomChangesChannel(redis: Redis): string {
  return `${redis.options.keyPrefix ?? ''}room-changes`;
}

/** Tells every process showing the room (the board page, App Home tabs) that `change` happened. */
export async function publishRoomChange(redis: Redis, change: RoomChange): Promise<void> {
  await redis.publish(roomChangesChannel(redis), JSON.stringify(change));
}

/** The same, as part of a MULTI (`channel` from roomChangesChannel), so the change is told with the write that made it. */
export function queueRoomChange(transaction: ChainableCommander, channel: string, change: RoomChange): ChainableCommander {
  return transaction.publish(channel, JSON.stringify(change));
}

export type RoomChangeListener = (change: RoomChange) => void;

/**
 * Listens to room changes on a connection of its own (a subscribed connection can do nothing else),
 * opened with the first listener. Changes are hints to read the room again, not the room itself: a
 * change missed while Redis was away is made up for by the readers' periodic refresh.
 */
export class RoomChanges {
  private subscriber: Redis | undefined;
  private readonly listeners = new Set<RoomChangeListener>();

  constructor(
    private readonly redis: () => Redis,
    private readonly log: Logger,
  ) {}

  /** Calls `listener` with every change from now on; returns what stops it. */
  listen(listener: RoomChangeListener): () => void {
    this.listeners.add(listener);
    this.connect();
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    // Nothing to flush on a subscribed connection; and QUIT would wait forever for a Redis that never answered.
    subscriber?.disconnect();
  }

  private connect(): void {
    if (this.subscriber) return;
    const main = this.redis();
    const channel = roomChangesChannel(main);
    // Unlike the command connection, this one waits out a Redis restart and subscribes again (ioredis does).
    const subscriber = main.duplicate({ lazyConnect: false, maxRetriesPerRequest: null, commandTimeout: undefined });
    subscriber.on('error', (err: Error) => this.log.debug({ err }, 'room changes: redis connection error'));
    subscriber.on('message', (_channel: string, raw: string) => {
      const change = parseChange(raw);
      if (!change) return;
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          this.log.error({ err: error, change }, 'a room change listener failed');
        }
      }
    });
    subscriber.subscribe(channel).catch((error: unknown) => this.log.warn({ err: error }, 'could not listen to room changes'));
    this.subscriber = subscriber;
  }
}

function parseChange(raw: string): RoomChange | undefined {
  try {
    const change = JSON.parse(raw) as RoomChange;
    return typeof change?.kind === 'string' ? change : undefined;
  } catch {
    return undefined;
  }
}
