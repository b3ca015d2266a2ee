/** Labels on every object the bot creates: they are how it finds, counts and removes them. */
export const LABELS = {
  managed: 'workshop.managed',
  /** Which bot deployment (its key prefix) made it: several bots or test runs may share an engine. */
  deployment: 'workshop.deployment',
  attendee: 'workshop.attendee',
  cluster: 'workshop.cluster',
  role: 'workshop.role',
  index: 'workshop.index',
  /** What the cluster reserved in the host pool (JSON), so a restart rebuilds exactly that. */
  reserved: 'workshop.reserved',
} as const;

/** The labels of one of a cluster's containers. */
export function clusterLabels(
  owner: { deployment: string; clusterId: string; attendee: string; reserved: object },
  role: string,
  index: number,
): Record<string, string> {
  return {
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
