import { describe, expect, it } from 'vitest';
import {
  attendeesMessage,
  broadcastMessage,
  broadcastReportMessage,
  broadcastStartedMessage,
  broadcastStoppedMessage,
  roomChannelMessage,
} from '../../commands/render/room-messages.js';
import { messageToText } from '../../src/render/text.js';
import type { RosterEntry } from '../../src/workshop/attendees.js';
import type { BroadcastSummary } from '../../src/workshop/broadcast.js';
import { blockKitProblems } from '../support/block-kit.js';

const users = (count: number) => Array.from({ length: count }, (_, i) => `U0W${String(i).padStart(5, '0')}`);

function summary(changes: Partial<BroadcastSummary>): BroadcastSummary {
  return {
    id: 'b1',
    from: 'U0TEACH',
    channel: 'C0ROOM',
    message: broadcastMessage('Exercise 3 starts now', 'U0TEACH'),
    dms: 500,
    sent: ['C0ROOM', ...users(500)],
    failed: [],
    stopped: [],
    startedAt: 0,
    ...changes,
  };
}

describe('workshop messages are valid Block Kit, even for a room of 500', () => {
  it('a broadcast of the longest text allowed, with mrkdwn and a mention', () => {
    const message = broadcastMessage(`*Heads up* <@U0ALL> & <#C0ROOM>\n${'x'.repeat(2960)}`, 'U0TEACH');
    expect(blockKitProblems(message)).toEqual([]);
    expect(message.text.length).toBeLessThanOrEqual(150);
    expect(messageToText(message)).toContain(':mega: From the instructor, <@U0TEACH>\n*Heads up* <@U0ALL> & <#C0ROOM>');
  });

  it('the delivery report quotes a broadcast with @channel without pinging again: the instructor reads the markup', () => {
    const report = broadcastReportMessage(
      summary({ message: broadcastMessage('<!channel> look <https://x.example|here> ```open', 'U0TEACH') }),
    );
    expect(JSON.stringify(report.blocks)).toContain('The message: 📣 &lt;!channel&gt; look &lt;https://x.example|here&gt; ```open');
    expect(JSON.stringify(report)).not.toContain('<!channel>');
    expect(messageToText(report)).toContain('The message: 📣 <!channel> look <https://x.example|here> ```open');
  });

  it('the answer with the Stop button, and what Stop says', () => {
    const started = broadcastStartedMessage({ id: 'mfx1a2b3c', channel: 'C0ROOM', dms: 500, estimateMs: 100_000 }, true);
    expect(blockKitProblems(started)).toEqual([]);
    expect(messageToText(started)).toBe(
      ':mega: Broadcasting to <#C0ROOM> and 500 attendees by DM, done in about 2 minutes. The delivery report comes by DM.\n[Stop this broadcast]',
    );
    // Without --dm, the answer says so (not that nobody has registered); with it and nobody registered, it says that.
    const channelOnly = messageToText(broadcastStartedMessage({ id: 'c', channel: 'C0ROOM', dms: 0, estimateMs: 600 }, false));
    expect(channelOnly).toContain('Only the channel: add --dm to reach every attendee directly too.');
    expect(channelOnly).not.toContain('No DMs');
    expect(messageToText(broadcastStartedMessage({ id: 'd', channel: 'C0ROOM', dms: 0, estimateMs: 600 }, true))).toContain(
      'No DMs: nobody has registered yet',
    );
    expect(messageToText(broadcastStartedMessage({ id: 'b', dms: 3, estimateMs: 600 }, true))).toContain(
      'No workshop channel yet, so only DMs: run /workshop channel here in the room.',
    );
    expect(messageToText(broadcastStoppedMessage({ stopped: 1, sent: 7, total: 8 }))).toBe(
      ':octagonal_sign: Stopped: 1 message of 8 will not be sent (7 already were). The delivery report follows by DM.',
    );
  });

  it('a report where every DM of a big room failed, for several reasons, stays within the limits and says how many it could not name', () => {
    const everyone = users(900);
    const failed = everyone.map((target, i) => ({ target, reason: ['user_not_found', 'user_disabled', 'weird_error'][i % 3]! }));
    const report = broadcastReportMessage(summary({ dms: 900, sent: ['C0ROOM'], failed }));
    expect(blockKitProblems(report)).toEqual([]);
    const text = messageToText(report);
    expect(report.text).toBe(':warning: Broadcast delivered to 1 of 901: 900 failed');
    expect(text).toContain('<#C0ROOM> posted, 0 of 900 DMs sent');
    expect(text).toMatch(
      /\n• `user_not_found` \(no such user in the workspace\), 300: <@U0W00000>, <@U0W00003>, [^•]* and \d+ more \(every failure is in the bot's log, broadcast b1\)\n/,
    );
    expect(text).toMatch(
      /\n• `user_disabled` \(a deactivated account\), 300: <@U0W00001>, [^•]* and \d+ more \(every failure is in the bot's log, broadcast b1\)\n/,
    );
    expect(text).toMatch(/\n• `weird_error`, 300: <@U0W00002>, [^•]* and \d+ more \(/);
    // Every one of the 900 is named or counted.
    const counted = [...text.matchAll(/ and (\d+) more/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    expect(everyone.filter((user) => text.includes(`<@${user}>`)).length + counted).toBe(900);
  });

  it('a report of a broadcast stopped early lists who was left out', () => {
    const report = broadcastReportMessage(summary({ sent: users(2), stopped: ['C0ROOM', ...users(500).slice(2)] }));
    expect(blockKitProblems(report)).toEqual([]);
    expect(report.text).toBe(':octagonal_sign: Broadcast stopped: 2 of 501 sent');
    expect(messageToText(report)).toContain('<#C0ROOM> not posted, 2 of 500 DMs sent\n• *Not sent (stopped)*, 499: <#C0ROOM>, <@U0W00002>');
  });

  it('a page of the roster with the longest display names', () => {
    const roster: RosterEntry[] = users(500).map((user, i) => ({
      user,
      name: `<b>${i}</b> ${'Maximiliane-Alexandra '.repeat(4)}`.slice(0, 80),
      joinedAt: i,
      cluster: 'provisioning',
      progress: { exercise: '06-elk-stack-on-marathon', passed: 11, steps: 12 },
    }));
    const page = attendeesMessage(roster, { page: 2, tracksProgress: true });
    expect(blockKitProblems(page)).toEqual([]);
    // Slack gets the markup escaped; the terminal shows the name as it was typed.
    expect(JSON.stringify(page.blocks)).toContain('&lt;b&gt;');
    expect(JSON.stringify(page.blocks)).not.toContain('<b>');
    expect(messageToText(page)).toContain('*<b>40</b> Maximiliane');
    expect(blockKitProblems(attendeesMessage([], { page: 1, tracksProgress: false }))).toEqual([]);
    expect(blockKitProblems(attendeesMessage(roster, { page: 1, status: 'failed', tracksProgress: true }))).toEqual([]);
  });

  it('the workshop channel, known or not', () => {
    expect(messageToText(roomChannelMessage(undefined))).toContain('No workshop channel yet.');
    expect(messageToText(roomChannelMessage({ channel: 'C0ROOM', source: 'config' }))).toBe(
      'The workshop channel is <#C0ROOM> (set by WORKSHOP_CHANNEL).',
    );
    expect(blockKitProblems(roomChannelMessage({ channel: 'C0ROOM', source: 'remembered' }, true))).toEqual([]);
  });
});
