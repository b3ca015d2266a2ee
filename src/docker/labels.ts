import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Labels on every object the bot creates: they are how it finds, counts and removes them. */
export const LABELS = {
  managed: 'workshop.managed',
  /** Which bot deployment made it (its `deploymentId`): several bots, demos or test runs may share an engine. */
  deployment: 'workshop.deployment',
  attendee: 'workshop.attendee',
  cluster: 'workshop.cluster',
  role: 'workshop.role',
  index: 'workshop.index',
  /** What the cluster reserved in the host pool (JSON), so a restart rebuilds exactly that. */
  reserved: 'workshop.reserved',
  /** A cluster built for the warm pool: its shape. The label stays when an attendee claims it (labels cannot change). */
  warm: 'workshop.warm',
} as const;

/** The labels of one of a cluster's containers. */
export function clusterLabels(
  owner: { deployment: string; clusterId: string; attendee: string; reserved: object; warm?: string },
  role: string,
  index: number,
): Record<string, string> {
  return {
    ...(owner.warm ? { [LABELS.warm]: owner.warm } : {}),
    [LABELS.managed]: 'true',
    [LABELS.deployment]: owner.deployment,
    [LABELS.cluster]: owner.clusterId,
    [LABELS.attendee]: owner.attendee,
    [LABELS.role]: role,
    [LABELS.index]: String(index),
    [LABELS.reserved]: JSON.stringify(owner.reserved),
  };
}

export function clusterFilter(clusterId: string): { label: string[] } {
  return { label: [`${LABELS.managed}=true`, `${LABELS.cluster}=${clusterId}`] };
}

/** Where a deployment keeps its id in its Redis (under its key prefix). */
export const DEPLOYMENT_KEY = 'deployment';

/**
 * This deployment's id on the Docker hosts (the `deployment` label): made once per Redis and kept
 * there, so two bots — or a bot and `npm run demo` with its private Redis — never take each other's
 * containers for their own, even with the same key prefix. `<prefix>-<8 hex digits>`, to be read in
 * `docker ps`. `redis` is the store's connection (with the key prefix).
 */
export async function deploymentId(redis: Redis, prefix: string): Promise<string> {
  await redis.set(DEPLOYMENT_KEY, `${prefix}-${randomBytes(4).toString('hex')}`, 'NX');
  const id = await redis.get(DEPLOYMENT_KEY);
  if (!id) throw new Error(`the deployment id vanished from Redis (key ${prefix}:${DEPLOYMENT_KEY})`);
  return id;
}

export function deploymentFilter(deployment: string): { label: string[] } {
  return { label: [`${LABELS.managed}=true`, `${LABELS.deployment}=${deployment}`] };
}
