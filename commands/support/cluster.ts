import type { MasterState } from '../../src/clients/mesos-model.js';
import type { ClusterEndpoints, ClusterRecord } from '../../src/clusters/cluster-record.js';
import type { CommandContext } from '../../src/router/types.js';

type ReadyCluster = ClusterRecord & { endpoints: ClusterEndpoints };

/** The cluster the command is about (the invoker's, or an attendee's an instructor named) when it is usable, else a UserError that says what to do. */
export function readyCluster({ services, request, subject }: CommandContext): Promise<ReadyCluster> {
  return services.clusters.ready(subject, request.user);
}

/** That ready cluster and its master's state: what most views of a cluster start from. */
export async function masterState(ctx: CommandContext): Promise<{ cluster: ReadyCluster; state: MasterState }> {
  const cluster = await readyCluster(ctx);
  return { cluster, state: await ctx.services.access.mesos(cluster).state() };
}
