import type { ClusterStatus } from '../../src/clusters/cluster-record.js';
import { quote, UserError } from '../../src/errors.js';
import { LIMITS } from '../../src/render/blocks.js';
import { hasVisibleCharacters } from '../../src/render/visible.js';
import { parseArgs, tokenize } from '../../src/router/args.js';
import type { ActionContext, CommandContext, CommandSpec, Subcommand } from '../../src/router/types.js';
import {
  attendeesMessage,
  broadcastMessage,
  broadcastStartedMessage,
  broadcastStoppedMessage,
  plural,
  roomChannelMessage,
} from '../render/room-messages.js';
import { prepullMessage } from '../render/workshop-messages.js';
import { board, refreshHome } from './board.js';
import { checkins } from './checkins.js';
import { end, endButton, next, removeClustersButton, start } from './session.js';
import { warm } from './warm.js';

/** `:tag` or `@sha256:…` at the end of an image reference. */
const TAG_OR_DIGEST_SOURCE = String.raw`(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})`;
const TAG_OR_DIGEST = new RegExp(`${TAG_OR_DIGEST_SOURCE}$`);
/** `name[:tag]` or `registry:port/name[:tag]` or `name@sha256:…`, as `docker pull` takes them. */
const IMAGE_REFERENCE = new RegExp(
  String.raw`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*${TAG_OR_DIGEST_SOURCE}?$`,
);

/** Docker's own limit on a repository name (the tag or digest comes on top). */
const IMAGE_NAME_MAX = 255;
/** Images one /workshop prepull names at most: each is a line of progress per Docker host. */
const PREPULL_MAX_IMAGES = 20;

async function prepull({ args, usage, services, out }: CommandContext): Promise<void> {
  const extra = tokenize(args);
  const example = 'e.g. /workshop prepull nginx:1.25 mysql:5.7 (the cluster images are always included)';
  if (extra.length > PREPULL_MAX_IMAGES)
    throw new UserError(
      `That is ${extra.length} images; one /workshop prepull takes at most ${PREPULL_MAX_IMAGES}.`,
      `Pull them in several goes, ${example}.`,
    );
  const bad = extra.find((image) => !IMAGE_REFERENCE.test(image) || image.replace(TAG_OR_DIGEST, '').length > IMAGE_NAME_MAX);
  if (bad)
    throw new UserError(
      `${quote(bad)} is not an image name${bad.length > IMAGE_NAME_MAX ? ` (Docker takes names of at most ${IMAGE_NAME_MAX} characters)` : ''}.`,
      `Usage: ${usage}, ${example}.`,
    );
  const { images, hosts } = await services.workshop.prepull(extra, (lines) => out.post(prepullMessage(lines, false)));
  await out.reply({
    text: `Pre-pulling ${plural(images.length, 'image')} on ${plural(hosts.length, 'Docker host')}; the message in the channel shows each host's progress.`,
  });
}

/** Leading options of a broadcast; the rest is the message, kept exactly as typed (quotes, lines, mrkdwn). */
const LEADING_OPTION = /^\s*(?:--|[—–]-?)([\w-]+)(?=\s|$)/;

function parseBroadcast(args: string, usage: string): { dm: boolean; text: string } {
  let rest = args;
  let dm = false;
  for (let option = LEADING_OPTION.exec(rest); option; option = LEADING_OPTION.exec(rest)) {
    if (option[1]!.toLowerCase() !== 'dm') {
      throw new UserError(`Unknown option --${option[1]}. The only option here is --dm.`, `Usage: ${usage}`);
    }
    dm = true;
    rest = rest.slice(option[0].length);
  }
  const text = rest.trim();
  // Zero-width spaces alone would post a blank message to everyone.
  if (!hasVisibleCharacters(text)) {
    throw new UserError('There is no message to send.', `Usage: ${usage}, e.g. /workshop broadcast --dm Exercise 3 starts in 5 minutes.`);
  }
  if (text.length > LIMITS.sectionText) {
    throw new UserError(
      `A broadcast may be at most ${LIMITS.sectionText.toLocaleString('en-US')} characters; this one has ${text.length.toLocaleString('en-US')}.`,
      'Shorten it, or link to a longer text.',
    );
  }
  return { dm, text };
}

async function broadcast({ request, args, usage, services, out }: CommandContext): Promise<void> {
  const { dm, text } = parseBroadcast(args, usage);
  const room = await services.room.channel();
  if (!room && !dm) {
    throw new UserError(
      'There is no workshop channel yet, so there is nowhere to post this.',
      'Run /workshop channel here in the room (or set WORKSHOP_CHANNEL), or add --dm to send it to every attendee directly.',
    );
  }
  const started = await services.broadcasts.start({
    from: request.user,
    message: broadcastMessage(text, request.user),
    ...(room ? { channel: room.channel } : {}),
    dm,
  });
  await out.reply(broadcastStartedMessage(started, dm));
}

const CLUSTER_FILTERS = ['ready', 'queued', 'provisioning', 'failed', 'removing', 'none'] as const;

async function attendees({ args, usage, services, out }: CommandContext): Promise<void> {
  const { flags, positional, pairs } = parseArgs(
    args,
    { cluster: { type: 'string' }, page: { type: 'integer', min: 1, max: 1000 } },
    usage,
  );
  if (positional.length > 0 || Object.keys(pairs).length > 0) {
    throw new UserError(
      `/workshop attendees takes only options; ${quote([...positional, ...Object.keys(pairs)][0]!)} is not one.`,
      `Usage: ${usage}`,
    );
  }
  const status = flags.cluster as string | undefined;
  if (status !== undefined && !(CLUSTER_FILTERS as readonly string[]).includes(status)) {
    throw new UserError(`--cluster ${quote(status)} is not a cluster status.`, `Use one of: ${CLUSTER_FILTERS.join(', ')}.`);
  }
  const roster = await services.attendees.roster(services.clusters.registry);
  const instructor = await Promise.all(roster.map((entry) => services.roles.isInstructor(entry.user)));
  await out.reply(
    attendeesMessage(roster, {
      page: (flags.page as number | undefined) ?? 1,
      ...(status ? { status: status as ClusterStatus | 'none' } : {}),
      tracksProgress: services.attendees.tracksProgress,
      instructors: new Set(roster.filter((_, index) => instructor[index]).map((entry) => entry.user)),
    }),
  );
}

async function channel({ request, args, usage, services, out }: CommandContext): Promise<void> {
  const word = args.trim().toLowerCase();
  if (word === '') {
    await out.reply(roomChannelMessage(await services.room.channel()));
    return;
  }
  if (word !== 'here') throw new UserError(`${quote(args.trim())} is not something /workshop channel understands.`, `Usage: ${usage}`);
  await out.reply(roomChannelMessage(await services.room.moveTo(request.channel), true));
}

async function stop({ action, services, out }: ActionContext): Promise<void> {
  await out.reply(broadcastStoppedMessage(await services.broadcasts.stop(action.value)));
}

/** The first channel an instructor uses /workshop in becomes the room (unless WORKSHOP_CHANNEL says otherwise). */
function inRoom(subcommand: Subcommand): Subcommand {
  const run = subcommand.run;
  if (!run) return subcommand;
  return {
    ...subcommand,
    run: async (ctx) => {
      await ctx.services.room.remember(ctx.request.channel);
      await run(ctx);
    },
  };
}

export const workshop: CommandSpec = {
  name: 'workshop',
  summary: 'Instructor tools: broadcast, attendees, start an exercise, progress board, check-ins.',
  description: 'For the people running the workshop (INSTRUCTORS, or members of the INSTRUCTOR_GROUP user group).',
  instructorOnly: true,
  // A broadcast is posted as the instructor wrote it: links, mentions and channels as Slack sent them.
  repostsMarkup: true,
  subcommands: [
    {
      name: 'broadcast',
      usage: '/workshop broadcast [--dm] <message>',
      summary: 'posts a message in the workshop channel, and with --dm to every attendee by direct message',
      instructorOnly: true,
      run: broadcast,
    },
    {
      name: 'attendees',
      usage: '/workshop attendees [--cluster ready|queued|provisioning|failed|removing|none] [--page N]',
      summary: 'everyone who used the bot, with their cluster and progress',
      instructorOnly: true,
      run: attendees,
    },
    {
      name: 'channel',
      usage: '/workshop channel [here]',
      summary: 'shows the workshop channel (where broadcasts go); `here` makes it this one',
      instructorOnly: true,
      run: channel,
    },
    {
      name: 'start',
      usage: '/workshop start <exercise>',
      summary: 'makes an exercise (id or number) the one `/check` means for everyone, announced in the workshop channel',
      instructorOnly: true,
      run: start,
    },
    {
      name: 'next',
      usage: '/workshop next',
      summary: 'moves the room on to the next exercise',
      instructorOnly: true,
      run: next,
    },
    {
      name: 'end',
      usage: '/workshop end [--confirm] [--remove-clusters]',
      summary: 'ends the session (after a confirmation) and attaches the results as a CSV; then offers to remove every cluster',
      instructorOnly: true,
      run: end,
    },
    {
      name: 'board',
      usage: '/workshop board [--rotate]',
      summary: 'the secret link to the projector board (who passed which step, who is stuck, clusters); --rotate replaces it',
      instructorOnly: true,
      run: board,
    },
    {
      name: 'checkins',
      usage: '/workshop checkins [on [every 10m] | off | now]',
      summary: 'checks every cluster on a schedule, nudges stuck attendees with a hint, sends you a summary',
      instructorOnly: true,
      run: checkins,
    },
    {
      name: 'warm',
      usage: '/workshop warm [<N>] [--agents A | --minimesosfile <file in a code block>]',
      summary: 'keeps N clusters ready on each Docker host for /cluster up; alone: ready and warming per host',
      instructorOnly: true,
      run: warm,
    },
    {
      name: 'prepull',
      usage: '/workshop prepull [image …]',
      summary: 'pulls the cluster images (and any you name) on every Docker host',
      instructorOnly: true,
      run: prepull,
    },
  ].map(inRoom),
  // home: the Refresh button on an instructor's App Home; end and remove-clusters: /workshop end's buttons.
  actions: { stop, home: refreshHome, end: endButton, 'remove-clusters': removeClustersButton },
};
