import { describe, expect, it } from 'vitest';
import { errorMessage, jsonSyntaxMessage, quote, UserError } from '../src/errors.js';

describe('quote(): user input echoed in a message', () => {
  it('quotes short input as typed', () => {
    expect(quote('--colour')).toBe('"--colour"');
    expect(quote('集群 🚀')).toBe('"集群 🚀"');
  });

  it('shows control characters and line breaks as escapes, so they cannot reshape the reply', () => {
    expect(quote('a\nb\tc\u0000d\u001b[31m\u2028')).toBe('"a\\nb\\tc\\u0000d\\u001b[31m\\u2028"');
  });

  it('shows a right-to-left override and zero-width characters as escapes, so the rest of the reply reads as written', () => {
    expect(quote('evil\u202Etxt.exe\u200B\u2066x\u2069')).toBe('"evil\\u202etxt.exe\\u200b\\u2066x\\u2069"');
    // Joiners inside emoji are not touched.
    expect(quote('👩‍💻')).toBe('"👩‍💻"');
  });

  it("escapes Slack's markup, so a quoted <!channel> or disguised link is shown, not sent", () => {
    expect(quote('<!channel> <@U0BOSS> <#C0ROOM> <!subteam^S1>')).toBe(
      '"&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;#C0ROOM&gt; &lt;!subteam^S1&gt;"',
    );
    expect(quote('<https://evil.example|click here>')).toBe('"&lt;https://evil.example|click here&gt;"');
    // An ampersand first, so what someone typed as "&lt;" stays those four characters.
    expect(quote('Q&A &lt;')).toBe('"Q&amp;A &amp;lt;"');
  });

  it('cuts before escaping: never inside an entity, and the count is of what was typed', () => {
    expect(quote(`${'x'.repeat(79)}<<<`)).toBe(`"${'x'.repeat(79)}&lt;…" (82 characters)`);
  });

  it("a UserError's message is mrkdwn; as plain text (terminal, logs, records) it says what was typed", () => {
    const error = new UserError(`${quote('<!here> & co')} is not an exercise.`);
    expect(error.message).toBe('"&lt;!here&gt; &amp; co" is not an exercise.');
    expect(errorMessage(error)).toBe('"<!here> & co" is not an exercise.');
    expect(errorMessage(new Error('a &lt; b'))).toBe('a &lt; b');
  });

  it('cuts long input and says how long it was', () => {
    const quoted = quote('x'.repeat(1_000_000));
    expect(quoted).toBe(`"${'x'.repeat(80)}…" (1,000,000 characters)`);
  });

  it('never cuts an emoji in half', () => {
    const quoted = quote(`${'x'.repeat(79)}🚀🚀`);
    expect(quoted.startsWith(`"${'x'.repeat(79)}…"`)).toBe(true);
    expect(quoted).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('jsonSyntaxMessage(): where a pasted JSON file breaks', () => {
  const told = (text: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      return jsonSyntaxMessage(text, error);
    }
    throw new Error('parsed');
  };

  it('says the line and column, not the character offset', () => {
    // The DC/OS CLI's bad.json in small: a closing brace missing after a nested object.
    expect(told('{\n  "id": "web",\n  "labels": {\n    "A": "1"\n}')).toMatch(/ \(line 5, column 2\)$/);
    expect(told('{\n  "id": "web"\n  "cmd": "x"\n}')).toBe("Expected ',' or '}' after property value (line 3, column 3)");
    expect(told('{"id": "web",}')).not.toContain('position');
  });

  it('points at a curly quote an editor or Slack put in, and says to write straight ones', () => {
    expect(told('{\n  "id": \u201cweb\u201d\n}')).toBe(
      'Unexpected \u201c (line 2, column 9): a curly quote, which an editor or Slack put there; write straight quotes (" or \'), or send the text inside a ``` code block',
    );
    expect(told('{\u201cid\u201d: "web"}')).toContain('(line 1, column 2): a curly quote');
    // Inside a string they are text, and the mistake is elsewhere.
    expect(told('{"title": "the \u201cbest\u201d", x}')).toBe('Expected double-quoted property name (line 1, column 25)');
  });
});
