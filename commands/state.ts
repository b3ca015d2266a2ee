import type { MarathonClient } from '../src/clients/marathon.js';
import type { MarathonPod } from '../src/clients/marathon-model.js';
import { currentTasks, pidAddress } from '../src/clients/mesos-model.js';
import { UserError } from '../src/errors.js';
import { type Block, context, paginate, section } from '../src/render/blocks.js';
import { escapeMrkdwn } from '../src/render/mrkdwn.js';
import { tokenize } from '../src/router/args.js';
import type { CommandContext, CommandSpec } from '../src/router/types.js';
import {
  appBlocks,
  clusterTotals,
  formatCpus,
  frameworkBlocks,
  mesosLeaderLine,
  podBlocks,
  resourceBlocks,
  taskBlocks,
  znodeBlocks,
} from './render/cluster-views.js';
import { masterState, readyCluster } from './support/cluster.js';
import { noArguments } from './support/input.js';

/** Posts a short summary in the channel and the details as replies in its thread. */
async function postInThread(ctx: CommandContext, summary: string, details: Block[]): Promise<void> {
  const parent = await ctx.out.post({ text: summary, blocks: [section(summary), context('Details in the thread :thread:')] });
  for (const page of paginate(details, 40)) await ctx.out.post({ text: summary, blocks: page }, { threadOf: parent });
}

async function marathon(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const cluster = await readyCluster(ctx);
  const marathon = ctx.services.access.marathon(cluster);
  const [apps, pods] = await Promise.all([marathon.apps(), podsOf(marathon)]);
  const deploying = apps.filter((app) => app.deployments.length > 0).length;
  const podCount = pods.list.length ? `, ${pods.list.length} pod${pods.list.length === 1 ? '' : 's'}` : '';
  await postInThread(
    ctx,
    `<@${ctx.subject}>'s Marathon: ${apps.length} app${apps.length === 1 ? '' : 's'}${podCount}${deploying ? `, ${deploying} deploying` : ''}`,
    // Only pods: no "no apps, create one" line above them.
    [...(apps.length === 0 && pods.list.length > 0 ? [] : appBlocks(apps)), ...pods.blocks],
  );
}

/** A Marathon's pods as blocks; one that refuses them (an ACL, a proxy) still shows its apps, with why its pods are missing. */
async function podsOf(marathon: MarathonClient): Promise<{ list: MarathonPod[]; blocks: Block[] }> {
  try {
    const list = await marathon.pods();
    return { list, blocks: podBlocks(list) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { list: [], blocks: [section(`Pods could not be read: ${error.message}`)] };
  }
}

async function frameworks(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { state } = await masterState(ctx);
  const active = state.frameworks.filter((framework) => framework.active).length;
  await postInThread(
    ctx,
    `<@${ctx.subject}>'s Mesos frameworks: ${state.frameworks.length} (${active} active)`,
    frameworkBlocks(state.frameworks),
  );
}

async function tasks(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { state } = await masterState(ctx);
  const all = state.frameworks.flatMap(currentTasks);
  const running = all.filter((task) => task.state === 'TASK_RUNNING').length;
  await postInThread(ctx, `<@${ctx.subject}>'s Mesos tasks: ${all.length} (${running} running)`, taskBlocks(state));
}

async function resources(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { state } = await masterState(ctx);
  const { free } = clusterTotals(state);
  await postInThread(
    ctx,
    `<@${ctx.subject}>'s cluster has ${formatCpus(free.cpus)} cpus and ${free.mem} MB memory free on ${state.agents.length} agent${state.agents.length === 1 ? '' : 's'}`,
    resourceBlocks(state),
  );
}

async function zk(ctx: CommandContext): Promise<void> {
  const [path = '/', extra] = tokenize(ctx.args);
  if (extra !== undefined) throw new UserError('/state zk takes one path.', `Usage: ${ctx.usage}, e.g. /state zk /mesos`);
  const cluster = await readyCluster(ctx);
  const { tree, masters } = await ctx.services.access.withZookeeper(cluster, async (client) => ({
    tree: await client.tree(path, { depth: 4, maxNodes: 150 }),
    masters: (await client.mesosMasters('/mesos')).masters,
  }));
  await postInThread(
    ctx,
    `<@${ctx.subject}>'s ZooKeeper under ${escapeMrkdwn(tree.path)}: ${tree.numChildren} child znode${tree.numChildren === 1 ? '' : 's'}`,
    znodeBlocks(tree, masters),
  );
}

async function leader(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const cluster = await readyCluster(ctx);
  const { endpoints } = cluster;
  const lines: string[] = [];
  if (endpoints.zookeeper) {
    const fromZk = await ctx.services.access.withZookeeper(cluster, async (client) => ({
      masters: (await client.mesosMasters('/mesos')).masters,
      marathon: await client.marathonLeader('/marathon'),
    }));
    lines.push(mesosLeaderLine(fromZk.masters));
    if (fromZk.marathon) lines.push(`*Marathon leader:* ${escapeMrkdwn(fromZk.marathon)} (from /marathon/leader-curator)`);
  } else {
    const state = await ctx.services.access.mesos(cluster).state();
    lines.push(
      state.leader
        ? `*Leading Mesos master:* ${escapeMrkdwn(pidAddress(state.leader))} (from the master's /state; attach zookeeper= to see the election znodes)`
        : 'The master knows no leader right now.',
    );
  }
  if (endpoints.marathon && !lines.some((line) => line.startsWith('*Marathon leader'))) {
    const info = await ctx.services.access.marathon(cluster).info();
    lines.push(`*Marathon leader:* ${escapeMrkdwn(info.leader ?? 'none elected')} (Marathon ${escapeMrkdwn(info.version)})`);
  }
  await postInThread(ctx, `<@${ctx.subject}>'s cluster leaders`, [section(lines.join('\n'))]);
}

export const state: CommandSpec = {
  name: 'state',
  summary: 'Posts the state of your cluster into a thread.',
  description:
    'Reads your cluster (built with /cluster up or linked with /cluster attach) and posts a short summary in the channel with the details as replies in its thread.',
  examples: ['/state resources', '/state marathon', '/state zk /mesos'],
  subcommands: [
    {
      name: 'marathon',
      usage: '/state marathon',
      summary: 'Marathon apps (instances, running, staged, healthy, deployments) and pods (Marathon 1.4+)',
      run: marathon,
      aboutAttendee: true,
    },
    {
      name: 'frameworks',
      usage: '/state frameworks',
      summary: 'Mesos frameworks with their tasks by state and used resources',
      run: frameworks,
      aboutAttendee: true,
    },
    { name: 'tasks', usage: '/state tasks', summary: 'Mesos tasks: name, framework, state, agent, ports', run: tasks, aboutAttendee: true },
    {
      name: 'resources',
      usage: '/state resources',
      summary: 'cpus, mem, disk and ports per agent and in total: total, used, free',
      run: resources,
      aboutAttendee: true,
    },
    {
      name: 'zk',
      usage: '/state zk [path]',
      summary: 'the ZooKeeper tree under a path, with the Mesos leader decoded',
      run: zk,
      aboutAttendee: true,
    },
    {
      name: 'leader',
      usage: '/state leader',
      summary: 'the leading Mesos master and the Marathon leader',
      run: leader,
      aboutAttendee: true,
    },
  ],
};
