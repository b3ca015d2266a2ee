import { boardUrl } from '../../src/board/link.js';
import { quote, UserError } from '../../src/errors.js';
import { context, type Message, section } from '../../src/render/blocks.js';
import { parseArgs } from '../../src/router/args.js';
import type { ActionContext, CommandContext } from '../../src/router/types.js';

/** `/workshop board [--rotate]`: the projector board's secret link (a new one with --rotate), and the room in one line. */
export async function board({ args, usage, services, out }: CommandContext): Promise<void> {
  const { flags, positional, pairs } = parseArgs(args, { rotate: { type: 'boolean' } }, usage);
  const unknown = [...positional, ...Object.keys(pairs)][0];
  if (unknown !== undefined) throw new UserError(`${quote(unknown)} is not something /workshop board understands.`, `Usage: ${usage}`);
  const rotate = flags.rotate === true;
  const [token, room] = await Promise.all([rotate ? services.boardLink.rotate() : services.boardLink.token(), services.board.snapshot()]);
  const { exercise, rows, clusters } = room;
  const summary = `${exercise.number}. ${exercise.title}: ${room.finished} of ${rows.length} finished, ${room.stuck.length} stuck · clusters: ${clusters.ready} ready, ${clusters.provisioning + clusters.queued} building or queued`;
  await out.reply(boardLinkMessage(services.config.publicUrl, token, rotate, summary));
}

function boardLinkMessage(publicUrl: string | undefined, token: string, rotated: boolean, summary: string): Message {
  const secrecy =
    'Anyone with the link sees the board: names, cluster status and step marks (never endpoints). `/workshop board --rotate` makes a new link and closes pages open with this one.';
  if (!publicUrl) {
    const text = `The board is served by \`workshop-bot serve\` at \`/board/${token}\`, but PUBLIC_URL is not set, so I can't give a link that works outside its machine.`;
    return {
      text: 'The board needs PUBLIC_URL',
      blocks: [
        section(`:warning: ${text}`),
        context(
          "Set PUBLIC_URL to where browsers reach `serve` (the host of the Slack app's request URL, e.g. https://workshop-bot.example.org) and restart it.",
        ),
        context(summary),
      ],
    };
  }
  const url = boardUrl(publicUrl, token);
  const lead = rotated ? ':arrows_counterclockwise: *A new board link*; the old one no longer works.' : '*The board for the projector*';
  return {
    text: rotated ? 'A new board link' : 'The board for the projector',
    blocks: [section(`${lead}\n<${url}|${url}>`), context(summary), context(secrecy)],
  };
}

/** The Refresh button on an instructor's App Home: their Home again now, whatever the throttle. */
export async function refreshHome({ action, services }: ActionContext): Promise<void> {
  await services.home.refresh(action.user, { now: true });
}
