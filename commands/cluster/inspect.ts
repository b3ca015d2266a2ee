import { UserError } from '../../src/errors.js';
import { codeBlock, context, paginate, section, splitSections } from '../../src/render/blocks.js';
import { parseArgs } from '../../src/router/args.js';
import type { CommandContext } from '../../src/router/types.js';
import { formatCpus, taskPorts } from '../render/cluster-views.js';
import { masterState, readyCluster } from '../support/cluster.js';

/** `minimesos ps`: FRAMEWORK TASK STATE PORT for every task. */
export async function ps(ctx: CommandContext): Promise<void> {
  parseArgs(ctx.args, {}, ctx.usage);
  const { state } = await masterState(ctx);
  const row = (...cells: string[]) =>
    cells
      .map((cell) => cell.padEnd(20))
      .join(' ')
      .trimEnd();
  const rows = [
    row('FRAMEWORK', 'TASK', 'STATE', 'PORT'),
    ...state.frameworks.flatMap((framework) =>
      framework.tasks.map((task) => row(framework.name, task.name, task.state, taskPorts(task) || '-')),
    ),
  ];
  await ctx.out.reply({ text: 'minimesos ps', blocks: splitSections(`\`\`\`${rows.join('\n')}\`\`\``).map((part) => section(part)) });
}

/** `minimesos state`, summarised; `--raw` posts the JSON in a thread. */
export async function stateSummary(ctx: CommandContext): Promise<void> {
  const parsed = parseArgs(ctx.args, { raw: { type: 'boolean' } }, ctx.usage);
  const { cluster, state } = await masterState(ctx);
  const tasks = state.frameworks.flatMap((framework) => framework.tasks);
  const cpus = state.agents.reduce((sum, agent) => sum + agent.resources.cpus, 0);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const summary = [
    `*Mesos ${state.version}* — cluster \`${state.cluster ?? '(no name)'}\`, leader ${state.leader ?? 'none'}`,
    `${plural(state.activatedAgents, 'agent')} (${formatCpus(cpus)} cpus) · ${plural(state.frameworks.length, 'framework')} (${state.frameworks.map((framework) => framework.name).join(', ') || 'none'}) · ${plural(tasks.length, 'task')}`,
    `The full state: \`curl ${cluster.endpoints.master}/state\` (what \`minimesos state\` prints).`,
  ].join('\n');
  if (!parsed.flags.raw) {
    await ctx.out.reply({ text: `Mesos ${state.version}`, blocks: [section(summary)] });
    return;
  }
  const parent = await ctx.out.post({
    text: `<@${ctx.request.user}>'s master state`,
    blocks: [section(summary), context('The raw JSON is in the thread :thread:')],
  });
  const json = JSON.stringify(state.raw, null, 2);
  for (const page of paginate(
    splitSections(`\`\`\`${json}\`\`\``, 2900).map((part) => section(part)),
    20,
  ))
    await ctx.out.post({ text: 'master state (raw)', blocks: page }, { threadOf: parent });
}

/** `minimesos logs --task <task> [--stderr]`: the end of a task's sandbox file, read through its agent. */
export async function logs(ctx: CommandContext): Promise<void> {
  const parsed = parseArgs(ctx.args, { stderr: { type: 'boolean' } }, ctx.usage);
  const [query, extra] = parsed.positional;
  if (!query || extra)
    throw new UserError('Tell me which task: part of its id or name.', `Usage: ${ctx.usage}; /cluster ps lists the tasks.`);
  const cluster = await readyCluster(ctx);
  const file = parsed.flags.stderr ? 'stderr' : 'stdout';
  const { task, content, size } = await ctx.services.access.mesos(cluster.endpoints).readSandboxFile(query, file, 2800);
  const cut = size > content.length ? `(last ${content.length} of ${size} bytes)\n` : '';
  await ctx.out.reply({
    text: `${file} of ${task.id}`,
    blocks: [section(`[minimesos] Fetching '${file}' of task '${task.id}'\n${cut}${codeBlock(content || '(empty)')}`)],
  });
}
