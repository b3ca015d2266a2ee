import type { App } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { UserError } from '../../../errors.js';
import { parseCommandLine } from '../../../router/command-line.js';
import { userErrorMessage } from '../../../router/router.js';
import type { AttachedFile, CommandRequest } from '../../../router/types.js';
import { attachedFiles, type SharedFile } from '../files.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/**
 * Slash commands cannot be used inside threads and cannot carry files, so an @-mention (anywhere,
 * threads included) or a DM is how attendees ask questions there — the text goes to /faq and the
 * answer lands in the thread — and how they send a file: "cluster up" with a minimesosFile.
 */
export function registerEvents(app: App, bot: BotApp): void {
  app.event('app_mention', async ({ event, client }) => {
    if (!event.user) return;
    const text = event.text.replace(/<@[A-Z0-9]+>/g, '').trim();
    const thread = { channel: event.channel, ts: event.thread_ts ?? event.ts };
    const files = attachedFiles(client, (event as { files?: SharedFile[] }).files);
    await ask(bot, new SlackResponder(new SlackNotifier(client), event.channel, event.user, undefined, thread), {
      user: event.user,
      channel: event.channel,
      text,
      files,
    });
  });

  app.message(async ({ message, client }) => {
    if (message.channel_type !== 'im' || (message.subtype !== undefined && message.subtype !== 'file_share')) return;
    const text = 'text' in message ? (message.text ?? '').trim() : '';
    const files = attachedFiles(client, 'files' in message ? (message.files as SharedFile[] | undefined) : undefined);
    if (text === '' && files.length === 0) return;
    const thread = { channel: message.channel, ts: message.thread_ts ?? message.ts };
    await ask(bot, new SlackResponder(new SlackNotifier(client), message.channel, message.user, undefined, thread), {
      user: message.user,
      channel: message.channel,
      text,
      files,
    });
  });
}

async function ask(
  bot: BotApp,
  out: SlackResponder,
  said: { user: string; channel: string; text: string; files: AttachedFile[] },
): Promise<void> {
  const { user, channel, text, files } = said;
  if (files.length > 0 && text === '') {
    await out.reply(
      userErrorMessage(
        new UserError(
          `I got ${files.map((file) => file.name).join(', ')}. What should I do with it?`,
          'Send it again with the words `cluster up` (a minimesosFile) or `cluster install` (Marathon JSON).',
        ),
      ),
    );
    return;
  }
  // "@bot /cluster info" runs the command, and so does "cluster up" with a file; anything else is a question.
  const line = text.startsWith('/') ? text : files.length > 0 ? `/${text}` : `/faq ${text}`;
  let request: CommandRequest;
  try {
    request = parseCommandLine(line, user, channel);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    await out.reply(userErrorMessage(error));
    return;
  }
  await bot.router.dispatch({ ...request, ...(files.length > 0 ? { files } : {}) }, out);
}
