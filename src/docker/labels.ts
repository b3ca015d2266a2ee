/** Labels on every object the bot creates: they are how it finds, counts and removes them. */
export const LABELS = {
  managed: 'workshop.managed',
  /** Which bot deployment (its key prefix) made it: several bots or test runs may share an engine. */
  deployment: 'workshop.deployment',
  attendee: 'workshop.attendee',
  cluster: 'workshop.cluster',
  role: 'workshop.role',
  index: 'workshop.index',
} as const;

export function clusterFilter(clusterId: string): { label: string[] } {
  return { label: [`${LABELS.managed}=true`, `${LABELS.cluster}=${clusterId}`] };
}
