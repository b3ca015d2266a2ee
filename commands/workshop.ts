import { quote, UserError } from '../src/errors.js';
import { tokenize } from '../src/router/args.js';
import type { CommandContext, CommandSpec } from '../src/router/types.js';
import { prepullMessage } from './render/workshop-messages.js';

/** `name[:tag]` or `registry:port/name[:tag]` or `name@sha256:…`, as `docker pull` takes them. */
const IMAGE_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/;

async function prepull({ args, usage, services, out }: CommandContext): Promise<void> {
  const extra = tokenize(args);
  const bad = extra.find((image) => !IMAGE_REFERENCE.test(image));
  if (bad)
    throw new UserError(
      `${quote(bad)} is not an image name.`,
      `Usage: ${usage}, e.g. /workshop prepull nginx:1.25 mysql:5.7 (the cluster images are always included).`,
    );
  const { images, hosts } = await services.workshop.prepull(extra, (lines) => out.post(prepullMessage(lines, false)));
  await out.reply({
    text: `Pre-pulling ${images.length} images on ${hosts.length} Docker hosts; the message in the channel shows each host's progress.`,
  });
}

export const workshop: CommandSpec = {
  name: 'workshop',
  summary: 'Instructor tools: broadcast, start an exercise, progress board, check-ins.',
  description: 'For the people running the workshop (INSTRUCTORS).',
  instructorOnly: true,
  subcommands: [
    { name: 'broadcast', usage: '/workshop broadcast <message>', summary: 'sends a message to every attendee', instructorOnly: true },
    { name: 'start', usage: '/workshop start <exercise>', summary: 'starts an exercise for the room', instructorOnly: true },
    { name: 'board', usage: '/workshop board', summary: 'shows who passed which step', instructorOnly: true },
    { name: 'checkins', usage: '/workshop checkins on|off', summary: 'automatic nudges for attendees who are stuck', instructorOnly: true },
    {
      name: 'prepull',
      usage: '/workshop prepull [image …]',
      summary: 'pulls the cluster images (and any you name) on every Docker host',
      instructorOnly: true,
      run: prepull,
    },
  ],
};
