import type { App } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { commandWords } from '../input-text.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/** One Bolt listener per slash command: ack at once (Slack allows 3 s), then run the command. */
export function registerCommands(app: App, bot: BotApp): void {
  for (const spec of bot.router.commands) {
    app.command(`/${spec.name}`, async ({ ack, command, respond, client }) => {
      await ack();
      const out = new SlackResponder(new SlackNotifier(client), command.channel_id, command.user_id, respond);
      // The command gets what was typed (links and mentions out of their markup, entities decoded); whatever
      // it repeats is escaped again on the way out.
      const text = commandWords(spec, command.text ?? '');
      await bot.router.dispatch({ user: command.user_id, channel: command.channel_id, command: spec.name, text }, out);
    });
  }
}
