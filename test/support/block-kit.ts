import type { KnownBlock, HomeView as SlackHomeView } from '@slack/types';
import type { Block, HomeView, Message } from '../../src/render/blocks.js';

/**
 * What Slack would refuse in a message (`invalid_blocks`, `msg_blocks_too_long`), from its Block Kit
 * reference: the limits @slack/types documents but cannot check. Empty when the message is valid.
 */
export function blockKitProblems(message: Message): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(message.text.length > 0 && message.text.length <= 40_000, `text has ${message.text.length} characters (1 to 40000)`);
  const blocks = message.blocks ?? [];
  check(blocks.length <= 50, `${blocks.length} blocks (at most 50)`);
  const characters = blocksProblems(blocks, check);
  // Slack answers msg_blocks_too_long near 13,200 characters of block text, below the documented limits (bolt-js#2509).
  check(characters <= 12_000, `${characters} characters of block text (at most about 12000)`);
  return problems;
}

/** What Slack would refuse in an App Home view (`views.publish`): at most 100 blocks, each valid. */
export function homeViewProblems(view: HomeView): string[] {
  // The compiler checks the shape: the bot's view is one of Slack's Home views.
  const typed: SlackHomeView = view;
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  check(typed.type === 'home', `type is ${typed.type}`);
  check(view.blocks.length >= 1 && view.blocks.length <= 100, `${view.blocks.length} blocks (1 to 100)`);
  blocksProblems(view.blocks, check);
  return problems;
}

/** Checks every block against its documented limits; returns how many characters of text they hold. */
function blocksProblems(ours: Block[], check: (ok: boolean, problem: string) => void): number {
  // The compiler checks the shape: every block the bot renders is one of Slack's known blocks.
  const blocks: KnownBlock[] = ours;
  let characters = 0;
  const text = (where: string, value: string, max: number) => {
    characters += value.length;
    check(value.length > 0 && value.length <= max, `${where} has ${value.length} characters (1 to ${max})`);
  };
  blocks.forEach((block, index) => {
    const where = `block ${index} (${block.type})`;
    switch (block.type) {
      case 'section':
        check(Boolean(block.text || block.fields), `${where} has neither text nor fields`);
        if (block.text) text(where, block.text.text, 3000);
        check((block.fields?.length ?? 0) <= 10, `${where} has more than 10 fields`);
        for (const field of block.fields ?? []) text(`${where} field`, field.text, 2000);
        break;
      case 'context':
        check(block.elements.length >= 1 && block.elements.length <= 10, `${where} has ${block.elements.length} elements (1 to 10)`);
        for (const element of block.elements) if ('text' in element) text(where, element.text, 3000);
        break;
      case 'header':
        text(where, block.text.text, 150);
        break;
      case 'actions':
        check(block.elements.length >= 1 && block.elements.length <= 25, `${where} has ${block.elements.length} elements (1 to 25)`);
        for (const element of block.elements) {
          if (element.type !== 'button') continue;
          text(`${where} button`, element.text.text, 75);
          check((element.action_id ?? '').length <= 255, `${where} action_id longer than 255`);
          check((element.value ?? '').length <= 2000, `${where} value longer than 2000`);
          if (element.confirm) {
            const { title, text: question, confirm, deny } = element.confirm;
            check((title?.text.length ?? 0) <= 100, `${where} confirm title longer than 100`);
            check(question.text.length <= 300, `${where} confirm text longer than 300`);
            check((confirm?.text.length ?? 0) <= 30 && (deny?.text.length ?? 0) <= 30, `${where} confirm buttons longer than 30`);
          }
        }
        break;
      default:
        break;
    }
  });
  return characters;
}
