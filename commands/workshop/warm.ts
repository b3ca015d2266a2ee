import type { WarmHostStatus, WarmTarget } from '../../src/clusters/warm-pool.js';
import { quote, UserError } from '../../src/errors.js';
import { context, type Message, section } from '../../src/render/blocks.js';
import { parseArgs } from '../../src/router/args.js';
import type { CommandContext } from '../../src/router/types.js';

/**
 * `/workshop warm [<N>] [--agents A]`: keep N clusters of `/cluster up [--agents A]`'s shape ready on
 * every Docker host, handed out in seconds; with nothing after it, what each host has now.
 */
export async function warm({ args, usage, services, out }: CommandContext): Promise<void> {
  const { config } = services;
  const parsed = parseArgs(args, { agents: { type: 'integer', min: 1, max: config.maxAgents } }, usage);
  const [count, ...rest] = parsed.positional;
  const extra = [...rest, ...Object.keys(parsed.pairs)][0];
  if (extra !== undefined) throw new UserError(`${quote(extra)} is not something /workshop warm understands.`, `Usage: ${usage}`);
  if (count === undefined) {
    if (parsed.flags.agents !== undefined)
      throw new UserError('--agents needs a number of clusters with it.', `Usage: ${usage}, e.g. /workshop warm 3 --agents 3`);
    const [target, hosts] = await Promise.all([services.warm.target(), services.warm.status()]);
    await out.reply(warmMessage(target, hosts, false));
    return;
  }
  if (!/^\d+$/.test(count) || Number(count) > config.hostMaxClusters)
    throw new UserError(
      `${quote(count)} is not a number of warm clusters from 0 to ${config.hostMaxClusters} (HOST_MAX_CLUSTERS).`,
      `Usage: ${usage}; 0 removes the warm clusters.`,
    );
  const target = { count: Number(count), agents: (parsed.flags.agents as number | undefined) ?? 1 };
  await services.warm.setTarget(target);
  await out.reply(warmMessage(target, await services.warm.status(), true));
}

function warmMessage(target: WarmTarget, hosts: WarmHostStatus[], changed: boolean): Message {
  const shape = `\`/cluster up${target.agents === 1 ? '' : ` --agents ${target.agents}`}\``;
  const lead = changed
    ? `:fire: *Keeping ${target.count} warm cluster${target.count === 1 ? '' : 's'} on each Docker host* for ${shape}; the workers are on it.`
    : `*Warm clusters:* ${target.count} per Docker host for ${shape}.`;
  const lines = hosts.map((host) => `• ${host.host}: ${host.ready} ready, ${host.warming} warming`);
  return {
    text: lead.replace(/[*:]/g, ''),
    blocks: [
      section(`${lead}\n${lines.join('\n')}`),
      context(
        "A `/cluster up` of that shape takes a ready one at once; other shapes build as usual. Warm clusters are built after attendees' builds and count against each host's room. `/workshop warm 0` removes them.",
      ),
    ],
  };
}
