import type { App, BlockAction } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { SlackNotifier } from '../notifier.js';
import { SlackResponder } from '../responder.js';

/**
 * Every block action (button, menu…) is acknowledged at once and handed to the router, which runs
 * the `<command>.<action>` that drew it or says the button does nothing here. (A payload without a
 * user never gets here: the request guard refuses it, because Bolt itself needs the user.)
 */
export function registerActions(app: App, bot: BotApp): void {
  app.action<BlockAction>({ type: 'block_actions' }, async ({ ack, body, action, respond, client }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? user;
    const message = body.message && body.channel ? { channel: body.channel.id, ts: body.message.ts } : undefined;
    const out = new SlackResponder(new SlackNotifier(client), channel, user, respond);
    const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
    await bot.router.dispatchAction({ user, channel, actionId: action.action_id, value, ...(message ? { message } : {}) }, out);
  });
}
