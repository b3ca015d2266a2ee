import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Config } from '../../config.js';
import { UserError } from '../../errors.js';
import { EditGate } from '../../notify/edit-gate.js';
import type { Notifier } from '../../notify/notifier.js';
import { fitMessage, type Message, type MessageRef } from '../../render/blocks.js';

/** Slack Web API errors the user can fix themselves. */
const FIXABLE: Record<string, string> = {
  not_in_channel: "I'm not in this channel, so I can't post here. Invite me with /invite @workshop-bot, or use me in a DM.",
  channel_not_found: "I can't see this channel (private?). Invite me with /invite @workshop-bot, or use me in a DM.",
  is_archived: 'This channel is archived; use me in another channel or in a DM.',
  missing_scope:
    'The Slack app lacks a permission for this (files:read to read attached files): ask whoever installed it to add the scopes in infra/slack-app-manifest.yaml. Meanwhile paste the content in a code block.',
  file_not_found: 'Slack no longer has that file (deleted?). Send it again, or paste its content in a code block.',
};

/** One per process: every notifier (a worker's, each command's) edits the same Slack messages. */
const PROCESS_EDITS = new EditGate();

/** Posts and edits messages through chat.postMessage / chat.update (only real changes, spaced per message). */
export class SlackNotifier implements Notifier {
  constructor(
    readonly client: WebClient,
    private readonly edits: EditGate = PROCESS_EDITS,
  ) {}

  async post(channel: string, unfitted: Message, threadOf?: MessageRef): Promise<MessageRef> {
    const message = fitMessage(unfitted);
    const result = await slackCall(() =>
      this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        ...(threadOf ? { thread_ts: threadOf.ts } : {}),
      }),
    );
    const ref = { channel: result.channel ?? channel, ts: result.ts ?? '' };
    this.edits.posted(ref, message);
    return ref;
  }

  async update(ref: MessageRef, unfitted: Message): Promise<void> {
    await this.edits.edit(ref, fitMessage(unfitted), async (message) => {
      await slackCall(() =>
        this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks ?? [] }),
      );
    });
  }

  /** A user id as the channel posts to the user's DM with the app (chat:write; no conversations.open needed). */
  dm(user: string, message: Message): Promise<MessageRef> {
    return this.post(user, message);
  }
}

/** A notifier for processes without Bolt (`workshop-bot worker`): a WebClient from the config. */
export function slackNotifierFromConfig(config: Config, options: WebClientOptions = {}): SlackNotifier | undefined {
  if (!config.slack.botToken) return undefined;
  return new SlackNotifier(
    new WebClient(config.slack.botToken, { ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}), ...options }),
  );
}

/** Runs a Web API call, turning the errors a user can fix into a UserError that says how. */
export async function slackCall<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && Object.hasOwn(FIXABLE, code)) throw new UserError(FIXABLE[code]!);
    throw error;
  }
}
