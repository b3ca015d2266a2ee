import Docker from 'dockerode';

export const hostDocker = new Docker({ socketPath: '/var/run/docker.sock' });

/** A test deployment's engine network outlives its clusters (as in production); tests remove theirs. */
export async function removeEnginesNetwork(deployment: string): Promise<void> {
  const networks = await hostDocker.listNetworks({ filters: { name: [`workshop-engines-${deployment}`] } });
  await Promise.all(
    networks.map((network) =>
      hostDocker
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined),
    ),
  );
}
