import type { RespondFn } from '@slack/bolt';
import type { OutgoingFile } from '../../notify/notifier.js';
import { fitMessage, type Message, type MessageRef } from '../../render/blocks.js';
import type { Responder } from '../../router/types.js';
import { type SlackNotifier, slackCall } from './notifier.js';

/**
 * The Slack Responder. Replies go to the invoker only (response_url, ephemeral); posts and updates
 * use chat.postMessage/chat.update, because response_url allows only 5 uses in 30 minutes and
 * ephemeral messages cannot be edited.
 */
export class SlackResponder implements Responder {
  constructor(
    private readonly notifier: SlackNotifier,
    private readonly channel: string,
    private readonly user: string,
    private readonly respond?: RespondFn,
    /** For mentions and DMs: the thread the question was asked in; replies go there. */
    private readonly replyThread?: MessageRef,
    /** Replies in that thread are seen by the invoker only (a command about their own cluster asked in a channel). */
    private readonly privateInThread = false,
  ) {}

  async reply(unfitted: Message): Promise<void> {
    const message = fitMessage(unfitted);
    if (this.replyThread && this.privateInThread) {
      const client = this.notifier.client;
      const thread = this.replyThread;
      await slackCall(() =>
        client.chat.postEphemeral({
          channel: thread.channel,
          user: this.user,
          thread_ts: thread.ts,
          text: message.text,
          blocks: message.blocks,
        }),
      );
    } else if (this.replyThread) {
      await this.post(message, { threadOf: this.replyThread });
    } else if (this.respond) {
      await this.respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks });
    } else if (this.channel === this.user) {
      // A button on the App Home tab: no channel, no response URL; the answer comes in the DM with the bot.
      await this.notifier.dm(this.user, message);
    } else {
      const client = this.notifier.client;
      await slackCall(() =>
        client.chat.postEphemeral({ channel: this.channel, user: this.user, text: message.text, blocks: message.blocks }),
      );
    }
  }

  post(message: Message, options: { threadOf?: MessageRef } = {}): Promise<MessageRef> {
    return this.notifier.post(options.threadOf?.channel ?? this.channel, message, options.threadOf);
  }

  update(ref: MessageRef, message: Message): Promise<void> {
    return this.notifier.update(ref, message);
  }

  attach(file: OutgoingFile): Promise<{ where: string }> {
    return this.notifier.upload(this.replyThread?.channel ?? this.channel, file);
  }
}
