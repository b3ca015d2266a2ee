import type { MarathonClient } from '../../src/clients/marathon.js';
import { checkMarathonDefinition, formatProblems, isGroupDefinition } from '../../src/clients/marathon-definition.js';
import { installTokens, replaceTokens, type TokenNotReplaced } from '../../src/clusters/tokens.js';
import { jsonSyntaxMessage, UserError } from '../../src/errors.js';
import { context, section } from '../../src/render/blocks.js';
import { escapeMrkdwn } from '../../src/render/mrkdwn.js';
import { parseArgs } from '../../src/router/args.js';
import type { CommandContext } from '../../src/router/types.js';
import { readyCluster } from '../support/cluster.js';
import { attachedText, MAX_PASTED_BYTES, unfence } from '../support/input.js';

/** `minimesos install [--update]`: a Marathon app or group, pasted in a code block or sent as a file. */
export async function install(ctx: CommandContext): Promise<void> {
  const { args, usage, request, out } = ctx;
  const update = /(^|\s)--update(\s|$)/.test(args);
  const text = (await attachedText(request, 'Marathon JSON')) ?? unfence(args.replace(/(^|\s)--update(?=\s|$)/, ' '));
  if (text === '') throw new UserError('Paste the Marathon app or group JSON after the command, in a code block.', `Usage: ${usage}`);
  if (Buffer.byteLength(text) > MAX_PASTED_BYTES)
    throw new UserError(
      `That JSON is ${Math.round(Buffer.byteLength(text) / 1024)} KB; the limit is ${MAX_PASTED_BYTES / 1024} KB.`,
      'An app definition is usually under 2 KB: paste only the app.',
    );
  const cluster = await readyCluster(ctx);
  const replaced = replaceTokens(text, installTokens(cluster));
  let definition: Record<string, unknown> & { id: string };
  try {
    definition = JSON.parse(replaced.text) as typeof definition;
  } catch (error) {
    throw new UserError(
      `That is not valid JSON: ${escapeMrkdwn(jsonSyntaxMessage(replaced.text, error))}.`,
      'Check quotes and commas; paste it inside a ``` code block so Slack leaves the quotes alone.',
    );
  }
  const marathon = ctx.services.access.marathon(cluster);
  const { kind, problems } = checkMarathonDefinition(
    update && !isGroupDefinition(definition) ? await asUpdated(marathon, definition) : definition,
  );
  if (problems.length > 0)
    throw new UserError(
      // What the definition says is quoted (and so escaped) inside each problem already.
      `Marathon would not take this ${kind} as it is; nothing was sent:\n${formatProblems(problems)}`,
      'Fix each line (the path says where), then install again. `/faq how do I run a container on Marathon?` shows an app.',
    );
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
      section(
        `:white_check_mark: ${update ? 'Updated' : 'Installed'} ${isGroup ? 'group' : 'app'} \`${escapeMrkdwn(String(definition.id))}\`.`,
      ),
      ...(replaced.notReplaced.length > 0 ? [notReplacedSection(replaced.notReplaced)] : []),
      context('`/state marathon` shows it starting.'),
    ],
  });
}

/**
 * An app update is partial (Marathon's AppUpdate: `{"id": "/nginx", "instances": 3}` scales): what
 * Marathon checks is the app it already has with these changes, so that is what is checked here.
 */
async function asUpdated(marathon: MarathonClient, changes: Record<string, unknown> & { id: string }): Promise<object> {
  const id = `/${String(changes.id).replace(/^\/+/, '')}`;
  const current = (await marathon.apps()).find((app) => app.id === id);
  if (!current) return changes;
  const { cmd, args, container } = current.raw as Record<string, unknown>;
  return { ...(cmd == null ? {} : { cmd }), ...(args == null ? {} : { args }), ...(container == null ? {} : { container }), ...changes };
}

/** Tokens Marathon got as written: the app may not find what they were meant to name. */
function notReplacedSection(tokens: TokenNotReplaced[]) {
  return section(
    [
      ':warning: These were not replaced; Marathon got them as written:',
      ...tokens.map(({ token, reason }) => `• \`${escapeMrkdwn(token)}\`: ${reason}`),
    ].join('\n'),
  );
}

/** `minimesos uninstall --app|--group`. */
export async function uninstall(ctx: CommandContext): Promise<void> {
  const parsed = parseArgs(ctx.args, { group: { type: 'boolean' } }, ctx.usage);
  const [id, extra] = parsed.positional;
  if (!id || extra) throw new UserError('Tell me which app to remove.', `Usage: ${ctx.usage}, e.g. /cluster uninstall nginx`);
  const cluster = await readyCluster(ctx);
  const marathon = ctx.services.access.marathon(cluster);
  if (parsed.flags.group) await marathon.deleteGroup(id);
  else await marathon.deleteApp(id);
  await ctx.out.reply({
    text: 'Deleted',
    blocks: [section(`Deleted ${parsed.flags.group ? 'group' : 'app'} '${escapeMrkdwn(id.startsWith('/') ? id : `/${id}`)}'`)],
  });
}
