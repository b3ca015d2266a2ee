import { checkMarathonDefinition, formatProblems } from '../src/clients/marathon-definition.js';
import { parseAttachEndpoints } from '../src/clusters/attach.js';
import type { ProvisionStep } from '../src/clusters/backend.js';
import { describeWait } from '../src/clusters/build-stats.js';
import type { ClusterSpec } from '../src/clusters/cluster-spec.js';
import { DEFAULT_MINIMESOS_FILE, parseMinimesosFile, specFromFlags, validateForUp } from '../src/clusters/minimesos-file/index.js';
import type { ClusterRecord } from '../src/clusters/registry.js';
import { replaceTokens, tokenValues } from '../src/clusters/tokens.js';
import { UserError } from '../src/errors.js';
import { codeBlock, context, type Message, paginate, section, splitSections } from '../src/render/blocks.js';
import { parseArgs } from '../src/router/args.js';
import type { ActionContext, AttachedFile, CommandContext, CommandSpec } from '../src/router/types.js';
import { SIMULATOR_NOTE } from '../src/sim/about.js';
import { clusterLabel, clusterMessages, endpointLines, progressBar, readyMessage } from './render/cluster-messages.js';
import { formatCpus, taskPorts } from './render/cluster-views.js';

/** Marathon JSON pasted into Slack is small; anything bigger is a mistake (a whole state dump…). */
const MAX_JSON_BYTES = 64 * 1024;

async function init({ out }: CommandContext): Promise<void> {
  await out.reply({
    text: 'The default minimesosFile',
    blocks: [
      section(
        `This is what \`minimesos init\` writes. Edit it (e.g. \`clusterName\`, more \`agent { }\` blocks, \`mesosVersion\`) and paste it back as \`/cluster up\` followed by the file in a code block.\n${codeBlock(DEFAULT_MINIMESOS_FILE)}`,
      ),
      context('For the common cases there are flags: `/cluster up --agents 3 --mesos 0.28 --name my-cluster`.'),
    ],
  });
}

async function up({ args, request, services, out }: CommandContext): Promise<void> {
  const file = await attachedText(request, 'minimesosFile', MAX_JSON_BYTES);
  if (file !== undefined && args.trim() !== '')
    throw new UserError('Send either a minimesosFile or flags, not both.', 'The file decides everything flags would; leave them out.');
  const spec = file !== undefined ? parseMinimesosFile(file) : specFromCommand(args, services.config.maxAgents);
  validateForUp(spec);
  if (spec.agents.length > services.config.maxAgents)
    throw new UserError(
      `This minimesosFile asks for ${spec.agents.length} agents; the workshop allows ${services.config.maxAgents}.`,
      'Remove some agent { } blocks.',
    );
  const result = await services.clusters.up(request.user, spec, (record) => out.post(clusterMessages.progress(record, 'queued')));
  if (!result.queued) {
    const existing = result.existing;
    throw new UserError(
      `You already have a cluster (${existing.kind === 'attached' ? 'attached' : existing.status}).`,
      existing.status === 'ready'
        ? '`/cluster info` shows it; `/cluster down` removes it if you want a new one.'
        : '`/cluster info` shows its progress; `/cluster down` cancels it.',
    );
  }
  const ready = `ready in ${describeWait(result.estimateMs)}`;
  const where =
    result.position <= 1
      ? `It is next: I'm building it now (${ready}).`
      : `You are number ${result.position} in the queue (${ready}); the message in the channel shows progress.`;
  await out.reply({
    text: 'Cluster queued',
    blocks: [
      section(`:construction: *Your cluster is queued.* ${where}`),
      context(
        `${spec.agents.length} agent${spec.agents.length === 1 ? '' : 's'}, Mesos ${spec.mesosVersion}${spec.marathon ? ', Marathon' : ''}. \`/cluster info\` for status, \`/cluster down\` to cancel.`,
      ),
    ],
  });
}

/** `/cluster up` takes flags, or a minimesosFile pasted in a code block. */
function specFromCommand(args: string, maxAgents: number): ClusterSpec {
  const pasted = unfence(args);
  if (/^\s*(package\s+\S+\s+)?minimesos\b/.test(pasted)) return parseMinimesosFile(pasted);
  const parsed = parseArgs(
    args,
    { agents: { type: 'integer', min: 1, max: maxAgents }, mesos: { type: 'string' }, name: { type: 'string' } },
    '/cluster up [--agents N] [--mesos VERSION] [--name NAME] (or a minimesosFile in a code block)',
  );
  if (parsed.positional.length > 0 || Object.keys(parsed.pairs).length > 0) {
    throw new UserError(
      `I don't understand "${[...parsed.positional, ...Object.keys(parsed.pairs)][0]}".`,
      'Use flags (`/cluster up --agents 2`) or paste a whole minimesosFile in a code block (`/cluster init` shows one).',
    );
  }
  return specFromFlags(
    {
      ...(parsed.flags.agents ? { agents: parsed.flags.agents as number } : {}),
      ...(parsed.flags.mesos ? { mesosVersion: String(parsed.flags.mesos) } : {}),
      ...(parsed.flags.name ? { clusterName: String(parsed.flags.name) } : {}),
    },
    { maxAgents },
  );
}

/** The one attached file's text (Slack: a DM or mention with the file), size-checked; undefined when none. */
async function attachedText(request: CommandContext['request'], what: string, maxBytes: number): Promise<string | undefined> {
  const files = request.files ?? [];
  if (files.length === 0) return undefined;
  if (files.length > 1)
    throw new UserError(`You attached ${files.length} files; I read one ${what} at a time.`, 'Send the message again with just that file.');
  const [file] = files as [AttachedFile];
  const tooBig = (size: number) =>
    new UserError(
      `${file.name} is ${Math.ceil(size / 1024)} KB; a ${what} may be at most ${maxBytes / 1024} KB.`,
      `Is it the right file? A ${what} is usually a few KB.`,
    );
  if (file.size > maxBytes) throw tooBig(file.size);
  const text = await file.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooBig(Buffer.byteLength(text));
  return unfence(text);
}

/** The inside of a ``` code block (Slack keeps the fences), with Slack's smart quotes made plain. */
function unfence(text: string): string {
  const fenced = /```(?:\w+\n)?([\s\S]*?)```/.exec(text);
  return (fenced ? fenced[1]! : text).replace(/[“”]/g, '"').replace(/[‘’]/g, "'").trim();
}

async function ps({ args, request, services, out }: CommandContext): Promise<void> {
  parseArgs(args, {}, '/cluster ps');
  const cluster = await services.clusters.ready(request.user);
  const state = await services.access.mesos(cluster.endpoints).state();
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
  await out.reply({ text: 'minimesos ps', blocks: splitSections(`\`\`\`${rows.join('\n')}\`\`\``).map((part) => section(part)) });
}

async function stateSummary({ args, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, { raw: { type: 'boolean' } }, '/cluster state [--raw]');
  const cluster = await services.clusters.ready(request.user);
  const state = await services.access.mesos(cluster.endpoints).state();
  const tasks = state.frameworks.flatMap((framework) => framework.tasks);
  const cpus = state.agents.reduce((sum, agent) => sum + agent.resources.cpus, 0);
  const summary = [
    `*Mesos ${state.version}* — cluster \`${state.cluster ?? '(no name)'}\`, leader ${state.leader ?? 'none'}`,
    `${state.activatedAgents} agent${state.activatedAgents === 1 ? '' : 's'} (${formatCpus(cpus)} cpus) · ${state.frameworks.length} framework${state.frameworks.length === 1 ? '' : 's'} (${state.frameworks.map((framework) => framework.name).join(', ') || 'none'}) · ${tasks.length} task${tasks.length === 1 ? '' : 's'}`,
    `The full state: \`curl ${cluster.endpoints.master}/state\` (what \`minimesos state\` prints).`,
  ].join('\n');
  if (!parsed.flags.raw) {
    await out.reply({ text: `Mesos ${state.version}`, blocks: [section(summary)] });
    return;
  }
  const parent = await out.post({
    text: `<@${request.user}>'s master state`,
    blocks: [section(summary), context('The raw JSON is in the thread :thread:')],
  });
  const json = JSON.stringify(state.raw, null, 2);
  for (const page of paginate(
    splitSections(`\`\`\`${json}\`\`\``, 2900).map((part) => section(part)),
    20,
  ))
    await out.post({ text: 'master state (raw)', blocks: page }, { threadOf: parent });
}

async function logs({ args, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, { stderr: { type: 'boolean' } }, '/cluster logs <task> [--stderr]');
  const [query, extra] = parsed.positional;
  if (!query || extra)
    throw new UserError(
      'Tell me which task: part of its id or name.',
      'Usage: /cluster logs <task> [--stderr]; /cluster ps lists the tasks.',
    );
  const cluster = await services.clusters.ready(request.user);
  const file = parsed.flags.stderr ? 'stderr' : 'stdout';
  const { task, content, size } = await services.access.mesos(cluster.endpoints).readSandboxFile(query, file, 2800);
  const cut = size > content.length ? `(last ${content.length} of ${size} bytes)\n` : '';
  await out.reply({
    text: `${file} of ${task.id}`,
    blocks: [section(`[minimesos] Fetching '${file}' of task '${task.id}'\n${cut}${codeBlock(content || '(empty)')}`)],
  });
}

async function install({ args, request, services, out }: CommandContext): Promise<void> {
  const update = /(^|\s)--update(\s|$)/.test(args);
  const text = (await attachedText(request, 'Marathon JSON', MAX_JSON_BYTES)) ?? unfence(args.replace(/(^|\s)--update(?=\s|$)/, ' '));
  if (text === '')
    throw new UserError(
      'Paste the Marathon app or group JSON after the command, in a code block.',
      'Usage: /cluster install [--update] ```{"id": "nginx", …}```',
    );
  if (Buffer.byteLength(text) > MAX_JSON_BYTES)
    throw new UserError(
      `That JSON is ${Math.round(Buffer.byteLength(text) / 1024)} KB; the limit is ${MAX_JSON_BYTES / 1024} KB.`,
      'An app definition is usually under 2 KB: paste only the app.',
    );
  const cluster = await services.clusters.ready(request.user);
  let definition: Record<string, unknown> & { id: string };
  try {
    definition = JSON.parse(replaceTokens(text, tokenValues(cluster.exports ?? []))) as typeof definition;
  } catch (error) {
    throw new UserError(
      `That is not valid JSON: ${(error as Error).message}.`,
      'Check quotes and commas; paste it inside a ``` code block so Slack leaves the quotes alone.',
    );
  }
  const { kind, problems } = checkMarathonDefinition(definition);
  if (problems.length > 0)
    throw new UserError(
      `Marathon would not take this ${kind} as it is; nothing was sent:\n${formatProblems(problems)}`,
      'Fix each line (the path says where), then install again. `/faq how do I run a container on Marathon?` shows an app.',
    );
  const marathon = services.access.marathon(cluster.endpoints);
  const isGroup = kind === 'group';
  if (isGroup) {
    if (update) await marathon.updateGroup(definition.id, definition, { force: true });
    else await marathon.createGroup(definition);
  } else if (update) {
    await marathon.updateApp(definition.id, definition, { force: true });
  } else {
    await marathon.createApp(definition);
  }
  await out.reply({
    text: 'Installed',
    blocks: [
      section(`:white_check_mark: ${update ? 'Updated' : 'Installed'} ${isGroup ? 'group' : 'app'} \`${definition.id}\`.`),
      context('`/state marathon` shows it starting.'),
    ],
  });
}

async function uninstall({ args, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, { group: { type: 'boolean' } }, '/cluster uninstall <app> [--group]');
  const [id, extra] = parsed.positional;
  if (!id || extra)
    throw new UserError('Tell me which app to remove.', 'Usage: /cluster uninstall <app id>, e.g. /cluster uninstall nginx');
  const cluster = await services.clusters.ready(request.user);
  const marathon = services.access.marathon(cluster.endpoints);
  if (parsed.flags.group) await marathon.deleteGroup(id);
  else await marathon.deleteApp(id);
  await out.reply({
    text: 'Deleted',
    blocks: [section(`Deleted ${parsed.flags.group ? 'group' : 'app'} '${id.startsWith('/') ? id : `/${id}`}'`)],
  });
}

const NO_FLAGS = {};

async function info({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.get(request.user);
  if (!record) {
    await out.reply(
      reply("You don't have a cluster.", 'Start one with `/cluster up`, or link yours with `/cluster attach master=http://<ip>:5050`.'),
    );
    return;
  }
  // Whether it is simulated is asked of the cluster itself (its master's /state), attached or provisioned alike.
  const simulated =
    record.status === 'ready' && record.endpoints
      ? await services.access
          .mesos(record.endpoints)
          .state()
          .then((state) => state.simulated)
          .catch(() => false)
      : false;
  await out.reply(infoMessage(record, simulated));
}

export function infoMessage(record: ClusterRecord, simulated = false): Message {
  if (record.status === 'ready') {
    const message = readyMessage(record);
    const kind = record.kind === 'attached' ? ' (attached)' : '';
    const title = `*Your cluster${labelled(record)}${kind}: ready${simulated ? ' — simulated' : ''}*`;
    return { ...message, blocks: [section(title), ...message.blocks!.slice(1), ...(simulated ? [context(SIMULATOR_NOTE)] : [])] };
  }
  const lines = [
    `*Your cluster${labelled(record)}: ${record.status}*`,
    progressBar(record.step as ProvisionStep | undefined, record.status === 'failed'),
  ];
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
  const what =
    record.kind === 'attached'
      ? `Detached ${record.endpoints?.master ?? 'your cluster'} (it keeps running; it is yours).`
      : `Destroyed minimesos cluster with ID ${record.clusterId}.`;
  await out.reply(reply(what, '`/cluster up` builds a new one whenever you want.'));
}

async function attach({ args, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, NO_FLAGS, '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]');
  const endpoints = parseAttachEndpoints(parsed.pairs, parsed.positional);
  await services.access.probe(endpoints);
  const record = await services.clusters.attach(request.user, endpoints);
  await out.reply({
    text: 'Cluster attached',
    blocks: [
      section(`:link: *Attached your cluster*\n${endpointLines(record)}`),
      context('`/state resources`, `/state marathon`, `/cluster ps` now read this cluster. `/cluster detach` unlinks it.'),
    ],
  });
}

async function detach({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.detach(request.user);
  await out.reply(
    record
      ? reply(`Detached ${record.endpoints?.master}.`, 'It keeps running; the bot just stops reading it.')
      : reply('You have no attached cluster.', '`/cluster attach master=http://<ip>:5050` links one.'),
  );
}

function labelled(record: ClusterRecord): string {
  const label = clusterLabel(record);
  return label ? ` ${label}` : '';
}

function reply(text: string, hint: string): Message {
  return { text, blocks: [section(text), context(hint)] };
}

/** The reaper's "Extend 2 hours" button: only the cluster's owner can press it. */
async function extend({ action, services, out }: ActionContext): Promise<void> {
  const record = await services.clusters.get(action.user);
  if (!record || record.clusterId !== action.value || !record.expiresAt) {
    await out.reply(
      reply("This button is for the cluster's owner, and that cluster is not yours or is gone.", '`/cluster info` shows your own cluster.'),
    );
    return;
  }
  const expiresAt = Math.max(Date.now(), record.expiresAt) + EXTENSION_MS;
  await services.clusters.registry.update(action.user, { expiresAt, expiryWarned: false });
  await out.reply(
    reply(
      `Extended: your cluster now lives until ${new Date(expiresAt).toISOString().slice(11, 16)} UTC.`,
      'You will be warned again 15 minutes before.',
    ),
  );
}

const EXTENSION_MS = 2 * 3600_000;

export const cluster: CommandSpec = {
  name: 'cluster',
  summary: 'Your own minimesos cluster: up, info, state, install, down — like the minimesos CLI.',
  description:
    'Builds and manages your personal minimesos cluster (ZooKeeper, Mesos master, agents, Marathon) on the workshop Docker hosts, or links a cluster you already run.',
  examples: ['/cluster up', '/cluster up --agents 3', '/cluster info', '/cluster down'],
  subcommands: [
    { name: 'init', usage: '/cluster init', summary: 'shows the default minimesosFile to edit', run: init },
    {
      name: 'up',
      usage:
        '/cluster up [--agents N] [--mesos VERSION] [--name NAME] (or a minimesosFile in a code block, or DM me the file with the words "cluster up")',
      summary: 'builds your cluster',
      run: up,
    },
    { name: 'info', usage: '/cluster info', summary: 'status and the export MINIMESOS_… lines', run: info },
    {
      name: 'state',
      usage: '/cluster state [--raw]',
      summary: "the master's state, summarised (--raw: the JSON, in a thread)",
      run: stateSummary,
    },
    { name: 'ps', usage: '/cluster ps', summary: 'running tasks, like minimesos ps', run: ps },
    { name: 'logs', usage: '/cluster logs <task> [--stderr]', summary: "a task's sandbox stdout or stderr", run: logs },
    {
      name: 'install',
      usage: '/cluster install [--update] <Marathon JSON>',
      summary: 'installs a Marathon app or group (JSON in a code block, or DM me the file with "cluster install")',
      run: install,
    },
    { name: 'uninstall', usage: '/cluster uninstall <app> [--group]', summary: 'removes a Marathon app or group', run: uninstall },
    { name: 'down', usage: '/cluster down', summary: 'destroys your cluster', run: down },
    {
      name: 'attach',
      usage: '/cluster attach master=<url> [marathon=<url>] [zookeeper=<host:port>]',
      summary: 'links a cluster you already run',
      run: attach,
    },
    { name: 'detach', usage: '/cluster detach', summary: 'unlinks an attached cluster', run: detach },
  ],
  actions: { extend },
};
