import type { Block, Message, TextObject } from './blocks.js';

/** Renders a message for a terminal: the same content as Slack shows, as plain lines. */
export function messageToText(message: Message): string {
  if (!message.blocks || message.blocks.length === 0) return message.text;
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
      if (block.text) lines.push(block.text.text);
      if (block.fields) lines.push(block.fields.map((field) => field.text).join('\n'));
      if (block.accessory) lines.push(`[${block.accessory.text.text}]`);
      return lines.join('\n');
    }
    case 'context':
      return block.elements.map((element: TextObject) => element.text).join(' · ');
    case 'divider':
      return '----';
    case 'actions':
      return block.elements.map((element) => `[${element.text.text}]`).join(' ');
  }
}
