import { breakFences, escapeStrayBrackets } from './mrkdwn.js';

/**
 * The Block Kit subset the bot uses, with builders. Commands render blocks once; the terminal
 * adapter derives its text from the same blocks, so both surfaces always say the same thing.
 */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

/** Where a posted message lives, so it can be updated or replied to in a thread. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface Button {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
  /** Asks "are you sure?" before the press is sent (for what cannot be undone). */
  confirm?: { title: PlainText; text: PlainText; confirm: PlainText; deny: PlainText; style?: 'primary' | 'danger' };
}

export type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[]; accessory?: Button }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: Button[] };

/** A message as commands produce it: `text` is the notification/fallback text, `blocks` the body. */
export interface Message {
  text: string;
  blocks?: Block[];
}

/** A user's App Home tab (`views.publish`): what they see when they open the bot's Home. */
export interface HomeView {
  type: 'home';
  blocks: Block[];
}

/** Slack's documented limits (docs.slack.dev, Block Kit reference). */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  actionValue: 2000,
  /** Slack cuts a message's `text` above this. */
  messageText: 40_000,
} as const;

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half an entity: a cut "&am" would show as text where "&" was meant.
  return `${text.slice(0, max - 1).replace(/&(?:a|am|amp|l|lt|g|gt)?$/, '')}…`;
}

export const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText) } });

export const section = (text: string, accessory?: Button): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
  ...(accessory ? { accessory } : {}),
});

export const fields = (items: string[]): Block => ({
  type: 'section',
  fields: items.slice(0, LIMITS.fields).map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.fieldText) })),
});

export const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) }],
});

export const divider = (): Block => ({ type: 'divider' });

export const actions = (buttons: Button[]): Block => ({ type: 'actions', elements: buttons.slice(0, 25) });

export const button = (text: string, actionId: string, value?: string, style?: Button['style']): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: truncate(text, LIMITS.buttonText) },
  action_id: actionId,
  ...(value !== undefined ? { value: truncate(value, LIMITS.actionValue) } : {}),
  ...(style ? { style } : {}),
});

/** The button asks for a confirmation first. */
export function confirmed(target: Button, question: { title: string; text: string; confirm: string }): Button {
  const plain = (text: string, max: number): PlainText => ({ type: 'plain_text', text: truncate(text, max) });
  return {
    ...target,
    confirm: {
      title: plain(question.title, 100),
      text: plain(question.text, 300),
      confirm: plain(question.confirm, 30),
      deny: plain('Cancel', 30),
      ...(target.style === 'danger' ? { style: 'danger' as const } : {}),
    },
  };
}

/** The view within Slack's limit of blocks per view, placeholders as characters: the last guard before publishing. */
export function fitView(view: HomeView): HomeView {
  return { ...view, blocks: view.blocks.slice(0, LIMITS.blocksPerView).map(forSlack) };
}

/**
 * The message within Slack's whole-message limits (text length, block count), the bot's own
 * placeholders shown as characters (see escapeStrayBrackets): the last guard before sending.
 */
export function fitMessage(message: Message): Message {
  const text = truncate(escapeStrayBrackets(message.text), LIMITS.messageText);
  if (!message.blocks) return { ...message, text };
  return { ...message, text, blocks: message.blocks.slice(0, LIMITS.blocksPerMessage).map(forSlack) };
}

/** A block's mrkdwn with stray brackets escaped, cut again to its limit (escaping lengthens it). */
function forSlack(block: Block): Block {
  const escaped = (text: Mrkdwn, max: number): Mrkdwn => ({ ...text, text: truncate(escapeStrayBrackets(text.text), max) });
  if (block.type === 'section')
    return {
      ...block,
      ...(block.text ? { text: escaped(block.text, LIMITS.sectionText) } : {}),
      ...(block.fields ? { fields: block.fields.map((field) => escaped(field, LIMITS.fieldText)) } : {}),
    };
  if (block.type === 'context')
    return {
      ...block,
      elements: block.elements.map((element) => (element.type === 'mrkdwn' ? escaped(element, LIMITS.sectionText) : element)),
    };
  return block;
}

/** A code block for Slack mrkdwn (fences inside broken, see breakFences); long content is cut to fit one section. */
export function codeBlock(content: string): string {
  const fence = '```';
  return `${fence}${truncate(breakFences(content), LIMITS.sectionText - 2 * fence.length)}${fence}`;
}

/** A message whose body is one or more mrkdwn sections (split at line ends when longer than a section). */
export function textMessage(text: string, extra: Block[] = []): Message {
  return { text: truncate(firstLine(text), 300), blocks: [...splitSections(text).map((part) => section(part)), ...extra] };
}

/** Splits long mrkdwn into section-sized parts at line boundaries, keeping code fences balanced. */
export function splitSections(text: string, max: number = LIMITS.sectionText): string[] {
  const parts: string[] = [];
  let current = '';
  let inFence = false;
  const closing = '\n```';
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length + (inFence ? closing.length : 0) > max && current !== '') {
      parts.push(inFence ? `${current}${closing}` : current);
      current = inFence ? `\`\`\`\n${line}` : line;
    } else {
      current = candidate;
    }
    if ((line.match(/```/g) ?? []).length % 2 === 1) inFence = !inFence;
  }
  if (current !== '') parts.push(current);
  return parts.map((part) => truncate(part, max));
}

/**
 * A list as sections: `lead` then the items joined by `separator`, cut between items into parts
 * that each fit a section (an item longer than a section is cut); `tail` ends the last part.
 */
export function listSections(lead: string, items: string[], tail = '', separator = ', ', max: number = LIMITS.sectionText): string[] {
  const parts: string[] = [];
  let current = lead;
  let empty = true;
  for (const item of items) {
    const candidate = empty ? `${current}${item}` : `${current}${separator}${item}`;
    if (candidate.length > max && !empty) {
      parts.push(current);
      current = item;
    } else current = candidate;
    empty = false;
  }
  if (`${current}${tail}`.length > max) {
    parts.push(current);
    current = tail.trimStart();
  } else current = `${current}${tail}`;
  if (current !== '') parts.push(current);
  return parts.map((part) => truncate(part, max));
}

/** Characters of text in `blocks` (sections, fields, contexts, headers, buttons): what Slack's size limit counts. */
export function textLength(blocks: Block[]): number {
  const of = (text: TextObject) => text.text.length;
  return blocks.reduce((sum, block) => {
    if (block.type === 'section')
      return sum + (block.text ? of(block.text) : 0) + (block.fields ?? []).reduce((n, field) => n + of(field), 0);
    if (block.type === 'context') return sum + block.elements.reduce((n, element) => n + of(element), 0);
    if (block.type === 'header') return sum + of(block.text);
    if (block.type === 'actions') return sum + block.elements.reduce((n, element) => n + of(element.text), 0);
    return sum;
  }, 0);
}

/** Splits blocks into messages that each fit Slack's block limit (used for thread replies). */
export function paginate(blocks: Block[], perMessage: number = LIMITS.blocksPerMessage): Block[][] {
  const pages: Block[][] = [];
  for (let i = 0; i < blocks.length; i += perMessage) pages.push(blocks.slice(i, i + perMessage));
  return pages;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}
