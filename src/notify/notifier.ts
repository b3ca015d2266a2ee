import type { HomeView, Message, MessageRef } from '../render/blocks.js';

/**
 * Posting and editing visible messages from anywhere, not only in answer to a command: a worker
 * process updating a provisioning message, a reaper warning before a cluster expires, a broadcast.
 */
export interface Notifier {
  post(channel: string, message: Message, threadOf?: MessageRef): Promise<MessageRef>;
  update(ref: MessageRef, message: Message): Promise<void>;
  /** A direct message to one user: what only they may see (their cluster's endpoints). */
  dm(user: string, message: Message): Promise<MessageRef>;
  /**
   * One attempt at a post that is part of a fan-out, with no retry inside: a 429 throws
   * `RateLimitedError` (the queue decides who waits), a refusal `PostRefusedError` with Slack's
   * reason. `channel` may be a user id: the post goes to the DM with the bot. `tag` travels with
   * the message, so `wasPosted` can find it.
   */
  postOnce(channel: string, message: Message, tag: PostTag): Promise<MessageRef>;
  /** Whether a message tagged `tag` is in `channel` (or the DM with a user), posted since `sinceMs`. */
  wasPosted(channel: string, tag: PostTag, sinceMs: number): Promise<boolean>;
  /** The person's display name (else their real name), or undefined when it cannot be read now. */
  displayName(user: string): Promise<string | undefined>;
  /** The user ids in a user group (a refusal, e.g. `missing_scope`, throws `PostRefusedError`). */
  usergroupMembers(group: string): Promise<string[]>;
  /** Replaces what `user` sees in the bot's App Home tab (a refusal throws `PostRefusedError`, a 429 `RateLimitedError`). */
  publishHome(user: string, view: HomeView): Promise<void>;
  /** Shares a file in `channel` (Slack: files.uploadV2); says where it is (a permalink, or a path where nothing is shown). */
  upload(channel: string, file: OutgoingFile): Promise<{ where: string }>;
}

/** A file the bot hands out (an export), with the line that goes with it. */
export interface OutgoingFile {
  filename: string;
  title: string;
  content: string;
  comment?: string;
}

/** A `postOnce` with no answer by then is abandoned (it may still have arrived: `wasPosted` tells). */
export const POST_ONCE_TIMEOUT_MS = 5_000;

/** What a post carries to be recognised later (Slack message metadata: `event_type` and the id). */
export interface PostTag {
  type: string;
  id: string;
}

/** Slack answered 429: nothing was posted; try again after `retryAfterMs`. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited by Slack; retry after ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}

/**
 * Slack refused the post or call (`user_not_found`, `cannot_dm_bot`, …) and trying again will not
 * change that: nothing was done. `reason` is Slack's code, followed by the scope it said was needed
 * for `missing_scope` (see `refusalReason`); `describeReason` says what it means and what to do.
 */
export class PostRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`Slack refused the post: ${reason}`);
    this.name = 'PostRefusedError';
  }
}
