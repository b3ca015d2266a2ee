import type { App } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/**
 * Slash commands cannot be used inside threads, so an @-mention (anywhere, threads included) or a
 * DM is how attendees ask questions there: the text goes to /faq and the answer lands in the thread.
 */
export function registerEvents(app: App, bot: BotApp): void {
  app.event('app_mention', async ({ event, client }) => {
    if (!event.user) return;
    const question = event.text.replace(/<@[A-Z0-9]+>/g, '').trim();
    const thread = { channel: event.channel, ts: event.thread_ts ?? event.ts };
    await ask(bot, new SlackResponder(new SlackNotifier(client), event.channel, event.user, undefined, thread), event.user, event.channel, question);
  });

  app.message(async ({ message, client }) => {
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('text' in message) || !message.text) return;
    const thread = { channel: message.channel, ts: message.thread_ts ?? message.ts };
    await ask(bot, new SlackResponder(new SlackNotifier(client), message.channel, message.user, undefined, thread), message.user, message.channel, message.text.trim());
  });
}

async function ask(bot: BotApp, out: SlackResponder, user: string, channel: string, text: string): Promise<void> {
  // "@bot /cluster info" runs the command; anything else is a question.
  const line = text.startsWith('/') ? text : `/faq ${text}`;
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
  await bot.router.dispatch({ user, channel, command: match[1]!, text: match[2]! }, out);
}
