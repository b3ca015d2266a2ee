import type { ClusterSpec } from '../../src/clusters/cluster-spec.js';
import { parseMinimesosFile } from '../../src/clusters/minimesos-file/index.js';
import type { WarmHostStatus, WarmTarget } from '../../src/clusters/warm-pool.js';
import { quote, UserError } from '../../src/errors.js';
import { context, type Message, section } from '../../src/render/blocks.js';
import { parseArgs } from '../../src/router/args.js';
import type { CommandContext } from '../../src/router/types.js';
import { unfence } from '../support/input.js';

/** `--minimesosfile` (or `—minimesosfile`, see `plainDashes`) and everything after it: the file, in a code block. */
const FILE_FLAG = /(?:^|\s)(?:--|[—–]-?)minimesosfile(?:=|\s+|$)/i;

/**
 * `/workshop warm [<N>] [--agents A | --minimesosfile <file>]`: keep N clusters of `/cluster up [--agents A]`'s
 * shape (or of `/cluster up` with that minimesosFile) ready on every Docker host, handed out in seconds; with
 * nothing after it, what each host has now.
 */
export async function warm({ args, usage, services, out }: CommandContext): Promise<void> {
  const { config } = services;
  const fileFlag = FILE_FLAG.exec(args);
  const parsed = parseArgs(
    fileFlag ? args.slice(0, fileFlag.index) : args,
    { agents: { type: 'integer', min: 1, max: config.maxAgents } },
    usage,
  );
  const [count, ...rest] = parsed.positional;
  const extra = [...rest, ...Object.keys(parsed.pairs)][0];
  if (extra !== undefined) throw new UserError(`${quote(extra)} is not something /workshop warm understands.`, `Usage: ${usage}`);
  if (count === undefined) {
    if (parsed.flags.agents !== undefined || fileFlag)
      throw new UserError(
        `${fileFlag ? '--minimesosfile' : '--agents'} needs a number of clusters with it.`,
        `Usage: ${usage}, e.g. /workshop warm 3 --agents 3`,
      );
    const [target, hosts] = await Promise.all([services.warm.target(), services.warm.status()]);
    await out.reply(warmMessage(target, hosts, false));
    return;
  }
  if (!/^\d+$/.test(count))
    throw new UserError(
      `${quote(count)} is not a number of warm clusters from 0 to ${config.hostMaxClusters} (HOST_MAX_CLUSTERS).`,
      `Usage: ${usage}; 0 removes the warm clusters.`,
    );
  if (Number(count) > config.hostMaxClusters)
    throw new UserError(
      `${count} warm clusters would not fit: a Docker host holds at most ${config.hostMaxClusters} clusters (HOST_MAX_CLUSTERS), attendees' included.`,
      `Keep fewer, e.g. /workshop warm ${Math.min(3, config.hostMaxClusters)}; 0 removes the warm clusters.`,
    );
  const agents = (parsed.flags.agents as number | undefined) ?? 1;
  if (fileFlag && parsed.flags.agents !== undefined)
    throw new UserError('Send either --agents or a minimesosFile, not both.', 'The file decides the agents; leave --agents out.');
  const spec = fileFlag ? warmFile(args.slice(fileFlag.index + fileFlag[0].length), config.maxAgents, usage) : undefined;
  const target: WarmTarget = { count: Number(count), agents: spec?.agents.length ?? agents, ...(spec ? { spec } : {}) };
  await services.warm.setTarget(target);
  await out.reply(warmMessage(target, await services.warm.status(), true));
}

/** The pasted minimesosFile, parsed as `/cluster up` parses it; only a file `/cluster up` would accept is kept warm. */
function warmFile(pasted: string, maxAgents: number, usage: string): ClusterSpec {
  const source = unfence(pasted);
  if (source === '')
    throw new UserError(
      '--minimesosfile needs the file after it, in a code block.',
      `Usage: ${usage}; \`/cluster init\` shows the default file to start from.`,
    );
  const spec = parseMinimesosFile(source);
  if (spec.agents.length > maxAgents)
    throw new UserError(
      `This minimesosFile asks for ${spec.agents.length} agents; the workshop allows ${maxAgents} (MAX_AGENTS), so no /cluster up could take one.`,
      'Remove agent blocks, or raise MAX_AGENTS.',
    );
  return spec;
}

function warmMessage(target: WarmTarget, hosts: WarmHostStatus[], changed: boolean): Message {
  const lines = hosts.map((host) => `• ${host.host}: ${host.ready} ready, ${host.warming} warming`);
  if (target.count === 0) {
    const lead = changed
      ? ':broom: *No warm clusters from now on*: the workers remove the ones ready or warming.'
      : '*No warm clusters* are kept: every `/cluster up` builds its own.';
    return {
      text: lead.replace(/[*:]/g, ''),
      blocks: [section(`${lead}\n${lines.join('\n')}`), context('`/workshop warm 3` keeps 3 ready on each Docker host for `/cluster up`.')],
    };
  }
  const shape = target.spec
    ? `\`/cluster up\` with that minimesosFile (${target.spec.agents.length} agent${target.spec.agents.length === 1 ? '' : 's'}, Mesos ${target.spec.mesosVersion}${target.spec.clusterName ? `, ${target.spec.clusterName}` : ''})`
    : `\`/cluster up${target.agents === 1 ? '' : ` --agents ${target.agents}`}\``;
  const lead = changed
    ? `:fire: *Keeping ${target.count} warm cluster${target.count === 1 ? '' : 's'} on each Docker host* for ${shape}; the workers are on it.`
    : `*Warm clusters:* ${target.count} per Docker host for ${shape}.`;
  return {
    text: lead.replace(/[*:]/g, ''),
    blocks: [
      section(`${lead}\n${lines.join('\n')}`),
      context(
        `A \`/cluster up\` of that shape${target.spec ? ' (the same file, pasted)' : ''} takes a ready one at once; other shapes build as usual. Warm clusters are built after attendees' builds, count against each host's room and give it up to an attendee's build when a host is full. \`/workshop warm 0\` removes them.`,
      ),
    ],
  };
}
