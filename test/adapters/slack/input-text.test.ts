import { describe, expect, it } from 'vitest';
import { cluster } from '../../../commands/cluster/index.js';
import { workshop } from '../../../commands/workshop/index.js';
import { commandWords, slackInputText, withoutBotMention } from '../../../src/adapters/slack/input-text.js';

describe('what a person typed, from the markup Slack sends', () => {
  it('gives a link as the address that was typed, so /cluster attach gets a URL', () => {
    expect(slackInputText('attach master=<http://10.0.0.5:5050> marathon=<http://10.0.0.5:8080|10.0.0.5:8080>')).toBe(
      'attach master=http://10.0.0.5:5050 marathon=http://10.0.0.5:8080',
    );
    expect(slackInputText('<https://example.org/a?x=1&amp;y=2>')).toBe('https://example.org/a?x=1&y=2');
    expect(slackInputText('mail <mailto:ada@example.org|ada@example.org>')).toBe('mail ada@example.org');
  });

  it('keeps a mention as the user id (how an instructor names an attendee), a channel as #name, <!here> as sent', () => {
    expect(slackInputText('info <@U0ALICE|alice>')).toBe('info <@U0ALICE>');
    expect(slackInputText('info <@W0GRID>')).toBe('info <@W0GRID>');
    expect(slackInputText('in <#C0ROOM|workshop> <!here> <!subteam^S0TEACH|@teachers>')).toBe(
      'in #workshop <!here> <!subteam^S0TEACH|@teachers>',
    );
  });

  it('decodes the entities a typed &, < and > arrive as, after the markup, so typed brackets stay text', () => {
    expect(slackInputText('a &amp;&amp; b &lt;@U0ALICE&gt; &amp;lt;')).toBe('a && b <@U0ALICE> &lt;');
    expect(slackInputText('```{"cmd": "sleep 1 &amp;&amp; echo &lt;hi&gt;"}```')).toBe('```{"cmd": "sleep 1 && echo <hi>"}```');
  });

  it("takes only the bot's own mention out of a message that mentions it", () => {
    expect(withoutBotMention('<@U0BOT> /cluster info <@U0ALICE>', 'U0BOT')).toBe(' /cluster info <@U0ALICE>');
    expect(withoutBotMention('<@U0BOT|workshop-bot> hi <@U0BOT>', 'U0BOT')).toBe(' hi ');
    // Without the bot's id (never in practice): the mention it was called with, first.
    expect(withoutBotMention('<@U0BOT> /check <@U0ALICE>', undefined)).toBe(' /check <@U0ALICE>');
  });

  it('hands a broadcast its links, mentions and channels as Slack sent them, since it posts them again', () => {
    const sent = 'broadcast --dm Slides: <https://example.org/s|the slides> in <#C0ROOM|workshop>, ask <@U0TEACH|teach> &amp; co';
    expect(commandWords(workshop, sent)).toBe(
      'broadcast --dm Slides: <https://example.org/s|the slides> in <#C0ROOM|workshop>, ask <@U0TEACH|teach> & co',
    );
    expect(commandWords(cluster, 'attach master=<http://10.0.0.5:5050>')).toBe('attach master=http://10.0.0.5:5050');
  });
});
