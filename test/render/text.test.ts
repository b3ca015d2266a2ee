import { describe, expect, it } from 'vitest';
import { context, header, section } from '../../src/render/blocks.js';
import { escapeMrkdwn, unescapeMrkdwn } from '../../src/render/mrkdwn.js';
import { messageToText } from '../../src/render/text.js';

describe('the terminal shows escaped mrkdwn as Slack would', () => {
  it('prints sections, contexts and plain text messages with the characters that were typed', () => {
    const typed = '<!channel> & <https://evil.example|click here>';
    const shown = messageToText({ text: 'x', blocks: [section(`You typed ${escapeMrkdwn(typed)}`), context(escapeMrkdwn(typed))] });
    expect(shown).toBe(`You typed ${typed}\n${typed}`);
    expect(messageToText({ text: escapeMrkdwn(typed) })).toBe(typed);
  });

  it('decodes once: what someone typed as "&lt;" prints as "&lt;"', () => {
    expect(unescapeMrkdwn(escapeMrkdwn('&lt; &amp; <'))).toBe('&lt; &amp; <');
  });

  it('prints plain_text (headers, buttons) as given: nothing is escaped into it', () => {
    expect(messageToText({ text: 'x', blocks: [header('Mesos &amp; you')] })).toBe('== Mesos &amp; you ==');
  });
});
