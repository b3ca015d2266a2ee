import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import type { Message } from '../../../src/render/blocks.js';
import { messageToText } from '../../../src/render/text.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { testRedisUrl } from '../../support/services.js';
import { SIGNING_SECRET, type SlackBotUnderTest, startSlackBot } from '../../support/slack-bot.js';
import { buttonPressBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

export interface Reply {
  text: string;
  blocks: Message['blocks'];
  /** The JSON value of each button, by action id. */
  buttons: Record<string, string>;
}

export interface CheckBot {
  slack: SlackBotUnderTest;
  /** Sends a slash command through Bolt's receiver and returns the bot's (ephemeral) reply. */
  command(command: string, text: string, user: string): Promise<Reply>;
  /** Presses a button as `user`; returns the reply, and how long Bolt took to ack. */
  press(actionId: string, value: string, user: string): Promise<Reply & { ackMs: number }>;
  stop(): Promise<void>;
}

/** The bot behind Bolt's real HTTP receiver with a fake Slack, on the test Redis (or a bot started with other settings). */
export async function startCheckBot(started?: SlackBotUnderTest): Promise<CheckBot> {
  const slack = started ?? (await startSlackBot({ env: { REDIS_URL: testRedisUrl()!, LOG_LEVEL: 'silent', ATTACH_ALLOW: '127.0.0.0/8' } }));
  let sequence = 0;
  const replyTo = async (id: string, send: () => Promise<{ status: number; elapsedMs: number }>): Promise<Reply & { ackMs: number }> => {
    const response = await send();
    expect(response.status).toBe(200);
    const call = await slack.fake.waitFor((candidate) => candidate.path === `/response/${id}`, 30_000);
    return { ...toReply(call), ackMs: response.elapsedMs };
  };
  return {
    slack,
    command: (command, text, user) => {
      const id = `check-${++sequence}`;
      return replyTo(id, () =>
        postSigned(slack.eventsUrl, {
          secret: SIGNING_SECRET,
          contentType: 'application/x-www-form-urlencoded',
          body: slashCommandBody({ command, text, user_id: user, response_url: slack.fake.responseUrl(id) }),
        }),
      );
    },
    press: (actionId, value, user) => {
      const id = `press-${++sequence}`;
      return replyTo(id, () =>
        postSigned(slack.eventsUrl, {
          secret: SIGNING_SECRET,
          contentType: 'application/x-www-form-urlencoded',
          body: buttonPressBody({ actionId, value, user_id: user, response_url: slack.fake.responseUrl(id) }),
        }),
      );
    },
    stop: () => slack.stop(),
  };
}

function toReply(call: RecordedCall): Reply {
  const message = { text: String(call.body.text ?? ''), blocks: call.body.blocks as Message['blocks'] };
  const buttons: Record<string, string> = {};
  for (const block of message.blocks ?? [])
    if (block.type === 'actions') for (const button of block.elements) buttons[button.action_id] = button.value ?? '';
  return { text: messageToText(message), blocks: message.blocks, buttons };
}

/** The line of a result for one step (by its title). */
export function stepLine(reply: Reply, title: string): string {
  const line = reply.text.split('\n').find((candidate) => candidate.includes(`*${title}*`));
  if (!line) throw new Error(`no line for "${title}" in:\n${reply.text}`);
  return line;
}

/** An exercise's Marathon JSON, as an attendee pastes it after /cluster install. */
export function exerciseJson(path: string, edit: (text: string) => string = (text) => text): string {
  return `\`\`\`${edit(readFileSync(new URL(`../../../exercises/${path}`, import.meta.url), 'utf8'))}\`\`\``;
}

/** An attendee whose simulated cluster is attached to a check bot, and Marathon's REST API on it (what its UI does). */
export interface AttendeeCluster {
  bot: CheckBot;
  cluster: SimulatedCluster;
  marathon: MarathonClient;
  stop(): Promise<void>;
}

export async function attendeeCluster(user: string, options: Parameters<typeof startSimulatedCluster>[0]): Promise<AttendeeCluster> {
  const cluster = await startSimulatedCluster(options);
  const bot = await startCheckBot();
  await bot.slack.bot.services.clusters.attach(user, {
    master: cluster.masterUrl,
    marathon: cluster.marathonUrl,
    agents: cluster.agentUrls,
  });
  const http = new HttpClient();
  return {
    bot,
    cluster,
    marathon: new MarathonClient(http, cluster.marathonUrl),
    stop: async () => {
      await http.close();
      await bot.stop();
      await cluster.stop();
    },
  };
}
