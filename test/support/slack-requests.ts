import { createHmac } from 'node:crypto';

/** Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{raw body}` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  body: string;
  contentType: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Overrides the computed signature (to test refusals). */
  signature?: string;
  /** More headers, e.g. Slack's `x-slack-retry-num` on a re-delivery. */
  headers?: Record<string, string>;
}

/** POSTs a body to Bolt's endpoint the way Slack does, signed. */
export async function postSigned(url: string, options: SignedPostOptions): Promise<{ status: number; body: string; elapsedMs: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, options.body),
      ...options.headers,
    },
    body: options.body,
  });
  return { status: response.status, body: await response.text(), elapsedMs: Date.now() - started };
}

export interface SlashCommandFields {
  command: string;
  text?: string;
  user_id?: string;
  channel_id?: string;
  response_url: string;
}

/** A slash-command payload as Slack sends it (form-encoded), with a trigger_id of its own, as every real one has. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0WORKSHOP',
    team_domain: 'workshop',
    channel_id: fields.channel_id ?? 'C0ROOM',
    channel_name: 'mesos-workshop',
    user_id: fields.user_id ?? 'U0ATTENDEE',
    user_name: 'attendee',
    command: fields.command,
    text: fields.text ?? '',
    api_app_id: 'A0WORKSHOP',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: `${Date.now()}.${Math.random().toString(36).slice(2, 12)}`,
  }).toString();
}

/** An interaction (button, shortcut, modal submission) as Slack sends it: a form with one `payload` field of JSON. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API callback as Slack sends it (JSON). */
export function eventBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0WORKSHOP',
    api_app_id: 'A0WORKSHOP',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0WORKSHOP', user_id: 'U0BOT', is_bot: true }],
    event,
  });
}

export interface ButtonPressFields {
  actionId: string;
  value: string;
  user_id?: string;
  channel_id?: string;
  response_url: string;
  /** The message the button was on (its ts). */
  message_ts?: string;
}

/** A button press (block_actions) as Slack sends it: form-encoded, the JSON in `payload`. */
export function buttonPressBody(fields: ButtonPressFields): string {
  const channel = fields.channel_id ?? 'C0ROOM';
  const ts = fields.message_ts ?? '1700000000.000001';
  return pressBody(fields.user_id ?? 'U0ATTENDEE', fields.actionId, fields.value, {
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: true },
    channel: { id: channel, name: 'mesos-workshop' },
    message: { type: 'message', ts, text: '' },
    response_url: fields.response_url,
  });
}

/** A button press on the App Home tab, as Slack sends it: a view container, no channel and no response URL. */
export function homeButtonPressBody(fields: { actionId: string; value: string; user_id: string }): string {
  return pressBody(fields.user_id, fields.actionId, fields.value, {
    container: { type: 'view', view_id: `V${fields.user_id}` },
    view: { id: `V${fields.user_id}`, type: 'home', blocks: [], hash: '1700000000.abc' },
  });
}

/** block_actions for one button, form-encoded; `where` says where the button was (message or view). */
function pressBody(user: string, actionId: string, value: string, where: Record<string, unknown>): string {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      team: { id: 'T0WORKSHOP', domain: 'workshop' },
      user: { id: user, username: 'attendee', team_id: 'T0WORKSHOP' },
      api_app_id: 'A0WORKSHOP',
      token: 'deprecated-verification-token',
      trigger_id: '123.456.abc',
      ...where,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'button' },
          value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    }),
  }).toString();
}
