import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from '../../logger.js';
import { describeRefusal } from '../../notify/refusals.js';

/** Who the bot is in Slack (auth.test): given to Bolt, it does not ask again. */
export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/** How long to wait between two auth.test calls while Slack refuses the token. */
export const TOKEN_RECHECK_MS = 60_000;

/**
 * Asks Slack who the bot is. Bolt would ask by itself when built, and a refused token (revoked, the
 * app uninstalled) would then end the process on an unhandled rejection, a stack trace, and a restart
 * loop under `restart: unless-stopped`. Here a refusal of the token is logged once, clearly, with the
 * fix, and asked again every `recheckMs` until Slack accepts it or `signal` ends the wait (undefined).
 * Anything else (no answer after the WebClient's retries) is thrown as before.
 */
export async function waitForBotIdentity(
  client: WebClient,
  log: Logger,
  options: { recheckMs?: number; signal?: AbortSignal } = {},
): Promise<BotIdentity | undefined> {
  const recheckMs = options.recheckMs ?? TOKEN_RECHECK_MS;
  let refusedSince: number | undefined;
  for (;;) {
    try {
      const auth = await client.auth.test();
      if (refusedSince !== undefined) log.info({ refusedForMs: Date.now() - refusedSince }, 'Slack accepts SLACK_BOT_TOKEN again');
      return { botId: auth.bot_id ?? '', botUserId: auth.user_id ?? '' };
    } catch (error) {
      const { code, data } = error as { code?: string; data?: { error?: string; needed?: string } };
      const refusal = code === ErrorCode.PlatformError && data?.error ? describeRefusal(data.error, data.needed) : undefined;
      if (refusal?.scope !== 'bot') throw error;
      if (refusedSince === undefined) {
        refusedSince = Date.now();
        log.error(
          { reason: data?.error, fix: refusal.fix, recheckEverySeconds: recheckMs / 1000 },
          `Slack refuses SLACK_BOT_TOKEN: ${refusal.what}. The bot answers nothing until it is fixed; it checks again every ${recheckMs / 1000} s`,
        );
      }
    }
    try {
      await sleep(recheckMs, undefined, { signal: options.signal });
    } catch {
      return undefined;
    }
  }
}
