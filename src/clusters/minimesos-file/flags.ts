import { quote, UserError } from '../../errors.js';
import type { ClusterSpec } from '../cluster-spec.js';
import { SUPPORTED_MESOS_VERSIONS } from './defaults.js';
import { checkClusterName, parseMinimesosFile } from './spec.js';

export interface UpFlags {
  agents?: number;
  mesosVersion?: string;
  clusterName?: string;
}

/** More agents than any workshop host could run; the room's own limit (MAX_AGENTS) is the cluster service's. */
const MOST_AGENTS = 50;

/** The default cluster with `/cluster up --agents N --mesos VERSION` applied. */
export function specFromFlags(flags: UpFlags): ClusterSpec {
  const agents = flags.agents ?? 1;
  if (!Number.isInteger(agents) || agents < 1 || agents > MOST_AGENTS) {
    throw new UserError(
      `--agents must be between 1 and ${MOST_AGENTS}; you asked for ${agents}.`,
      'Most exercises need 1 agent; the Elasticsearch exercise needs 3, then 5.',
    );
  }
  if (flags.mesosVersion !== undefined && !SUPPORTED_MESOS_VERSIONS.includes(flags.mesosVersion)) {
    throw new UserError(
      `Mesos ${quote(flags.mesosVersion)} is not one minimesos supports.`,
      `Use one of: ${SUPPORTED_MESOS_VERSIONS.join(', ')}.`,
    );
  }
  // Checked as typed: written into the file below, escapes would be read back as plain letters.
  if (flags.clusterName !== undefined) checkClusterName(flags.clusterName);
  const lines = ['minimesos {'];
  if (flags.clusterName) lines.push(`  clusterName = ${JSON.stringify(flags.clusterName)}`);
  if (flags.mesosVersion) lines.push(`  mesosVersion = "${flags.mesosVersion}"`);
  for (let i = 0; i < agents; i++) lines.push('  agent {', '  }');
  lines.push('  marathon {', '  }', '}');
  return parseMinimesosFile(lines.join('\n'));
}
