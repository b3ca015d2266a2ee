import { describe, expect, it } from 'vitest';
import { context, header, section } from '../../src/render/blocks.js';
import { escapeMrkdwn, unescapeMrkdwn } from '../../src/render/mrkdwn.js';
import { messageToText, readableText } from '../../src/render/text.js';

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

  it('prints a task name with terminal escape sequences as visible escapes, so it cannot clear the screen or retitle the window', () => {
    const task = 'web\u001b[2J\u001b]0;pwned\u0007\rok';
    const shown = messageToText({ text: 'x', blocks: [section(`*${escapeMrkdwn(task)}* · RUNNING\n\tport 80`)] });
    expect(shown).toBe('*web\\u001b[2J\\u001b]0;pwned\\u0007\\u000dok* · RUNNING\n\tport 80');
    expect(messageToText({ text: `a\u009bb\u007f` })).toBe('a\\u009bb\\u007f');
  });
});

describe('a terminal reads Slack references as Slack shows them', () => {
  const names = new Map([['U0ADA', 'Ada']]);
  const nameOf = (user: string) => names.get(user);

  it('prints mentions by name, channels by name, specials and links as a person reads them', () => {
    const bot = [
      '<@U0ADA> asks (in <#C0ROOM|workshop>): see <https://example.org/board?k=1|the board>',
      '<@U0BOB> · <#C0OTHER> · <!here> · <!subteam^S0TEACH|@teachers> · <https://example.org/x|https://example.org/x> · <mailto:a@b.org>',
    ].join('\n');
    expect(readableText({ text: bot }, nameOf)).toBe(
      [
        '@Ada asks (in #workshop): see the board (https://example.org/board?k=1)',
        '@U0BOB · #C0OTHER · @here · @teachers · https://example.org/x · mailto:a@b.org',
      ].join('\n'),
    );
  });

  it('leaves what someone typed as they typed it: escaped markup is never read as a reference', () => {
    const typed = '<@U0ADA> <!channel> <https://evil.example|click here>';
    const shown = readableText({ text: 'x', blocks: [section(`You typed ${escapeMrkdwn(typed)} for <@U0ADA>`)] }, nameOf);
    expect(shown).toBe(`You typed ${typed} for @Ada`);
  });
});
