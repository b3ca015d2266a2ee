import { parseAttachEndpoints } from '../../src/clusters/attach.js';
import type { ProvisionStep } from '../../src/clusters/backend.js';
import { describeWait } from '../../src/clusters/build-stats.js';
import type { ClusterRecord } from '../../src/clusters/cluster-record.js';
import type { ClusterSpec } from '../../src/clusters/cluster-spec.js';
import { DEFAULT_MINIMESOS_FILE, parseMinimesosFile, specFromFlags, specWarnings } from '../../src/clusters/minimesos-file/index.js';
import { WARN_BEFORE_MS } from '../../src/clusters/reaper.js';
import type { RemovedCluster } from '../../src/clusters/service.js';
import { quote, UserError } from '../../src/errors.js';
import { codeBlock, context, type Message, section } from '../../src/render/blocks.js';
import { escapeMrkdwn, USER_ID } from '../../src/render/mrkdwn.js';
import { parseArgs } from '../../src/router/args.js';
import type { ActionContext, ActionRequest, CommandContext, Responder } from '../../src/router/types.js';
import type { CommandServices } from '../../src/services.js';
import { SIMULATOR_NOTE } from '../../src/sim/about.js';
import {
  clusterLabel,
  clusterMessages,
  endpointLines,
  endpointsMessage,
  failedHint,
  progressBar,
  READY_NEXT,
} from '../render/cluster-messages.js';
import { attachedText, noArguments, unfence } from '../support/input.js';

/** What the reaper's "Extend" button adds. */
const EXTENSION_MS = 2 * 3600_000;

export async function init({ out }: CommandContext): Promise<void> {
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

export async function up(ctx: CommandContext): Promise<void> {
  const { args, request, services, out } = ctx;
  const file = await attachedText(request, 'minimesosFile');
  if (file !== undefined && args.trim() !== '')
    throw new UserError('Send either a minimesosFile or flags, not both.', 'The file decides everything flags would; leave them out.');
  const spec = file !== undefined ? parseMinimesosFile(file) : specFromCommand(ctx);
  await queueCluster(services, request.user, request.channel, spec, out);
}

/** The App Home's "Build my cluster": `/cluster up` with the defaults, for the button's owner only. */
export async function upButton({ action, services, out }: ActionContext): Promise<void> {
  if (await ownsButton(action, out)) await queueCluster(services, action.user, action.channel, specFromFlags({}), out);
}

/** The App Home's "Destroy my cluster" (or "Detach"): `/cluster down`, for the button's owner only. */
export async function downButton({ action, services, out }: ActionContext): Promise<void> {
  if (await ownsButton(action, out)) await out.reply(downMessage(await services.clusters.down(action.user)));
}

/** A Home button carries its owner's id: anyone else pressing it (a forged or forwarded press) changes nothing. */
async function ownsButton(action: ActionRequest, out: Responder): Promise<boolean> {
  if (action.value === action.user) return true;
  if (!USER_ID.test(action.value))
    throw new UserError('That button is from an older version of me.', '`/cluster info` shows your own cluster.');
  const text = `That button belongs to <@${action.value}>'s cluster, so nothing was changed. Your own buttons are on your Home tab.`;
  await out.reply({ text, blocks: [section(`:no_entry: ${text}`)] });
  return false;
}

async function queueCluster(services: CommandServices, user: string, channel: string, spec: ClusterSpec, out: Responder): Promise<void> {
  const result = await services.clusters.up(user, spec, (record) => out.post(clusterMessages.progress(record, 'queued')), channel);
  if ('warm' in result) {
    // Built before the session: the channel sees it ready, its owner gets where it answers now.
    const record = result.warm;
    const posted = await out.post(clusterMessages.ready(record)).catch(() => undefined);
    if (posted) await services.clusters.registry.adoptProgressMessage(user, record.clusterId!, posted);
    await out.reply(clusterMessages.endpoints(record));
    return;
  }
  if (!result.queued) {
    const existing = result.existing;
    throw new UserError(
      `You already have a cluster (${existing.kind === 'attached' ? 'attached' : existing.status}).`,
      existing.status === 'ready'
        ? '`/cluster info` shows it; `/cluster down` removes it if you want a new one.'
        : '`/cluster info` shows its progress; `/cluster down` cancels it.',
    );
  }
  if (result.duplicate)
    await out.update(result.duplicate, {
      text: 'Cluster queued',
      blocks: [context('Progress is shown in the message posted for this cluster.')],
    });
  const ready = `ready in ${describeWait(result.estimateMs)}`;
  // Never promise a build that cannot start: builds waiting for a host with room are ahead of this one.
  const waiting = await services.waitingRoom.waitingForRoom();
  const where = (await services.waitingRoom.noHostAnswers())
    ? 'No Docker host answers right now, so nothing can be built yet. It starts as soon as one answers again; the message in the channel says when.'
    : waiting > 0
      ? `No Docker host has room right now: ${waiting} build${waiting === 1 ? ' is' : 's are'} waiting for one, and yours waits behind them: room goes to whoever asked first. It starts as soon as its turn comes; the message in the channel says when.`
      : result.position === 0
        ? `I'm building it now (${ready}); the message in the channel shows progress.`
        : result.position === 1
          ? `It is next (${ready}); the message in the channel shows progress.`
          : `You are number ${result.position} in the queue (${ready}); the message in the channel shows progress.`;
  await out.reply({
    text: 'Cluster queued',
    blocks: [
      section(`:construction: *Your cluster is queued.* ${where}`),
      ...specWarnings(spec).map((warning) => section(`:warning: ${warning}`)),
      context(
        `${spec.agents.length} agent${spec.agents.length === 1 ? '' : 's'}, Mesos ${spec.mesosVersion}${spec.marathon ? ', Marathon' : ''}. \`/cluster info\` for status, \`/cluster down\` to cancel.`,
      ),
    ],
  });
}

/** `/cluster up` takes flags, or a minimesosFile pasted in a code block. */
function specFromCommand({ args, usage, services }: CommandContext): ClusterSpec {
  const pasted = unfence(args);
  // Comments may come first: every minimesosFile of the bot's exercises starts with some.
  if (/^(\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*(package\s+\S+\s+)?minimesos\b/.test(pasted)) return parseMinimesosFile(pasted);
  const parsed = parseArgs(
    args,
    { agents: { type: 'integer', min: 1, max: services.config.maxAgents }, mesos: { type: 'string' }, name: { type: 'string' } },
    usage,
  );
  if (parsed.positional.length > 0 || Object.keys(parsed.pairs).length > 0) {
    throw new UserError(
      `I don't understand ${quote([...parsed.positional, ...Object.keys(parsed.pairs)][0]!)}.`,
      'Use flags (`/cluster up --agents 2`) or paste a whole minimesosFile in a code block (`/cluster init` shows one).',
    );
  }
  return specFromFlags({
    ...(parsed.flags.agents ? { agents: parsed.flags.agents as number } : {}),
    ...(parsed.flags.mesos ? { mesosVersion: String(parsed.flags.mesos) } : {}),
    ...(parsed.flags.name ? { clusterName: String(parsed.flags.name) } : {}),
  });
}

export async function info(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { request, subject, services, out } = ctx;
  const record = await services.clusters.get(subject);
  if (!record) {
    const expired = await services.clusters.expired(subject, request.user);
    await out.reply(
      expired
        ? reply(expired.message, expired.hint ?? '')
        : subject === request.user
          ? reply(
              "You don't have a cluster.",
              'Start one with `/cluster up`, or link yours with `/cluster attach master=http://<ip>:5050`.',
            )
          : reply(`<@${subject}> doesn't have a cluster.`, 'They start one with `/cluster up`, or link theirs with `/cluster attach`.'),
    );
    return;
  }
  // Whether it is simulated is asked of the cluster itself (its master's /state), attached or provisioned alike.
  const simulated =
    record.status === 'ready' && record.endpoints
      ? await services.access
          .mesos({ ...record, endpoints: record.endpoints })
          .state()
          .then((state) => state.simulated)
          .catch(() => false)
      : false;
  const ahead = record.status === 'queued' && record.clusterId ? await services.waitingRoom.aheadInLine(record.clusterId) : null;
  await out.reply(infoMessage(record, { simulated, ...(subject === request.user ? {} : { owner: subject }), ahead }));
}

/**
 * `/cluster info` of one cluster: the caller's own, or `owner`'s for an instructor looking, whose next
 * commands then name the owner (alone, they would act on the instructor's own cluster).
 */
export function infoMessage(
  record: ClusterRecord,
  {
    simulated = false,
    owner,
    ahead = null,
    now = Date.now(),
  }: { simulated?: boolean; owner?: string; ahead?: number | null; now?: number } = {},
): Message {
  const whose = owner ? `<@${owner}>'s` : 'Your';
  if (record.status === 'ready') {
    const next = owner
      ? `Add <@${owner}> to look further: \`/cluster ps\`, \`/state marathon\`, \`/check\`; \`/cluster down\` with their name removes it.`
      : READY_NEXT;
    const message = endpointsMessage(
      record,
      `${whose} cluster${labelled(record)}${record.kind === 'attached' ? ' (attached)' : ''}: ready${simulated ? ' — simulated' : ''}`,
      '',
      record.kind === 'provisioned' && record.expiresAt !== undefined ? `${lifeLeft(record.expiresAt, now)} ${next}` : next,
    );
    return simulated ? { ...message, blocks: [...message.blocks!, context(SIMULATOR_NOTE)] } : message;
  }
  const lines = [
    `*${whose} cluster${labelled(record)}: ${record.status}*`,
    progressBar(record.step as ProvisionStep | undefined, record.status === 'failed'),
  ];
  if (record.error) lines.push(`What failed: ${escapeMrkdwn(record.error)}`);
  if (record.status === 'queued' && record.waitingFor) lines.push(escapeMrkdwn(record.waitingFor));
  if (ahead !== null)
    lines.push(
      ahead === 0
        ? 'First in line: the next room that frees up is for this cluster.'
        : `${ahead} build${ahead === 1 ? '' : 's'} in line asked before this one; room goes to whoever asked first.`,
    );
  const down = owner ? `\`/cluster down\` with <@${owner}>` : '`/cluster down`';
  const hint =
    record.status === 'failed'
      ? record.errorHint
        ? failedHint(record, down)
        : `${down} cleans up; then ${owner ? 'they run ' : ''}\`/cluster up\` to try again.`
      : `${record.status === 'queued' ? 'It waits to be built' : 'It is being built'}; its message in the channel shows its progress. ${down} cancels it.`;
  return { text: lines[0]!, blocks: [section(lines.join('\n')), context(hint)] };
}

/** When the reaper removes a cluster, so that nobody loses theirs mid-exercise by surprise. */
function lifeLeft(expiresAt: number, now: number): string {
  const minutes = Math.max(0, Math.round((expiresAt - now) / 60_000));
  const left = minutes >= 60 ? `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}` : `${minutes} min`;
  return `Removed at ${new Date(expiresAt).toISOString().slice(11, 16)} UTC (in ${left}); an Extend button comes ${WARN_BEFORE_MS / 60_000} minutes before.`;
}

export async function down(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { request, subject, services, out, log } = ctx;
  if (subject === request.user) {
    await out.reply(downMessage(await services.clusters.down(subject)));
    return;
  }
  const record = await services.clusters.down(subject);
  if (record)
    log.info({ attendee: subject, clusterId: record.clusterId, kind: record.kind }, "an instructor removed an attendee's cluster");
  await out.reply(
    record
      ? reply(
          record.kind === 'attached'
            ? `Detached <@${subject}>'s cluster (${record.endpoints?.master ?? 'attached'}); it keeps running, it is theirs.`
            : `Destroyed <@${subject}>'s minimesos cluster with ID ${record.clusterId}${pendingRemoval(record)}`,
          'They can build a new one with `/cluster up` whenever they want.',
        )
      : reply(`<@${subject}> has no cluster, so there is nothing to destroy.`, '`/workshop attendees` shows who has one.'),
  );
}

export function downMessage(record: RemovedCluster | null): Message {
  if (!record) return reply('You have no cluster, so there is nothing to destroy.', '`/cluster up` starts one.');
  const what =
    record.kind === 'attached'
      ? `Detached ${record.endpoints?.master ?? 'your cluster'} (it keeps running; it is yours).`
      : `Destroyed minimesos cluster with ID ${record.clusterId}${pendingRemoval(record)}`;
  return reply(what, '`/cluster up` builds a new one whenever you want.');
}

/** The end of "Destroyed … cluster with ID n": its containers may outlive the reply when no worker was free. */
function pendingRemoval(record: RemovedCluster): string {
  return record.removalPending
    ? ": it is no longer anyone's, and its containers are removed as soon as one of the bot's workers is free (none was within a minute; if that lasts, tell the instructor)."
    : '.';
}

export async function attach({ args, usage, request, services, out }: CommandContext): Promise<void> {
  const parsed = parseArgs(args, {}, usage);
  const endpoints = parseAttachEndpoints(parsed.pairs, parsed.positional, usage);
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

export async function detach({ request, services, out }: CommandContext): Promise<void> {
  const record = await services.clusters.detach(request.user);
  await out.reply(
    record
      ? reply(`Detached ${record.endpoints?.master}.`, 'It keeps running; the bot just stops reading it.')
      : reply('You have no attached cluster.', '`/cluster attach master=http://<ip>:5050` links one.'),
  );
}

/** The reaper's "Extend 2 hours" button: only the cluster's owner can press it. */
export async function extend({ action, services, out }: ActionContext): Promise<void> {
  const expiresAt = await services.clusters.extend(action.user, action.value, EXTENSION_MS);
  await out.reply(
    reply(
      `Extended: your cluster now lives until ${new Date(expiresAt).toISOString().slice(11, 16)} UTC.`,
      'You will be warned again 15 minutes before.',
    ),
  );
}

function labelled(record: ClusterRecord): string {
  const label = clusterLabel(record);
  return label ? ` ${label}` : '';
}

function reply(text: string, hint: string): Message {
  return { text, blocks: [section(text), context(hint)] };
}
