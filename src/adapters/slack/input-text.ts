import { unescapeMrkdwn } from '../../render/mrkdwn.js';
import type { CommandSpec } from '../../router/types.js';

/**
 * What a person typed, from the markup Slack sends it in: a link as its URL (`<http://10.0.0.5:5050>`
 * is what Slack makes of a typed address), a mention as `<@U…>` (what commands take to name an
 * attendee), a channel as `#name`; then `&amp;`, `&lt;`, `&gt;` as the characters.
 * Markup comes first: a `<` the person typed arrives as `&lt;`, so it never reads as markup.
 */
export function slackInputText(text: string): string {
  const plain = text.replace(/<([^<>]*)>/g, (_whole, inside: string) => {
    const [target = '', label] = inside.split('|', 2);
    if (target.startsWith('@')) return `<${target}>`;
    if (target.startsWith('#')) return label ? `#${label}` : `<${target}>`;
    // <!here>, <!channel>, <!subteam^…>: kept as sent, so a command that repeats them shows them as text.
    if (target.startsWith('!')) return `<${inside}>`;
    if (/^mailto:/i.test(target)) return label ?? target.slice('mailto:'.length);
    return target;
  });
  return unescapeMrkdwn(plain);
}

/** Text of a message that mentions the bot, without that mention (other mentions stay: they may name an attendee). */
export function withoutBotMention(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : /^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  return text.replace(mention, '');
}

/** A command's words as it takes them: as typed (see slackInputText), or with Slack's markup kept for a command that posts them again. */
export function commandWords(command: Pick<CommandSpec, 'repostsMarkup'> | undefined, sent: string): string {
  return command?.repostsMarkup ? unescapeMrkdwn(sent) : slackInputText(sent);
}
