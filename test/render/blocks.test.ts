import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  context,
  fields,
  fitMessage,
  fitView,
  LIMITS,
  paginate,
  section,
  splitSections,
  textMessage,
} from '../../src/render/blocks.js';

describe('splitSections', () => {
  it('keeps short text in one section', () => {
    expect(splitSections('one\ntwo')).toEqual(['one\ntwo']);
  });

  it('splits at line ends so no section passes the limit', () => {
    const lines = Array.from({ length: 200 }, (_, index) => `line ${index} ${'x'.repeat(40)}`);
    const parts = splitSections(lines.join('\n'), 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1000);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('closes a code fence at the end of a part and reopens it in the next, so every part renders as code', () => {
    const code = Array.from({ length: 100 }, (_, index) => `row ${index}`).join('\n');
    const parts = splitSections(`\`\`\`${code}\`\`\``, 300);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect((part.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('cuts a single line longer than the limit instead of exceeding it', () => {
    const [part] = splitSections('y'.repeat(5000), 3000);
    expect(part).toHaveLength(3000);
    expect(part!.endsWith('…')).toBe(true);
  });
});

describe('paginate', () => {
  it('fits any number of blocks into messages of at most the per-message limit, in order', () => {
    const blocks = Array.from({ length: 123 }, (_, index) => section(`block ${index}`));
    const pages = paginate(blocks);
    expect(pages.map((page) => page.length)).toEqual([50, 50, 23]);
    expect(pages.flat()).toEqual(blocks);
    expect(paginate([])).toEqual([]);
  });
});

describe('message builders', () => {
  it('never lets a section or a code block pass Slack’s section limit', () => {
    const long = 'z'.repeat(10_000);
    const block = section(long);
    expect(block.type === 'section' ? block.text?.text.length : 0).toBe(LIMITS.sectionText);
    expect(codeBlock(long).length).toBe(LIMITS.sectionText);
  });

  it('uses the first non-empty line as the notification text', () => {
    expect(textMessage('\n\nHello there\nmore').text).toBe('Hello there');
  });
});

describe('fitMessage / fitView: what Slack is sent', () => {
  const own =
    'Hi <@U0ANN>, see <https://board.example/b/x|the board> — <!here>: `/faq <question>`, master=http://<host>:5050, zookeeper=<host:port>';

  it("shows the bot's placeholders as characters and keeps its mentions, specials and links as markup", () => {
    const fitted = fitMessage({ text: own, blocks: [section(own), fields([own]), context(own)] });
    for (const text of [fitted.text, JSON.stringify(fitted.blocks)]) {
      expect(text).toContain('<@U0ANN>');
      expect(text).toContain('<https://board.example/b/x|the board>');
      expect(text).toContain('<!here>');
      expect(text).toContain('`/faq &lt;question&gt;`');
      expect(text).toContain('master=http://&lt;host&gt;:5050');
      expect(text).toContain('zookeeper=&lt;host:port&gt;');
      expect(text).not.toContain('<question>');
    }
    expect(JSON.stringify(fitView({ type: 'home', blocks: [section(own)] }))).toContain('&lt;question&gt;');
  });

  it('leaves text escaped already alone, and a section escaping lengthens still within its limit', () => {
    expect(fitMessage({ text: '&lt;!channel&gt; &amp; co' }).text).toBe('&lt;!channel&gt; &amp; co');
    const full = fitMessage({ text: 'x', blocks: [section('<a>'.repeat(1000))] });
    const block = full.blocks![0] as { text: { text: string } };
    expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(block.text.text.startsWith('&lt;a&gt;&lt;a&gt;')).toBe(true);
  });

  it('cuts a long escaped text before an entity, never inside one', () => {
    const cut = fitMessage({ text: 'x', blocks: [section(`${'y'.repeat(2997)}&lt;b&gt;`)] }).blocks![0] as { text: { text: string } };
    expect(cut.text.text).toBe(`${'y'.repeat(2997)}…`);
  });
});
