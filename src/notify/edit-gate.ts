import type { Message, MessageRef } from '../render/blocks.js';

interface MessageState {
  /** What the message shows, or is being changed to (JSON of text and blocks). */
  latest?: string;
  lastAt: number;
  /** An edit waiting for its turn; a newer edit cancels it. */
  waiting?: { cancel(): void };
  /** Edits of one message are sent one after another, so they land in order. */
  sending: Promise<void>;
}

/**
 * Edits of one message, gated: an edit that shows what the message already shows is not sent, and
 * edits of the same message go at most one per `minIntervalMs` — a newer edit replaces one still
 * waiting. chat.update is Tier 3 (about 50 a minute per workspace), so a room of builds waiting for
 * a Docker host must not spend it repeating themselves.
 */
export class EditGate {
  private readonly messages = new Map<string, MessageState>();

  constructor(
    private readonly minIntervalMs = 1100,
    /** Messages remembered (least recently edited forgotten first): a day of a big room's progress messages. */
    private readonly capacity = 5000,
  ) {}

  /** The message was just posted showing this: an edit to the same content is then no change. */
  posted(ref: MessageRef, message: Message): void {
    this.stateOf(keyOf(ref)).latest = contentOf(message);
  }

  /** Sends the edit through `send` unless it changes nothing; resolves once sent, skipped or replaced by a newer edit. */
  async edit(ref: MessageRef, message: Message, send: (message: Message) => Promise<void>): Promise<void> {
    const state = this.stateOf(keyOf(ref));
    state.waiting?.cancel();
    state.waiting = undefined;
    const content = contentOf(message);
    if (content === state.latest) return;
    const wait = state.lastAt + this.minIntervalMs - Date.now();
    if (wait > 0) {
      const due = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), wait);
        state.waiting = {
          cancel: () => {
            clearTimeout(timer);
            resolve(false);
          },
        };
      });
      if (!due) return;
      state.waiting = undefined;
    }
    state.latest = content;
    state.lastAt = Date.now();
    const sent = state.sending.then(() => send(message));
    state.sending = sent.catch(() => undefined);
    try {
      await sent;
    } catch (error) {
      // Not shown after all: the same edit may be tried again.
      if (state.latest === content) state.latest = undefined;
      throw error;
    }
  }

  private stateOf(key: string): MessageState {
    const state = this.messages.get(key) ?? { lastAt: 0, sending: Promise.resolve() };
    this.messages.delete(key);
    this.messages.set(key, state);
    if (this.messages.size > this.capacity) this.messages.delete(this.messages.keys().next().value!);
    return state;
  }
}

const keyOf = (ref: MessageRef) => `${ref.channel}/${ref.ts}`;
const contentOf = (message: Message) => JSON.stringify([message.text, message.blocks ?? null]);
