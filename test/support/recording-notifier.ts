import type { Notifier } from '../../src/notify/notifier.js';
import type { Message, MessageRef } from '../../src/render/blocks.js';

/** A Notifier that keeps what it was asked to show, for tests of code that talks outside a reply. */
export class RecordingNotifier implements Notifier {
  readonly posts: Array<{ channel: string; message: Message }> = [];
  readonly updates: Array<{ at: number; ref: MessageRef; message: Message }> = [];
  readonly dms: Array<{ user: string; message: Message }> = [];

  async post(channel: string, message: Message): Promise<MessageRef> {
    this.posts.push({ channel, message });
    return { channel, ts: '1.1' };
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    this.updates.push({ at: Date.now(), ref, message });
  }

  async dm(user: string, message: Message): Promise<MessageRef> {
    this.dms.push({ user, message });
    return { channel: user, ts: '2.1' };
  }
}
