import { parseAttachEndpoints } from '../src/clusters/attach.js';
import type { ClusterRecord } from '../src/clusters/registry.js';
import { context, section, type Message } from '../src/render/blocks.js';
import { parseArgs } from '../src/router/args.js';
import type { CommandContext, CommandSpec } from '../src/router/types.js';
import { clusterLabel, endpointLines, progressBar, readyMessage } from './render/cluster-messages.js';
import type { ProvisionStep } from '../src/clusters/backend.js';

const NO_FLAGS = {};

async function info({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.get(request.user);
  if (!record) {
    await out.reply(reply("You don't have a cluster.", 'Start one with `/cluster up`, or link yours with `/cluster attach master=http://<ip>:5050`.'));
    return;
  }
  await out.reply(infoMessage(record));
}

export function infoMessage(record: ClusterRecord): Message {
  if (record.status === 'ready') {
    const message = readyMessage(record);
    const kind = record.kind === 'attached' ? ' (attached)' : '';
    return { ...message, blocks: [section(`*Your cluster${labelled(record)}${kind}: ready*`), ...message.blocks!.slice(1)] };
  }
  const lines = [`*Your cluster${labelled(record)}: ${record.status}*`, progressBar(record.step as ProvisionStep | undefined, record.status === 'failed')];
  if (record.error) lines.push(`What failed: ${record.error}`);
  const hint =
    record.status === 'failed'
      ? '`/cluster down` cleans up; then `/cluster up` to try again.'
      : 'It is being built; this message in the channel shows its progress. `/cluster down` cancels it.';
  return { text: lines[0]!, blocks: [section(lines.join('\n')), context(hint)] };
}

async function down({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.down(request.user);
  if (!record) {
    await out.reply(reply('You have no cluster, so there is nothing to destroy.', '`/cluster up` starts one.'));
    return;
  }
  const what = record.kind === 'attached' ? `Detached ${record.endpoints?.master ?? 'your cluster'} (it keeps running; it is yours).` : `Destroyed minimesos cluster with ID ${record.clusterId}.`;
  await out.reply(reply(what, '`/cluster up` builds a new one whenever you want.'));
}

async function attach({ args, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, NO_FLAGS, '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]');
  const endpoints = parseAttachEndpoints(parsed.pairs, parsed.positional);
  await services.access.probe(endpoints);
  const record = await services.clusters.attach(request.user, endpoints);
  await out.reply({ text: 'Cluster attached', blocks: [section(`:link: *Attached your cluster*\n${endpointLines(record)}`), context('`/state resources`, `/state marathon`, `/cluster ps` now read this cluster. `/cluster detach` unlinks it.')] });
}

async function detach({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.detach(request.user);
  await out.reply(record ? reply(`Detached ${record.endpoints?.master}.`, 'It keeps running; the bot just stops reading it.') : reply('You have no attached cluster.', '`/cluster attach master=http://<ip>:5050` links one.'));
}

function labelled(record: ClusterRecord): string {
  const label = clusterLabel(record);
  return label ? ` ${label}` : '';
}

function reply(text: string, hint: string): Message {
  return { text, blocks: [section(text), context(hint)] };
}

export const cluster: CommandSpec = {
  name: 'cluster',
  summary: 'Your own minimesos cluster: up, info, state, install, down — like the minimesos CLI.',
  description: 'Builds and manages your personal minimesos cluster (ZooKeeper, Mesos master, agents, Marathon) on the workshop Docker hosts, or links a cluster you already run.',
  examples: ['/cluster up', '/cluster up --agents 3', '/cluster info', '/cluster down'],
  subcommands: [
    { name: 'init', usage: '/cluster init', summary: 'shows the default minimesosFile to edit' },
    { name: 'up', usage: '/cluster up [--agents N] [--mesos VERSION] (or paste a minimesosFile)', summary: 'builds your cluster' },
    { name: 'info', usage: '/cluster info', summary: 'status and the export MINIMESOS_… lines', run: info },
    { name: 'state', usage: '/cluster state [--raw]', summary: "the master's state, summarised" },
    { name: 'ps', usage: '/cluster ps', summary: 'running tasks, like minimesos ps' },
    { name: 'logs', usage: '/cluster logs <task> [--stderr]', summary: "a task's sandbox stdout or stderr" },
    { name: 'install', usage: '/cluster install [--update] <Marathon JSON>', summary: 'installs a Marathon app or group' },
    { name: 'uninstall', usage: '/cluster uninstall <app>', summary: 'removes a Marathon app' },
    { name: 'down', usage: '/cluster down', summary: 'destroys your cluster', run: down },
    { name: 'attach', usage: '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]', summary: 'links a cluster you already run', run: attach },
    { name: 'detach', usage: '/cluster detach', summary: 'unlinks an attached cluster', run: detach },
  ],
};
