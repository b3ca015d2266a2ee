import type { Block, Message, TextObject } from './blocks.js';
import { referencesToText, unescapeMrkdwn } from './mrkdwn.js';

/**
 * Renders a message for a terminal: the same content as Slack shows, as plain lines. Mrkdwn comes
 * back to the characters Slack would show (`&lt;!channel&gt;` prints as `<!channel>`: see
 * render/mrkdwn.ts); plain_text (headers, buttons), which nothing escapes, is printed as given.
 * Control characters, whatever their source, are printed as escapes.
 */
export function messageToText(message: Message): string {
  return render(message, unescapeMrkdwn);
}

/**
 * `messageToText` for a person at a terminal: mentions, channels and links read as Slack shows them
 * (`@Ada`, `#room`, `label (url)`) rather than as the markup Slack receives. `nameOf` names a user id.
 */
export function readableText(message: Message, nameOf?: (user: string) => string | undefined): string {
  return render(message, (mrkdwn) => unescapeMrkdwn(referencesToText(mrkdwn, nameOf)));
}

function render(message: Message, mrkdwnToText: (mrkdwn: string) => string): string {
  if (!message.blocks || message.blocks.length === 0) return printable(mrkdwnToText(message.text));
  return printable(
    message.blocks
      .map((block) => blockToText(block, (text) => (text.type === 'mrkdwn' ? mrkdwnToText(text.text) : text.text)))
      .filter((line) => line !== '')
      .join('\n'),
  );
}

/**
 * Control characters shown as `\u001b`-style escapes: text from a cluster (a task name, a log line)
 * or a Slack profile would otherwise reach the terminal raw, and an escape sequence there clears the
 * screen, rewrites lines (`\r`), retitles the window or writes the clipboard. Line breaks and tabs stay.
 */
function printable(text: string): string {
  return text.replace(TERMINAL_CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function blockToText(block: Block, shown: (text: TextObject) => string): string {
  switch (block.type) {
    case 'header':
      return `== ${block.text.text} ==`;
    case 'section': {
      const lines: string[] = [];
      if (block.text) lines.push(shown(block.text));
      if (block.fields) lines.push(block.fields.map(shown).join('\n'));
      if (block.accessory) lines.push(`[${block.accessory.text.text}]`);
      return lines.join('\n');
    }
    case 'context':
      return block.elements.map(shown).join(' · ');
    case 'divider':
      return '----';
    case 'actions':
      return block.elements.map((element) => `[${element.text.text}]`).join(' ');
  }
}
