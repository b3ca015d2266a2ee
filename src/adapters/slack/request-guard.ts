import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/redis.js';

/** Slack signs the time of each request; anything further from our clock, either way, is refused. */
export const REQUEST_WINDOW_SECONDS = 5 * 60;
/** A signature stays valid while its timestamp is inside the window, so it is remembered that long on each side. */
const SIGNATURE_MEMORY_SECONDS = 2 * REQUEST_WINDOW_SECONDS;
/** The replay check must leave Bolt most of Slack's 3 s to acknowledge. */
const STORE_BUDGET_MS = 1000;

export const NO_USER = "I can't tell who pressed that, so I did nothing. Run the command again.";

export const CANNOT_CHECK_REQUEST =
  ":warning: I can't reach my database right now, so I can't make sure this request is new. Try again in a minute; `/help` and `/faq` still work.";

export interface RequestGuardOptions {
  signingSecret: string;
  store: Store;
  log: Logger;
  /** Slash commands that change nothing: served even when replays cannot be checked (a replay of one is harmless). */
  readOnlyCommands: ReadonlySet<string>;
  /** Bolt's endpoint (POST); other paths (GET /healthz) pass untouched. */
  endpoint?: string;
}

/**
 * Wraps Bolt's HTTP receiver. Bolt verifies the signature but accepts any timestamp in the future
 * and the same signed request again and again within 5 minutes; this refuses both before Bolt
 * sees the request, and remembers each signature once (Redis SET NX, shared by every web process).
 * The body is buffered here and Bolt reuses the buffer, so its 3 s acknowledgement is unchanged.
 */
export function guardSlackRequests(bolt: RequestListener, options: RequestGuardOptions): RequestListener {
  const endpoint = options.endpoint ?? '/slack/events';
  return (req, res) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== endpoint) {
      bolt(req, res);
      return;
    }
    checkRequest(req, res, options).then(
      (pass) => {
        if (pass) bolt(req, res);
      },
      (error: unknown) => {
        options.log.error({ err: error }, 'could not check a Slack request');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  };
}

async function checkRequest(req: IncomingMessage, res: ServerResponse, options: RequestGuardOptions): Promise<boolean> {
  const { log } = options;
  let raw: string;
  try {
    raw = (await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit)).rawBody.toString();
  } catch (error) {
    // As Bolt answers: 413 for a body over its limit, else the request is not one Slack sent.
    const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && (error as { statusCode?: number }).statusCode === 413;
    log.warn({ err: error }, 'refused an unreadable Slack request body');
    res.writeHead(tooLarge ? 413 : 401).end();
    return false;
  }
  const contentType = req.headers['content-type'];
  // Slack's SSL check carries no signature; Bolt answers it and drops anything smuggled along.
  if (contentType === 'application/x-www-form-urlencoded' && /(?:^|&)ssl_check=1(?:&|$)/.test(raw)) return true;

  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  const signature = req.headers['x-slack-signature'];
  const skew = Math.abs(Date.now() / 1000 - timestamp);
  if (!Number.isFinite(timestamp) || skew > REQUEST_WINDOW_SECONDS || typeof signature !== 'string') {
    log.warn({ timestamp: req.headers['x-slack-request-timestamp'] }, 'refused a Slack request outside the 5-minute window');
    res.writeHead(401).end();
    return false;
  }
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
  if (!isValidSlackRequest({ signingSecret: options.signingSecret, body: raw, headers })) {
    log.warn('refused a Slack request with a wrong signature');
    res.writeHead(401).end();
    return false;
  }

  const fresh = await withinBudget(options.store.claimOnce(`slack:request:${signature}`, SIGNATURE_MEMORY_SECONDS)).catch(
    (error: unknown) => {
      log.warn({ err: error }, 'cannot record a Slack request signature (Redis unreachable)');
      return undefined;
    },
  );
  if (fresh === true) return hasUser(raw, contentType, res, options);
  if (fresh === false) {
    log.warn('refused a replayed Slack request (same signature seen before)');
    res.writeHead(401).end();
    return false;
  }
  return cannotCheck(raw, contentType, res, options);
}

/**
 * Redis is down, so a replay cannot be told from a new request. Fail closed for anything that could
 * change state, and say so: a slash command gets the message as its response, a button or shortcut
 * through its response_url, and an event a 503 so that Slack delivers it again later.
 */
async function cannotCheck(raw: string, contentType: string | undefined, res: ServerResponse, options: RequestGuardOptions) {
  const form = contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(raw) : undefined;
  const command = form?.get('command')?.replace(/^\//, '');
  if (command !== undefined && options.readOnlyCommands.has(command)) return true;
  if (command !== undefined) {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ response_type: 'ephemeral', text: CANNOT_CHECK_REQUEST }));
    return false;
  }
  const interaction = interactionOf(raw, contentType);
  if (interaction) {
    res.writeHead(200).end();
    await tell(interaction.response_url, CANNOT_CHECK_REQUEST, options.log);
    return false;
  }
  res.writeHead(503).end();
  return false;
}

/**
 * Bolt reads `user.id` of every interaction before any listener runs, so a payload without one
 * would be a 500: acknowledge it, run nothing, and say why where Slack lets us.
 */
async function hasUser(raw: string, contentType: string | undefined, res: ServerResponse, options: RequestGuardOptions) {
  const interaction = interactionOf(raw, contentType);
  if (!interaction || typeof interaction.user?.id === 'string') return true;
  options.log.warn({ type: interaction.type }, 'refused an interaction without a user');
  res.writeHead(200).end();
  await tell(interaction.response_url, NO_USER, options.log);
  return false;
}

interface Interaction {
  type?: unknown;
  user?: { id?: unknown } | null;
  response_url?: unknown;
}

/**
 * An interaction's JSON payload: buttons, shortcuts and modals come as a form with one `payload`
 * field. Slash commands (big pasted text) are not parsed here: Bolt parses them once, after.
 */
function interactionOf(raw: string, contentType: string | undefined): Interaction | undefined {
  if (contentType !== 'application/x-www-form-urlencoded' || !raw.startsWith('payload=')) return undefined;
  const payload = new URLSearchParams(raw).get('payload');
  if (!payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(payload);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Interaction) : undefined;
  } catch {
    return undefined;
  }
}

/** Posts an ephemeral note to an interaction's response_url (the body's signature was checked: it is Slack's). */
async function tell(responseUrl: unknown, text: string, log: Logger): Promise<void> {
  if (typeof responseUrl !== 'string') return;
  await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    signal: AbortSignal.timeout(5000),
  }).catch((error: unknown) => log.warn({ err: error }, 'could not answer through a response_url'));
}

function withinBudget<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${STORE_BUDGET_MS} ms`)), STORE_BUDGET_MS).unref(),
    ),
  ]);
}
