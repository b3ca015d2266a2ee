import type { App } from '@slack/bolt';
import type { BotApp } from '../../../app.js';
import { SlackNotifier } from '../notifier.js';

const NOT_SUPPORTED =
  "I don't do anything with shortcuts, forms or menus yet. Use the slash commands (`/help` lists them), or mention me in a thread to ask a question.";

/**
 * Shortcuts, modal submissions, legacy buttons and menus the bot never offers: acknowledged at
 * once (else Slack shows the user an error after 3 s) and answered with what to do instead —
 * in the conversation when Slack gives a response_url, else in a DM.
 */
export function registerUnsupportedInteractions(app: App, bot: BotApp): void {
  const log = bot.services.log.child({ component: 'slack-interactions' });
  const tell = async (user: string | undefined, respond: ((text: string) => Promise<unknown>) | undefined, notifier: SlackNotifier) => {
    if (respond) await respond(NOT_SUPPORTED);
    else if (user) await notifier.post(user, { text: NOT_SUPPORTED });
  };

  app.shortcut({}, async ({ ack, body, respond, client }) => {
    await ack();
    log.info({ type: body.type, callbackId: body.callback_id }, 'unsupported shortcut');
    await tell(body.user?.id, respond && ((text) => respond({ response_type: 'ephemeral', text })), new SlackNotifier(client)).catch(
      (err: unknown) => log.warn({ err }, 'could not answer a shortcut'),
    );
  });

  app.view({}, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'view_submission') return;
    log.info({ callbackId: body.view.callback_id }, 'unsupported view submission');
    await tell(body.user?.id, undefined, new SlackNotifier(client)).catch((err: unknown) => log.warn({ err }, 'could not answer a form'));
  });

  // Block actions go to the router (actions.ts); these are the older interactive messages and dialogs.
  app.action({}, async ({ ack, body, respond, client }) => {
    if (body.type === 'block_actions') return;
    await ack();
    log.info({ type: body.type }, 'unsupported interaction');
    await tell(
      body.user?.id,
      respond && ((text) => respond({ response_type: 'ephemeral', replace_original: false, text })),
      new SlackNotifier(client),
    ).catch((err: unknown) => log.warn({ err }, 'could not answer an interaction'));
  });

  app.options({}, async ({ ack }) => {
    await ack({ options: [] });
  });
}
