import { currentTasks } from '../../src/clients/mesos-model.js';
import { UserError } from '../../src/errors.js';
import { codeBlock, context, paginate, section, splitSections } from '../../src/render/blocks.js';
import { breakFences, escapeMrkdwn } from '../../src/render/mrkdwn.js';
import { parseArgs } from '../../src/router/args.js';
import type { CommandContext } from '../../src/router/types.js';
import { formatCpus, taskPorts } from '../render/cluster-views.js';
import { masterState, readyCluster } from '../support/cluster.js';
import { noArguments } from '../support/input.js';

/** `minimesos ps`: FRAMEWORK TASK STATE PORT for every task. */
export async function ps(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { state } = await masterState(ctx);
  // A name a cluster reports is one cell on one line, whatever it holds.
  const row = (...cells: string[]) =>
    cells
      .map((cell) => cell.replace(/[\p{Cc}\u2028\u2029]/gu, ' ').padEnd(20))
      .join(' ')
      .trimEnd();
  const tasks = state.frameworks.flatMap((framework) =>
    currentTasks(framework).map((task) => row(...[framework.name, task.name, task.state].map(escapeMrkdwn), taskPorts(task) || '-')),
  );
  // A table of someone else's cluster says whose; an empty one says so rather than show a lone header.
  const notes = [
    ctx.subject === ctx.request.user ? '' : `<@${ctx.subject}>'s cluster`,
    tasks.length === 0 ? 'no task is running' : '',
  ].filter(Boolean);
  await ctx.out.reply({
    text: 'minimesos ps',
    blocks: [
      ...splitSections(`\`\`\`${breakFences([row('FRAMEWORK', 'TASK', 'STATE', 'PORT'), ...tasks].join('\n'))}\`\`\``).map((part) =>
        section(part),
      ),
      ...(notes.length > 0 ? [context(notes.join(' · '))] : []),
    ],
  });
}

/** Slack lets a command answer its invoker 5 times: the summary and 4 pages of JSON. */
const MAX_RAW_PAGES = 4;

/** `minimesos state`, summarised; `--raw` adds the JSON, shown to the invoker only (like the summary). */
export async function stateSummary(ctx: CommandContext): Promise<void> {
  const parsed = parseArgs(ctx.args, { raw: { type: 'boolean' } }, ctx.usage);
  noArguments({ ...ctx, args: parsed.positional.join(' ') });
  const { cluster, state } = await masterState(ctx);
  const tasks = state.frameworks.flatMap(currentTasks);
  const cpus = state.agents.reduce((sum, agent) => sum + agent.resources.cpus, 0);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const summary = [
    `*Mesos ${escapeMrkdwn(state.version)}* — cluster \`${escapeMrkdwn(state.cluster ?? '(no name)')}\`, leader ${escapeMrkdwn(state.leader ?? 'none')}`,
    `${plural(state.activatedAgents, 'agent')} (${formatCpus(cpus)} cpus) · ${plural(state.frameworks.length, 'framework')} (${escapeMrkdwn(state.frameworks.map((framework) => framework.name).join(', ')) || 'none'}) · ${plural(tasks.length, 'task')}`,
    `The full state: \`curl ${cluster.endpoints.master}/state\` (what \`minimesos state\` prints).`,
  ].join('\n');
  if (!parsed.flags.raw) {
    await ctx.out.reply({ text: `Mesos ${state.version}`, blocks: [section(summary)] });
    return;
  }
  // What the bot understood of the state, re-serialised: never the master's own bytes. It names the
  // cluster's addresses, so it goes to the attendee alone, like /cluster info.
  const { raw: _bytes, ...understood } = state;
  const pages = paginate(
    splitSections(`\`\`\`${escapeMrkdwn(JSON.stringify(understood, null, 2))}\`\`\``, 2900).map((part) => section(part)),
    20,
  );
  const shown = pages.slice(0, MAX_RAW_PAGES);
  const cut = pages.length > shown.length ? ` The first ${shown.length} of ${pages.length} pages; \`curl\` above prints it all.` : '';
  await ctx.out.reply({
    text: `Mesos ${state.version}`,
    blocks: [section(summary), context(`The state as I read it follows; only you see it.${cut}`)],
  });
  for (const page of shown) await ctx.out.reply({ text: 'master state (as I read it)', blocks: page });
}

/** `minimesos logs --task <task> [--stderr]`: the end of a task's sandbox file, read through its agent. */
export async function logs(ctx: CommandContext): Promise<void> {
  const parsed = parseArgs(ctx.args, { stderr: { type: 'boolean' } }, ctx.usage);
  const [query, extra] = parsed.positional;
  if (!query || extra)
    throw new UserError('Tell me which task: part of its id or name.', `Usage: ${ctx.usage}; /cluster ps lists the tasks.`);
  const cluster = await readyCluster(ctx);
  const file = parsed.flags.stderr ? 'stderr' : 'stdout';
  const { task, content, size } = await ctx.services.access.mesos(cluster).readSandboxFile(query, file, 2800);
  const cut = size > content.length ? `(last ${content.length} of ${size} bytes)\n` : '';
  await ctx.out.reply({
    text: `${file} of ${escapeMrkdwn(task.id)}`,
    blocks: [
      section(`[minimesos] Fetching '${file}' of task '${escapeMrkdwn(task.id)}'\n${cut}${codeBlock(escapeMrkdwn(content) || '(empty)')}`),
    ],
  });
}
