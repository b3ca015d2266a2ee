import { context, type Message, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';
import type { PrepullLine } from '../../src/workshop/prepull.js';

const STATES: Record<PrepullLine['state'], string> = {
  waiting: ':hourglass: waiting',
  pulling: ':arrow_down: pulling',
  present: ':white_check_mark: already there',
  pulled: ':white_check_mark: pulled',
  failed: ':x: failed',
};

/** The instructor's view of a pre-pull: one section per Docker host, one line per image. */
export function prepullMessage(lines: PrepullLine[], done: boolean): Message {
  const hosts = [...new Set(lines.map((line) => line.host))];
  const images = new Set(lines.map((line) => line.image)).size;
  const failed = lines.filter((line) => line.state === 'failed').length;
  const title = !done
    ? `:package: Pre-pulling ${images} image${images === 1 ? '' : 's'} on ${hosts.length} Docker host${hosts.length === 1 ? '' : 's'}…`
    : failed > 0
      ? `:warning: Pre-pull finished: ${failed} of ${lines.length} failed`
      : `:white_check_mark: ${images} image${images === 1 ? '' : 's'} ready on ${hosts.length} Docker host${hosts.length === 1 ? '' : 's'}`;
  const hostSections = hosts.map((host) =>
    section(
      [
        `*${host}*`,
        ...lines
          .filter((line) => line.host === host)
          .map((line) => `• \`${line.image}\` ${STATES[line.state]}${line.detail ? `: ${escapeMrkdwn(line.detail)}` : ''}`),
      ].join('\n'),
    ),
  );
  return {
    text: title,
    blocks: [
      section(`*${title}*`),
      ...hostSections,
      ...(done && failed > 0
        ? [context('Check that the registry is reachable from those hosts, then run `/workshop prepull` again.')]
        : []),
    ],
  };
}
