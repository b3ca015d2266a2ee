import type { App } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { UserError } from '../../../errors.js';
import { escapeMrkdwn } from '../../../render/mrkdwn.js';
import { parseCommandLine } from '../../../router/command-line.js';
import { userErrorMessage } from '../../../router/router.js';
import type { AttachedFile, CommandRequest } from '../../../router/types.js';
import { attachedFiles, type SharedFile } from '../files.js';
import { commandWords, slackInputText, withoutBotMention } from '../input-text.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/** Message subtypes a person sends; every other subtype is Slack describing something (joins, edits, deletions…). */
const SPOKEN_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** What Slack says a message event carries, as far as deciding whether a person wrote it. */
interface MessageLike {
  user?: string;
  subtype?: string;
  bot_id?: string;
}

/** A person wrote this: not Slackbot's system notices, not a bot (ours or another), not an edit, join or deletion. */
export function isFromAPerson(message: MessageLike): message is MessageLike & { user: string } {
  return SPOKEN_SUBTYPES.has(message.subtype) && !message.bot_id && Boolean(message.user) && message.user !== 'USLACKBOT';
}

/**
 * Slash commands cannot be used inside threads and cannot carry files, so an @-mention (anywhere,
 * threads included) or a DM is how attendees ask questions there — the text goes to /faq and the
 * answer lands in the thread — and how they send a file: "cluster up" with a minimesosFile.
 */
export function registerEvents(app: App, bot: BotApp): void {
  app.event('app_mention', async ({ event, client, context }) => {
    if (!isFromAPerson(event)) return;
    // The mention of the bot is not part of what was asked; another one may name an attendee.
    const text = withoutBotMention(event.text, context.botUserId).trim();
    const thread = { channel: event.channel, ts: event.thread_ts ?? event.ts };
    const files = attachedFiles(client, (event as { files?: SharedFile[] }).files);
    const notifier = new SlackNotifier(client);
    // In a channel, what a command says about the asker's own cluster (endpoints, state) is for them alone.
    const responder = (replyPrivately: boolean) =>
      new SlackResponder(notifier, event.channel, event.user, undefined, thread, replyPrivately);
    await ask(bot, responder, {
      user: event.user,
      channel: event.channel,
      text,
      files,
    });
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await bot.services.home.opened(event.user);
  });

  app.message(async ({ message, client }) => {
    if (message.channel_type !== 'im' || !isFromAPerson(message as MessageLike)) return;
    const user = (message as MessageLike & { user: string }).user;
    const text = 'text' in message ? (message.text ?? '').trim() : '';
    const files = attachedFiles(client, 'files' in message ? (message.files as SharedFile[] | undefined) : undefined);
    if (text === '' && files.length === 0) return;
    const thread = { channel: message.channel, ts: ('thread_ts' in message ? message.thread_ts : undefined) ?? message.ts };
    const notifier = new SlackNotifier(client);
    // A DM is private already.
    const responder = () => new SlackResponder(notifier, message.channel, user, undefined, thread);
    await ask(bot, responder, {
      user,
      channel: message.channel,
      text,
      files,
    });
  });
}

/**
 * "@bot /cluster info" runs the command; words with a file run a command only when they name one
 * that reads files ("cluster up" + a minimesosFile); any other words are a question for the FAQ,
 * and a file sent with them is set aside with a note that says how to send it.
 */
async function ask(
  bot: BotApp,
  responder: (replyPrivately: boolean) => SlackResponder,
  said: { user: string; channel: string; text: string; files: AttachedFile[] },
): Promise<void> {
  const { user, channel, files } = said;
  // Slack's markup is read once the command is known (a broadcast keeps its links as sent).
  const text = slackInputText(said.text);
  const fileHint = `Send it again with the words ${bot.router.fileWords()}.`;
  if (files.length > 0 && text === '') {
    await responder(false).reply(userErrorMessage(new UserError(`I got ${fileNames(files)}. What should I do with it?`, fileHint)));
    return;
  }
  let request: CommandRequest;
  try {
    const line = parseCommandLine(said.text.startsWith('/') ? said.text : `/${said.text}`, user, channel);
    request = { ...line, text: commandWords(bot.router.find(line.command), line.text) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // Not command-shaped ("what is a framework?"): a question.
    request = { user, channel, command: 'faq', text };
  }
  if (files.length > 0 && bot.router.takesFile(request)) {
    await bot.router.dispatch({ ...request, files }, responder(true));
    return;
  }
  if (!text.startsWith('/') || files.length > 0) request = { user, channel, command: 'faq', text: text.replace(/^\//, '') };
  const out = responder(!bot.router.readOnlyCommands.has(request.command));
  await bot.router.dispatch(request, out);
  if (files.length > 0) {
    await out.reply(userErrorMessage(new UserError(`I answered your words as a question and did not open ${fileNames(files)}.`, fileHint)));
  }
}

/** The names the sender gave their files, escaped: they go into mrkdwn. */
function fileNames(files: AttachedFile[]): string {
  return escapeMrkdwn(files.map((file) => file.name).join(', '));
}
