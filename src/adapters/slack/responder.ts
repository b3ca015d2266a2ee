import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { UserError } from '../../errors.js';
import type { Message } from '../../render/blocks.js';
import type { MessageRef, Responder } from '../../router/types.js';

/** Slack Web API errors the user can fix themselves. */
const FIXABLE: Record<string, string> = {
  not_in_channel: "I'm not in this channel, so I can't post here. Invite me with /invite @workshop-bot, or use me in a DM.",
  channel_not_found: "I can't see this channel (private?). Invite me with /invite @workshop-bot, or use me in a DM.",
  is_archived: 'This channel is archived; use me in another channel or in a DM.',
};

/**
 * The Slack Responder. Replies go to the invoker only (response_url, ephemeral); posts and updates
 * use chat.postMessage/chat.update, because response_url allows only 5 uses in 30 minutes and
 * ephemeral messages cannot be edited.
 */
export class SlackResponder implements Responder {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
    private readonly user: string,
    private readonly respond?: RespondFn,
    /** For mentions: the thread the question was asked in; replies go there, visibly. */
    private readonly replyThread?: MessageRef,
  ) {}

  async reply(message: Message): Promise<void> {
    if (this.replyThread) {
      await this.post(message, { threadOf: this.replyThread });
    } else if (this.respond) {
      await this.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    } else {
      await this.call(() => this.client.chat.postEphemeral({ channel: this.channel, user: this.user, text: message.text, blocks: message.blocks }));
    }
  }

  async post(message: Message, options: { threadOf?: MessageRef } = {}): Promise<MessageRef> {
    const channel = options.threadOf?.channel ?? this.channel;
    const result = await this.call(() =>
      this.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, ...(options.threadOf ? { thread_ts: options.threadOf.ts } : {}) }),
    );
    return { channel: result.channel ?? channel, ts: result.ts ?? '' };
  }

  async update(ref: MessageRef, message: Message): Promise<void> {
    await this.call(() => this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks ?? [] }));
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code && FIXABLE[code]) throw new UserError(FIXABLE[code]);
      throw error;
    }
  }
}
