import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../../config.js';
import { UserError } from '../../errors.js';
import { EditGate } from '../../notify/edit-gate.js';
import {
  type Notifier,
  type OutgoingFile,
  POST_ONCE_TIMEOUT_MS,
  PostRefusedError,
  type PostTag,
  RateLimitedError,
} from '../../notify/notifier.js';
import { describeRefusal, refusalReason, TRANSIENT_ERRORS } from '../../notify/refusals.js';
import { fitMessage, fitView, type HomeView, type Message, type MessageRef } from '../../render/blocks.js';

/** Refusals that only a command's context explains (files an attendee sent). */
const FILE_REFUSALS: Record<string, string> = {
  file_not_found: 'Slack no longer has that file (deleted?). Send it again, or paste its content in a code block.',
};

/** One per process: every notifier (a worker's, each command's) edits the same Slack messages. */
const PROCESS_EDITS = new EditGate();

/** Posts and edits messages through chat.postMessage / chat.update (only real changes, spaced per message). */
export class SlackNotifier implements Notifier {
  private once: WebClient | undefined;
  private views: WebClient | undefined;

  constructor(
    readonly client: WebClient,
    private readonly edits: EditGate = PROCESS_EDITS,
  ) {}

  async post(channel: string, unfitted: Message, threadOf?: MessageRef): Promise<MessageRef> {
    const message = fitMessage(unfitted);
    const result = await slackCall(
      () =>
        this.client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          ...(threadOf ? { thread_ts: threadOf.ts } : {}),
        }),
      channel,
    );
    const ref = { channel: result.channel ?? channel, ts: result.ts ?? '' };
    this.edits.posted(ref, message);
    return ref;
  }

  async update(ref: MessageRef, unfitted: Message): Promise<void> {
    await this.edits.edit(ref, fitMessage(unfitted), async (message) => {
      await slackCall(
        () => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks ?? [] }),
        ref.channel,
      );
    });
  }

  /** A user id as the channel posts to the user's DM with the app (chat:write; no conversations.open needed). */
  dm(user: string, message: Message): Promise<MessageRef> {
    return this.post(user, message);
  }

  async postOnce(channel: string, unfitted: Message, tag: PostTag): Promise<MessageRef> {
    const message = fitMessage(unfitted);
    try {
      const result = await this.onceClient().chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: tag.type, event_payload: { id: tag.id } },
      });
      return { channel: result.channel ?? channel, ts: result.ts ?? '' };
    } catch (error) {
      throw onceError(error);
    }
  }

  async wasPosted(channel: string, tag: PostTag, sinceMs: number): Promise<boolean> {
    const conversation = isUserId(channel) ? (await this.client.conversations.open({ users: channel })).channel?.id : channel;
    if (!conversation) return false;
    const history = await this.client.conversations.history({
      channel: conversation,
      oldest: (sinceMs / 1000).toFixed(6),
      include_all_metadata: true,
      limit: 100,
    });
    return (history.messages ?? []).some(
      (posted) =>
        posted.metadata?.event_type === tag.type && (posted.metadata.event_payload as { id?: unknown } | undefined)?.id === tag.id,
    );
  }

  async displayName(user: string): Promise<string | undefined> {
    try {
      const { user: found } = await this.onceClient().users.info({ user });
      return found?.profile?.display_name || found?.profile?.real_name || found?.real_name || found?.name || undefined;
    } catch (error) {
      if (onceError(error) instanceof RateLimitedError) return undefined;
      throw error;
    }
  }

  async usergroupMembers(group: string): Promise<string[]> {
    try {
      return (await this.client.usergroups.users.list({ usergroup: group })).users ?? [];
    } catch (error) {
      throw onceError(error);
    }
  }

  async publishHome(user: string, view: HomeView): Promise<void> {
    try {
      await this.viewsClient().views.publish({ user_id: user, view: fitView(view) });
    } catch (error) {
      throw onceError(error);
    }
  }

  /** files.uploadV2 (files:write): files.getUploadURLExternal, the upload, files.completeUploadExternal into the channel. */
  async upload(channel: string, file: OutgoingFile): Promise<{ where: string }> {
    // completeUploadExternal takes a conversation, not a user: a user's DM with the bot is opened first.
    const conversation = isUserId(channel)
      ? ((await slackCall(() => this.client.conversations.open({ users: channel }), channel)).channel?.id ?? channel)
      : channel;
    const result = await slackCall(
      () =>
        this.client.filesUploadV2({
          channel_id: conversation,
          filename: file.filename,
          title: file.title,
          content: file.content,
          ...(file.comment ? { initial_comment: file.comment } : {}),
        }),
      channel,
    );
    const permalink = result.files.flatMap((completed) => completed.files ?? []).find((shared) => shared.permalink)?.permalink;
    return { where: permalink ?? `<#${conversation}>` };
  }

  /**
   * A client that neither retries nor waits: the shared one pauses all its calls on a 429, which a
   * fan-out of hundreds of posts must not do to everyone else; the queue paces fan-outs instead.
   */
  private onceClient(): WebClient {
    this.once ??= new WebClient(this.client.token, {
      slackApiUrl: this.client.slackApiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: POST_ONCE_TIMEOUT_MS,
    });
    return this.once;
  }

  /**
   * For views.publish: a 429 comes back at once as RateLimitedError (HomeTabs holds its publications
   * for it) instead of pausing the shared client, and with it every command's answer, while a room
   * of 500 Homes is published at Slack's pace. Slack failing on its side is retried as usual.
   */
  private viewsClient(): WebClient {
    this.views ??= new WebClient(this.client.token, {
      slackApiUrl: this.client.slackApiUrl,
      retryConfig: SLACK_RETRIES,
      rejectRateLimitedCalls: true,
    });
    return this.views;
  }
}

const isUserId = (id: string) => /^[UW]/.test(id);

/** What the WebClient's errors carry: Slack's answer (`data`), or the HTTP status it came with. */
interface WebApiFailure {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; needed?: string };
}

/** Slack's code for a refusal that trying again will not change, else undefined (no answer, 5xx, a transient error). */
function refusalOf(error: unknown): { code: string; needed?: string } | undefined {
  const { code, data } = error as WebApiFailure;
  if (code !== ErrorCode.PlatformError || !data?.error || TRANSIENT_ERRORS.has(data.error)) return undefined;
  return { code: data.error, ...(data.needed ? { needed: data.needed } : {}) };
}

/** The WebClient's errors as the Notifier port's: a 429, a refusal, or anything else (network, 5xx) as is. */
function onceError(error: unknown): unknown {
  const { code, retryAfter } = error as WebApiFailure;
  if (code === ErrorCode.RateLimitedError) return new RateLimitedError((retryAfter ?? 1) * 1000);
  const refusal = refusalOf(error);
  return refusal ? new PostRefusedError(refusalReason(refusal.code, refusal.needed)) : error;
}

/** A notifier for processes without Bolt (`workshop-bot worker`): a WebClient from the config. */
export function slackNotifierFromConfig(config: Config, options: WebClientOptions = {}): SlackNotifier | undefined {
  if (!config.slack.botToken) return undefined;
  return new SlackNotifier(slackClient(config, options));
}

/**
 * Slack failing on its side (5xx, a dropped connection) is tried again 3 times, about 7 s in all: a
 * command's answer then says "try again in a minute" while its user still waits for it, where the
 * WebClient's default (10 retries over about 30 minutes) would leave them with nothing. Broadcasts,
 * nudges and summaries post through a client of their own (`onceClient`) and retry as jobs.
 */
export const SLACK_RETRIES = { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 4000 };

/** A WebClient with the bot token and API URL of the config. */
export function slackClient(config: Config, options: WebClientOptions = {}): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    retryConfig: SLACK_RETRIES,
    ...options,
  });
}

/**
 * Runs a Web API call for a command, turning Slack's refusals into a UserError that says what went
 * wrong and what to do (naming `where`, the channel or user the call was for, when given), and a
 * failure on Slack's side (after the WebClient's own retries) into "try again", never an apology.
 */
export async function slackCall<T>(request: () => Promise<T>, where?: string): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw slackUserError(error, where) ?? error;
  }
}

function slackUserError(error: unknown, where: string | undefined): UserError | undefined {
  const { code, statusCode, data } = error as WebApiFailure;
  const refusal = refusalOf(error);
  if (refusal && Object.hasOwn(FILE_REFUSALS, refusal.code)) return new UserError(FILE_REFUSALS[refusal.code]!);
  const described = refusal && describeRefusal(refusal.code, refusal.needed);
  if (described) {
    const place = where && described.scope === 'destination' ? ` in ${isUserId(where) ? `the DM with <@${where}>` : `<#${where}>`}` : '';
    return new UserError(`Slack refused this${place}: ${described.what} (\`${refusal.code}\`).`, `To fix it: ${described.fix}.`);
  }
  const failedOnSlacksSide =
    (code === ErrorCode.PlatformError && data?.error && TRANSIENT_ERRORS.has(data.error)) ||
    code === ErrorCode.HTTPError ||
    code === ErrorCode.RequestError;
  if (!failedOnSlacksSide) return undefined;
  const why = data?.error ?? (statusCode ? `HTTP ${statusCode}` : 'no answer');
  return new UserError(
    `Slack failed on its side (${why}), even after trying again, so this did not get through.`,
    'Try again in a minute; if it keeps failing, see https://slack-status.com.',
  );
}
