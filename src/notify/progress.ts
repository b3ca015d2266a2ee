import type { Logger } from '../logger.js';
import type { Message, MessageRef } from '../render/blocks.js';
import type { Notifier } from './notifier.js';

/**
 * One message edited as work moves on. Slack allows about one update per second per channel, so
 * updates are coalesced: the latest wins, and `finish` always lands. An update that would show
 * what the message already shows is not sent.
 */
export class ProgressMessage {
  private pending: Message | undefined;
  private shown: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private sending: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly notifier: Notifier,
    readonly ref: MessageRef,
    private readonly log: Logger,
    private readonly minIntervalMs = 1100,
  ) {}

  show(message: Message): void {
    if (this.finished) return;
    this.pending = message;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  /** Sends the final state now (after any update in flight) and stops further updates. */
  async finish(message: Message): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.finished = true;
    this.pending = message;
    this.send();
    await this.sending;
  }

  private send(): void {
    const message = this.pending;
    if (!message) return;
    this.pending = undefined;
    const content = JSON.stringify([message.text, message.blocks ?? null]);
    if (content === this.shown) return;
    this.shown = content;
    this.lastSent = Date.now();
    this.sending = this.sending
      .then(() => this.notifier.update(this.ref, message))
      .catch((err: unknown) => this.log.warn({ err, ref: this.ref }, 'could not update a progress message'));
  }
}
