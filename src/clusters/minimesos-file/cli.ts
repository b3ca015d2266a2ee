import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { errorMessage, UserError } from '../../errors.js';
import type { ClusterSpec } from '../cluster-spec.js';
import { resourcesString } from './render.js';
import { parseMinimesosFile, specWarnings } from './spec.js';

const USAGE = 'Usage: workshop-bot minimesosfile <path> [--json]';

/** `workshop-bot minimesosfile <path> [--json]`: the cluster a minimesosFile describes; exit 2 when it is invalid. */
export async function runMinimesosFileCli(argv: string[]): Promise<number> {
  let parsed: { values: { json?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  const [path, extra] = parsed.positionals;
  if (!path || extra !== undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let spec: ClusterSpec;
  try {
    spec = parseMinimesosFile(await readFile(path, 'utf8'));
  } catch (error) {
    const text = error instanceof UserError ? errorMessage(error) : `cannot read ${path}: ${errorMessage(error)}`;
    process.stderr.write(`${text}\n`);
    return 2;
  }
  process.stdout.write(parsed.values.json ? `${JSON.stringify(spec, null, 2)}\n` : summary(spec));
  // On stderr, so --json stays the contract it is.
  for (const warning of specWarnings(spec)) process.stderr.write(`warning: ${warning}\n`);
  return 0;
}

function summary(spec: ClusterSpec): string {
  const lines = [
    `cluster      ${spec.clusterName ?? '(unnamed: minimesos-<clusterId>)'}`,
    `mesos        ${spec.mesosVersion} · logging ${spec.loggingLevel} · timeout ${spec.timeout}s · mapPortsToHost ${spec.mapPortsToHost} · mapAgentSandboxVolume ${spec.mapAgentSandboxVolume}`,
    `zookeeper    ${spec.zookeeper.image}`,
    `master       ${spec.master.image}${spec.master.authenticate ? ' (authentication on)' : ''}`,
    ...spec.agents.map(
      (agent, index) =>
        `agent ${index + 1}      ${agent.image} :${agent.portNumber} ${resourcesString(agent)}${agent.attributes ? ` attributes ${agent.attributes}` : ''}`,
    ),
    `marathon     ${spec.marathon ? `${spec.marathon.image}${spec.marathon.apps.length ? `, apps: ${spec.marathon.apps.join(', ')}` : ''}${spec.marathon.groups.length ? `, groups: ${spec.marathon.groups.join(', ')}` : ''}` : '-'}`,
    ...(['consul', 'registrator', 'mesosdns'] as const).map((role) => `${role.padEnd(12)} ${spec[role]?.image ?? '-'}`),
  ];
  return `${lines.join('\n')}\n`;
}
