import { z } from 'zod';
import { UserError } from '../../errors.js';
import { defineCheck } from '../check-type.js';

/** What minimesos calls a cluster nobody named: no name, `minimesos-<clusterId>`, or `minimesos init`'s placeholder. */
export function isDefaultClusterName(name: string | null | undefined): boolean {
  return !name || /^minimesos-\d+$/.test(name) || name === 'Change Cluster Name in minimesosFile file';
}

/**
 * The cluster is up (its master leads and has an active agent) and, when asked, built with the
 * minimesosFile settings the step wants. The name is read from the master (`--cluster`), so it
 * works for attached clusters too; `mapAgentSandboxVolume` is known only for clusters the bot built.
 */
export const clusterCheck = defineCheck(
  z.strictObject({
    type: z.literal('cluster'),
    nameChanged: z.literal(true).optional(),
    mapAgentSandboxVolume: z.literal(true).optional(),
  }),
  async (check, scope) => {
    const state = await scope.masterState();
    const agents = state.agents.filter((agent) => agent.active).length;
    if (!state.leader) return { pass: false, detail: 'the master answers but has not been elected leader yet' };
    if (agents === 0) return { pass: false, detail: 'the master runs but no agent has registered with it' };
    const facts = [`Mesos ${state.version} with ${agents} agent${agents === 1 ? '' : 's'}`];
    if (check.nameChanged) {
      const name = state.cluster ?? scope.spec?.clusterName;
      if (isDefaultClusterName(name))
        return { pass: false, detail: `the cluster is still called ${name ? `"${name}"` : 'nothing'}: the default, not a name you chose` };
      facts.push(`named "${name}"`);
    }
    if (check.mapAgentSandboxVolume) {
      if (!scope.spec)
        throw new UserError(
          "I can't see the minimesosFile of a cluster you attached, so I can't tell whether mapAgentSandboxVolume is on.",
          'Build the cluster with /cluster up and your minimesosFile to have this step checked.',
        );
      if (!scope.spec.mapAgentSandboxVolume) return { pass: false, detail: 'it was built with mapAgentSandboxVolume = false' };
      facts.push('agent sandboxes mapped to the host');
    }
    return { pass: true, detail: facts.join(', ') };
  },
);
