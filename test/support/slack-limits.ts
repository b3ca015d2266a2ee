import { LIMITS } from '../../src/render/blocks.js';

/** Anything Slack would refuse or cut in a message payload (text, blocks, buttons), said plainly. */
export function slackLimitViolations(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  const text = typeof message.text === 'string' ? message.text : '';
  if (text.length > LIMITS.messageText) problems.push(`text is ${text.length} characters`);
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Array<Record<string, unknown>>) : [];
  if (blocks.length > LIMITS.blocksPerMessage) problems.push(`${blocks.length} blocks`);
  for (const block of blocks) {
    const inner = (block.text as { text?: string } | undefined)?.text ?? '';
    if (block.type === 'section' && inner.length > LIMITS.sectionText) problems.push(`a section of ${inner.length} characters`);
    if (block.type === 'header' && inner.length > LIMITS.headerText) problems.push(`a header of ${inner.length} characters`);
    const fields = (block.fields as Array<{ text: string }> | undefined) ?? [];
    if (fields.length > LIMITS.fields) problems.push(`${fields.length} fields`);
    for (const field of fields) if (field.text.length > LIMITS.fieldText) problems.push(`a field of ${field.text.length} characters`);
    const elements = (block.elements as Array<Record<string, unknown>> | undefined) ?? [];
    if (block.type === 'context' && elements.length > 10) problems.push(`a context of ${elements.length} elements`);
    if (block.type === 'actions' && elements.length > 25) problems.push(`${elements.length} buttons`);
    for (const element of elements) {
      const elementText = (element.text as { text?: string } | string | undefined) ?? '';
      const shown = typeof elementText === 'string' ? elementText : (elementText.text ?? '');
      if (block.type === 'context' && shown.length > LIMITS.sectionText) problems.push(`a context element of ${shown.length} characters`);
      if (element.type === 'button') {
        if (shown.length > LIMITS.buttonText) problems.push(`a button text of ${shown.length} characters`);
        if (String(element.action_id ?? '').length > 255) problems.push('an action_id over 255 characters');
        if (String(element.value ?? '').length > LIMITS.actionValue)
          problems.push(`a button value of ${String(element.value).length} characters`);
      }
    }
  }
  return problems;
}
