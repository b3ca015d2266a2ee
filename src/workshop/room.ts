import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { UserError } from '../errors.js';

export interface RoomChannel {
  channel: string;
  /** `config`: WORKSHOP_CHANNEL; `remembered`: where an instructor used /workshop. */
  source: 'config' | 'remembered';
}

/** Public (C…) and private (G…) channels (and the terminal's C_TERMINAL); DMs (D…) are never the room. */
const isRoomChannel = (channel: string) => /^[CG][A-Z0-9_]+$/.test(channel);

/**
 * The workshop room's channel, where broadcasts go: WORKSHOP_CHANNEL, or else the first channel an
 * instructor used /workshop in (kept in Redis, so every process and restart agrees).
 */
export class WorkshopRoom {
  constructor(
    private readonly redis: () => Redis,
    private readonly config: Pick<Config, 'workshopChannel'>,
  ) {}

  async channel(): Promise<RoomChannel | undefined> {
    if (this.config.workshopChannel) return { channel: this.config.workshopChannel, source: 'config' };
    const remembered = await this.redis().get(KEY);
    return remembered ? { channel: remembered, source: 'remembered' } : undefined;
  }

  /** Called when an instructor uses /workshop somewhere: the first real channel becomes the room. */
  async remember(channel: string): Promise<void> {
    if (this.config.workshopChannel || !isRoomChannel(channel)) return;
    await this.redis().set(KEY, channel, 'NX');
  }

  /** `/workshop channel here`. */
  async moveTo(channel: string): Promise<RoomChannel> {
    if (this.config.workshopChannel) {
      throw new UserError(
        `The workshop channel is fixed by the deployment (WORKSHOP_CHANNEL=${this.config.workshopChannel}).`,
        'Ask whoever deployed the bot to change WORKSHOP_CHANNEL, or to unset it so that /workshop channel here works.',
      );
    }
    if (!isRoomChannel(channel)) {
      throw new UserError('This is a direct message, not a channel.', 'Run /workshop channel here in the channel the room uses.');
    }
    await this.redis().set(KEY, channel);
    return { channel, source: 'remembered' };
  }
}

const KEY = 'workshop:channel';
