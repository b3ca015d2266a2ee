/**
 * Slack's refusals (`{ok:false, error}`) in the instructor's words: what went wrong, what to do, and
 * whether it concerns one destination or every call the bot makes. One table for command replies
 * (the Slack adapter's `slackCall`) and for the delivery report of fan-outs.
 */
export interface Refusal {
  /** `destination`: this channel or user only; `bot`: every call fails until someone fixes the app; `content`: this message. */
  scope: 'destination' | 'bot' | 'content';
  what: string;
  fix: string;
}

const INVITE = 'invite the bot there with /invite @workshop-bot (or set another room with /workshop channel)';
const TOKEN: Refusal = {
  scope: 'bot',
  what: "Slack no longer accepts the bot's token (the app was removed or its token revoked)",
  fix: 'reinstall the app to the workspace, put the new bot token in SLACK_BOT_TOKEN and restart the bot',
};

const REFUSALS: Record<string, Refusal> = {
  not_in_channel: { scope: 'destination', what: 'the bot is not a member of the channel', fix: INVITE },
  channel_not_found: { scope: 'destination', what: "the bot can't see the channel (private, or a wrong id)", fix: INVITE },
  is_archived: {
    scope: 'destination',
    what: 'the channel is archived',
    fix: 'unarchive it, or run /workshop channel in another one',
  },
  restricted_action: {
    scope: 'destination',
    what: 'a workspace setting forbids the bot to post there (posting restricted to admins?)',
    fix: 'ask a workspace admin to let the bot post there, or use another channel',
  },
  user_not_found: { scope: 'destination', what: 'no such user in the workspace', fix: 'nothing to do' },
  cannot_dm_bot: { scope: 'destination', what: 'a bot user, which cannot get DMs', fix: 'nothing to do' },
  user_disabled: { scope: 'destination', what: 'a deactivated account', fix: 'nothing to do' },
  msg_too_long: { scope: 'content', what: 'the message is too long for Slack', fix: 'send a shorter one' },
  invalid_blocks: {
    scope: 'content',
    what: 'Slack rejected the layout of a message the bot built (a bug in the bot)',
    fix: "send the bot's log lines around it to whoever maintains the bot",
  },
  missing_scope: {
    scope: 'bot',
    what: 'the Slack app lacks a permission (scope) it needs',
    fix: 'add the scope to the bot token scopes (see infra/slack-app-manifest.yaml) and reinstall the app',
  },
  team_access_not_granted: {
    scope: 'bot',
    what: 'the app is not installed in this workspace of the organisation',
    fix: 'ask an org admin to add the app to this workspace',
  },
  not_enabled: {
    scope: 'bot',
    what: "the app's Home tab is turned off",
    fix: 'turn on the Home tab in the app settings (features.app_home in infra/slack-app-manifest.yaml)',
  },
  view_too_large: { scope: 'content', what: 'the App Home view is over 250 kB', fix: 'report it with the log lines (a bug in the bot)' },
  plan_upgrade_required: {
    scope: 'bot',
    what: 'user groups need a paid Slack plan',
    fix: 'list the instructors in INSTRUCTORS instead of INSTRUCTOR_GROUP',
  },
  no_such_subteam: {
    scope: 'destination',
    what: 'there is no such user group',
    fix: "set INSTRUCTOR_GROUP to the group's id (S…), or list the instructors in INSTRUCTORS",
  },
  invalid_auth: TOKEN,
  not_authed: TOKEN,
  token_revoked: TOKEN,
  token_expired: TOKEN,
  // For a bot token this is the app, not an attendee: "token is for a deleted user or workspace".
  account_inactive: TOKEN,
};

/** Slack's errors that say "not now" rather than "never": the call may be tried again. */
export const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** What Slack's `error` (with the scope it said was `needed`, if any) means, or undefined for codes the bot does not know. */
export function describeRefusal(code: string, needed?: string): Refusal | undefined {
  const known = Object.hasOwn(REFUSALS, code) ? REFUSALS[code] : undefined;
  if (!known || !needed) return known;
  return { ...known, what: `the Slack app lacks the ${needed} permission (scope)`, fix: known.fix.replace('the scope', needed) };
}

/**
 * A refusal as the ledgers keep it: Slack's code, then the scope it said was needed
 * (`missing_scope files:write`); `refusalParts` reads it back.
 */
export function refusalReason(code: string, needed?: string): string {
  return needed ? `${code} ${needed}` : code;
}

export function refusalParts(reason: string): { code: string; needed?: string } {
  const [code = reason, needed] = reason.split(' ', 2);
  return needed && Object.hasOwn(REFUSALS, code) ? { code, needed } : { code: reason };
}

/** What a settled reason means (undefined for one the bot wrote itself, or a code it does not know). */
export function describeReason(reason: string): Refusal | undefined {
  const { code, needed } = refusalParts(reason);
  return describeRefusal(code, needed);
}
