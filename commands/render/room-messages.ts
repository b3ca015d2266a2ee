import { describeWait } from '../../src/clusters/build-stats.js';
import type { ClusterStatus } from '../../src/clusters/cluster-record.js';
import { describeReason } from '../../src/notify/refusals.js';
import {
  actions,
  type Block,
  button,
  context,
  listSections,
  type Message,
  section,
  splitSections,
  textLength,
  truncate,
} from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';
import type { RosterEntry } from '../../src/workshop/attendees.js';
import type { BroadcastStarted, BroadcastSummary } from '../../src/workshop/broadcast.js';
import type { RoomChannel } from '../../src/workshop/room.js';

/**
 * What attendees see: the instructor's words, marked as coming from them. Deliberately not escaped
 * (unlike everything attendees or clusters write): a broadcast is the instructor's own mrkdwn, so
 * their links, mentions and `<!here>` work as they wrote them.
 */
export function broadcastMessage(text: string, from: string): Message {
  return {
    text: truncate(`📣 ${text.replace(/\s+/g, ' ')}`, 150),
    blocks: [context(`:mega: From the instructor, <@${from}>`), section(text)],
  };
}

/** The instructor's answer to /workshop broadcast (`dm`: whether they asked for DMs), with the Stop button. */
export function broadcastStartedMessage(started: BroadcastStarted, dm: boolean): Message {
  const where = [started.channel ? `<#${started.channel}>` : '', started.dms > 0 ? `${plural(started.dms, 'attendee')} by DM` : ''].filter(
    Boolean,
  );
  const text = `:mega: Broadcasting to ${where.join(' and ')}, done in ${describeWait(started.estimateMs)}. The delivery report comes by DM.`;
  const notes = [
    started.channel ? '' : 'No workshop channel yet, so only DMs: run /workshop channel here in the room.',
    dm && started.dms === 0 && started.channel ? 'No DMs: nobody has registered yet (attendees register when they use any command).' : '',
    dm ? '' : 'Only the channel: add --dm to reach every attendee directly too.',
  ].filter(Boolean);
  return {
    text,
    blocks: [
      section(text),
      ...(notes.length > 0 ? [context(notes.join(' '))] : []),
      actions([button('Stop this broadcast', 'workshop.stop', started.id, 'danger')]),
    ],
  };
}

export function broadcastStoppedMessage(result: { stopped: number; sent: number; total: number }): Message {
  const text =
    result.stopped === 0
      ? `:information_source: Nothing left to stop: every message of that broadcast was already posted or on its way (${result.sent} of ${result.total} sent).`
      : `:octagonal_sign: Stopped: ${plural(result.stopped, 'message')} of ${result.total} will not be sent (${result.sent} already were). The delivery report follows by DM.`;
  return { text, blocks: [section(text)] };
}

/** Reasons named one by one in a delivery report; any more share one line (each code named, every recipient still there). */
const MAX_REASONS = 12;

/** The delivery report, by DM to the instructor who sent the broadcast: who failed and why, every one of them. */
export function broadcastReportMessage(summary: BroadcastSummary): Message {
  const total = summary.sent.length + summary.failed.length + summary.stopped.length;
  const title =
    summary.stopped.length > 0
      ? `:octagonal_sign: Broadcast stopped: ${summary.sent.length} of ${total} sent`
      : summary.failed.length > 0
        ? `:warning: Broadcast delivered to ${summary.sent.length} of ${total}: ${summary.failed.length} failed`
        : `:white_check_mark: Broadcast delivered: all ${total} sent`;
  const sentDms = summary.sent.filter((target) => target !== summary.channel).length;
  const sentLine = [
    summary.channel ? `<#${summary.channel}> ${summary.sent.includes(summary.channel) ? 'posted' : 'not posted'}` : '',
    summary.dms > 0 ? `${sentDms} of ${plural(summary.dms, 'DM')} sent` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const byReason = new Map<string, string[]>();
  for (const { target, reason } of summary.failed) byReason.set(reason, [...(byReason.get(reason) ?? []), target]);
  // The most frequent reasons first; past MAX_REASONS, the rarest share a line.
  const reasons = [...byReason].sort((a, b) => b[1].length - a[1].length);
  const others = reasons.slice(MAX_REASONS);
  const groups: PeopleGroup[] = [
    ...reasons
      .slice(0, MAX_REASONS)
      .map(([reason, targets]) => ({ label: `${failureReason(reason)}, ${targets.length}`, people: targets })),
    ...(others.length > 0
      ? [
          {
            label: `Other reasons (${others.map(([reason]) => `\`${escapeMrkdwn(truncate(reason, 60))}\``).join(', ')}), ${others.reduce((sum, [, targets]) => sum + targets.length, 0)}`,
            people: others.flatMap(([, targets]) => targets),
          },
        ]
      : []),
    ...(summary.stopped.length > 0 ? [{ label: `*Not sent (stopped)*, ${summary.stopped.length}`, people: summary.stopped }] : []),
  ];
  const head = [section(`*${title}*\n${sentLine}`), ...(summary.failed.length > 0 ? [section('*Failed:*')] : [])];
  // A quote of what was sent: its mentions and links are shown, not sent again (the broadcast itself keeps them).
  const foot = [context(`The message: ${escapeMrkdwn(truncate(summary.message.text, 200))}`)];
  return {
    text: title,
    blocks: [...head, ...peopleBlocks(groups, [...head, ...foot], `every failure is in the bot's log, broadcast ${summary.id}`), ...foot],
  };
}

/** Slack's code (as is: the instructor may search for it), what it means and what to do, when known. */
export function failureReason(reason: string): string {
  const known = describeReason(reason);
  if (!known) return `\`${escapeMrkdwn(reason)}\``;
  const fix = known.fix === 'nothing to do' ? '' : `; to fix: ${known.fix}`;
  return `\`${escapeMrkdwn(reason)}\` (${known.what}${fix})`;
}

const STATUS_WORDS: Record<ClusterStatus | 'none', string> = {
  ready: ':large_green_circle: ready',
  queued: ':hourglass: queued',
  provisioning: ':gear: provisioning',
  failed: ':red_circle: failed',
  removing: ':wastebasket: removing',
  none: ':white_circle: no cluster',
};

export const ATTENDEES_PER_PAGE = 40;
/**
 * Characters of a name a line shows: a page of the longest names Slack allows (80 characters, each
 * `&` escaped as five) stays well under what Slack takes in one message.
 */
const NAME_SHOWN = 100;

/** `/workshop attendees`: counts by cluster status, then one line per attendee, a page at a time. */
export function attendeesMessage(
  roster: RosterEntry[],
  view: {
    page: number;
    status?: ClusterStatus | 'none';
    tracksProgress: boolean;
    /** Who of the roster is an instructor: marked, as the board, check-ins and the results leave them out. */
    instructors?: ReadonlySet<string>;
  },
): Message {
  const counts = Object.keys(STATUS_WORDS)
    .map((status) => ({ status, count: roster.filter((entry) => (entry.cluster ?? 'none') === status).length }))
    .filter(({ count }) => count > 0);
  const summary = `*${plural(roster.length, 'attendee')}*${roster.length > 0 ? ` · clusters: ${counts.map(({ status, count }) => `${count} ${status}`).join(', ')}` : ''}`;
  if (roster.length === 0) {
    return textOnly(`${summary}\nNobody has used the bot yet: attendees register by using any command (/help, /cluster up…).`);
  }
  const shown = view.status ? roster.filter((entry) => (entry.cluster ?? 'none') === view.status) : roster;
  const pages = Math.max(1, Math.ceil(shown.length / ATTENDEES_PER_PAGE));
  const page = Math.min(view.page, pages);
  const lines = shown
    .slice((page - 1) * ATTENDEES_PER_PAGE, page * ATTENDEES_PER_PAGE)
    .map((entry) => attendeeLine(entry, view.tracksProgress, view.instructors?.has(entry.user) ?? false));
  const heading = view.status ? `${summary}\nWith cluster status *${view.status}*: ${shown.length}` : summary;
  const footer = [
    view.page > pages
      ? `There is no page ${view.page}: ${pages === 1 ? 'everyone is on this one' : `the last is ${pages}, shown here`}.`
      : '',
    pages > 1
      ? `Page ${page} of ${pages}: /workshop attendees ${view.status ? `--cluster ${view.status} ` : ''}--page ${page + 1 > pages ? 1 : page + 1}`
      : '',
    view.tracksProgress ? '' : 'Exercise progress is not tracked by this deployment.',
    view.instructors?.size ? 'Instructors are left out of the board, check-ins and the results.' : '',
  ].filter(Boolean);
  return {
    text: `${roster.length} attendees`,
    blocks: [
      section(heading),
      ...splitSections(lines.join('\n')).map((part) => section(part)),
      ...(lines.length === 0 ? [section('_Nobody._')] : []),
      ...(footer.length > 0 ? [context(footer.join(' · '))] : []),
    ],
  };
}

export function roomChannelMessage(room: RoomChannel | undefined, moved = false): Message {
  if (!room) {
    return textOnly(
      'No workshop channel yet. Run `/workshop channel here` in the room (or any /workshop command there), or set WORKSHOP_CHANNEL.',
    );
  }
  const source =
    room.source === 'config' ? 'set by WORKSHOP_CHANNEL' : 'where an instructor used /workshop; `/workshop channel here` moves it';
  return textOnly(
    moved ? `:white_check_mark: Broadcasts now go to <#${room.channel}>.` : `The workshop channel is <#${room.channel}> (${source}).`,
  );
}

function attendeeLine(entry: RosterEntry, tracksProgress: boolean, instructor: boolean): string {
  const who = `${entry.name ? `*${truncate(escapeMrkdwn(entry.name), NAME_SHOWN)}*` : `<@${entry.user}>`}${instructor ? ' (instructor)' : ''}`;
  const progress = entry.progress
    ? ` · ${escapeMrkdwn(entry.progress.exercise)}: ${entry.progress.passed}/${entry.progress.steps} steps`
    : tracksProgress
      ? ' · no check yet'
      : '';
  return `• ${who} · ${STATUS_WORDS[entry.cluster ?? 'none']}${progress}`;
}

/** Characters of block text a message keeps under: Slack refuses one near 13,200 (msg_blocks_too_long, bolt-js#2509). */
export const MESSAGE_TEXT_BUDGET = 11_000;

/** People in a message: what they have in common (mrkdwn, with their count), and who (user or channel ids). */
export interface PeopleGroup {
  label: string;
  people: string[];
}

/**
 * Groups of people as `• label: @a, @b, …`, each in as many sections as it takes. Their mentions
 * share what MESSAGE_TEXT_BUDGET leaves after the message's `others` blocks and the labels, fairly:
 * a group needing less than its share leaves the rest to the others. A group that cannot name
 * everyone says how many more it has and `rest` (where to see them all): nobody is left uncounted.
 */
export function peopleBlocks(groups: PeopleGroup[], others: Block[], rest: string): Block[] {
  const mentioned = groups.map(({ people }) => people.map((person) => (/^[CG]/.test(person) ? `<#${person}>` : `<@${person}>`)));
  const needs = mentioned.map((mentions) => mentions.reduce((sum, mention) => sum + mention.length + 2, 0));
  let budget = MESSAGE_TEXT_BUDGET - textLength(others) - groups.reduce((sum, group) => sum + group.label.length + 40 + rest.length, 0);
  const allowed = new Array<number>(groups.length);
  const byNeed = needs.map((need, index) => ({ need, index })).sort((a, b) => a.need - b.need);
  for (const [position, { need, index }] of byNeed.entries()) {
    allowed[index] = Math.max(0, Math.min(need, Math.floor(budget / (byNeed.length - position))));
    budget -= allowed[index];
  }
  return groups.flatMap(({ label }, index) => {
    const shown: string[] = [];
    let used = 0;
    for (const mention of mentioned[index]!) {
      if (used + mention.length + 2 > allowed[index]!) break;
      shown.push(mention);
      used += mention.length + 2;
    }
    const more = mentioned[index]!.length - shown.length;
    const tail = more === 0 ? '' : shown.length > 0 ? ` and ${more} more (${rest})` : rest;
    return listSections(`• ${label}: `, shown, tail).map((part) => section(part));
  });
}

function textOnly(text: string): Message {
  return { text, blocks: [section(text)] };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
