import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/** Buttons carry `<command>.<action>` ids; the router hands them back to the command that drew them. */
export function registerActions(app: App, bot: BotApp): void {
  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: /^[a-z]+\.[\w-]+$/ },
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const channel = body.channel?.id ?? body.user.id;
      const message = body.message && body.channel ? { channel: body.channel.id, ts: body.message.ts } : undefined;
      const out = new SlackResponder(new SlackNotifier(client), channel, body.user.id, respond);
      await bot.router.dispatchAction(
        { user: body.user.id, channel, actionId: action.action_id, value: action.value ?? '', ...(message ? { message } : {}) },
        out,
      );
    },
  );
}
