import type { Block, Message, TextObject } from './blocks.js';
import { unescapeMrkdwn } from './mrkdwn.js';

/**
 * Renders a message for a terminal: the same content as Slack shows, as plain lines. Mrkdwn comes
 * back to the characters Slack would show (`&lt;!channel&gt;` prints as `<!channel>`: see
 * render/mrkdwn.ts); plain_text (headers, buttons), which nothing escapes, is printed as given.
 */
export function messageToText(message: Message): string {
  if (!message.blocks || message.blocks.length === 0) return unescapeMrkdwn(message.text);
  return message.blocks
    .map(blockToText)
    .filter((line) => line !== '')
    .join('\n');
}

function blockToText(block: Block): string {
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

function shown(text: TextObject): string {
  return text.type === 'mrkdwn' ? unescapeMrkdwn(text.text) : text.text;
}
