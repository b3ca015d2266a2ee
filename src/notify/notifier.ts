import type { Message, MessageRef } from '../render/blocks.js';

/**
 * Posting and editing visible messages from anywhere, not only in answer to a command: a worker
 * process updating a provisioning message, a reaper warning before a cluster expires.
 */
export interface Notifier {
  post(channel: string, message: Message, threadOf?: MessageRef): Promise<MessageRef>;
  update(ref: MessageRef, message: Message): Promise<void>;
  /** A direct message to one user: what only they may see (their cluster's endpoints). */
  dm(user: string, message: Message): Promise<MessageRef>;
}
