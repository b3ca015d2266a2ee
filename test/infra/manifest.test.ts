import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_COMMANDS } from '../../commands/index.js';

describe('Slack app manifest', () => {
  it('registers exactly the commands the router serves, with Slack-valid fields', async () => {
    const manifest = parse(await readFile('infra/slack-app-manifest.yaml', 'utf8')) as {
      features: {
        slash_commands: Array<{ command: string; description: string; usage_hint: string; url: string }>;
        app_home: { home_tab_enabled: boolean };
      };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
    };
    const registered = manifest.features.slash_commands.map((entry) => entry.command).sort();
    expect(registered).toEqual(ALL_COMMANDS.map((command) => `/${command.name}`).sort());
    for (const entry of manifest.features.slash_commands) {
      expect(entry.command.length).toBeLessThanOrEqual(32);
      expect(entry.description.length).toBeLessThanOrEqual(2000);
      expect(entry.usage_hint.length).toBeLessThanOrEqual(1000);
      expect(entry.url).toMatch(/\/slack\/events$/);
    }
    // Slack shows the usage hint as the command is typed: every subcommand /help lists is in it.
    for (const command of ALL_COMMANDS) {
      const hint = manifest.features.slash_commands.find((entry) => entry.command === `/${command.name}`)!.usage_hint;
      const words = new Set(hint.split(/[^a-z-]+/));
      const missing = (command.subcommands ?? []).map((subcommand) => subcommand.name).filter((name) => !words.has(name));
      expect(missing, `/${command.name}'s usage_hint: ${hint}`).toEqual([]);
    }
    // Mentions and DMs reach /faq; buttons need interactivity.
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_mention', 'message.im']));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // The App Home tab is published when it is opened.
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
  });
});
