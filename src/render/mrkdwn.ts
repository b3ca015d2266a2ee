/**
 * Text the bot did not write (what attendees type, names, anything a cluster reports) inside Slack
 * mrkdwn. Slack reads `&`, `<` and `>` as markup: `<!channel>`, `<!here>`, `<@U…>`, `<#C…>`,
 * `<!subteam^S…>` ping people and `<https://evil.example|click here>` disguises a link. Slack's
 * formatting reference asks for exactly these three as `&amp;`, `&lt;`, `&gt;` in text you did not
 * write (https://api.slack.com/reference/surfaces/formatting#escaping); Slack shows the characters
 * as typed, code spans included. Bot-written markup (its own `<@U…>` mentions and links) is built
 * around the escaped text, never passed through this.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char as keyof typeof ENTITIES]);
}

/** A Slack user id (`U…` or `W…`, capitals and digits): what may go into a `<@…>` mention built from a value that came from outside. */
export const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Back to the characters Slack would show: for surfaces that print mrkdwn as text (the terminal). */
export function unescapeMrkdwn(text: string): string {
  // One pass, so "&amp;lt;" (someone typed "&lt;") comes back as "&lt;", not "<".
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => CHARACTERS[name as keyof typeof CHARACTERS]);
}

/**
 * Slack's references as Slack shows them, for surfaces that print mrkdwn as text: `<@U1>` as
 * @name (or @U1), `<#C1|room>` as #room, `<!here>` as @here, `<!subteam^S1|@team>` as @team,
 * `<https://x|label>` as "label (https://x)" and a link labelled with its own address as the address.
 * Runs before `unescapeMrkdwn`: what someone typed is escaped, so only the bot's own markup is read.
 */
export function referencesToText(mrkdwn: string, nameOf: (user: string) => string | undefined = () => undefined): string {
  return mrkdwn.replace(
    /<([@#!])([^<>|]+)(?:\|([^<>]*))?>|<((?:https?|mailto):[^<>|\s]+)(?:\|([^<>]*))?>/gi,
    (whole, sigil, id, label, url, text) => {
      if (url !== undefined) return text === undefined || text === '' || text === url ? url : `${text} (${url})`;
      if (sigil === '@') return `@${label || nameOf(id) || id}`;
      if (sigil === '#') return `#${label || id}`;
      if (label) return label.startsWith('@') ? label : `@${label}`;
      return /^(?:here|channel|everyone)$/.test(id) ? `@${id}` : whole;
    },
  );
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const;
const CHARACTERS = { amp: '&', lt: '<', gt: '>' } as const;

/**
 * Angle brackets the bot writes that are not Slack markup, such as usage placeholders
 * (`/faq <question>`, `http://<agent ip>:4040`), as the characters themselves: Slack would read
 * `<question>` as a link and show something else. Mentions and specials (`<@U…>`, `<#C…>`,
 * `<!here>`) and links (`<https://…|…>`, `<mailto:…>`) stay markup. Untrusted text never gets this
 * far unescaped (see escapeMrkdwn), so nothing here can turn into a ping.
 */
export function escapeStrayBrackets(mrkdwn: string): string {
  return mrkdwn.replace(/<([^<>]*)>/g, (whole, inside: string) => (SLACK_MARKUP.test(inside) ? whole : `&lt;${inside}&gt;`));
}

const SLACK_MARKUP = /^(?:[@#!]|(?:https?|mailto):)/i;

/**
 * Text inside a ``` code block: a run of three backticks in it (a log line, a task name) would close
 * the block and turn the rest into mrkdwn, so such runs get a zero-width space between backticks.
 */
export function breakFences(text: string): string {
  return text.replace(/`{3,}/g, (run) => run.split('').join('\u200b'));
}
