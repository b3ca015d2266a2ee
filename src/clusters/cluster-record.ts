import type { MessageRef } from '../render/blocks.js';

export type ClusterStatus = 'queued' | 'provisioning' | 'ready' | 'failed' | 'removing';

/** Where a cluster answers, from the bot's point of view. */
export interface ClusterEndpoints {
  master: string;
  marathon?: string;
  /** host:port */
  zookeeper?: string;
  agents?: string[];
  /** dind: the attendee's app ports (e.g. nginx on 80) → the `host:port` that reaches them. */
  apps?: Record<string, string>;
}

/** One attendee's cluster: provisioned by the bot, or attached (their own minimesos, a shared one). */
export interface ClusterRecord {
  attendee: string;
  kind: 'provisioned' | 'attached';
  status: ClusterStatus;
  clusterId?: string;
  clusterName?: string;
  endpoints?: ClusterEndpoints;
  /** The `export MINIMESOS_…` lines, as `minimesos info` prints them, with the published addresses (for the attendee's terminal). */
  exports?: string[];
  /**
   * `${MINIMESOS_…}` token values for Marathon apps: the services' addresses on the cluster's own
   * network, where apps run (minimesos' replaceTokens uses container IPs too). Attached clusters have none.
   */
  clusterTokens?: Record<string, string>;
  /** What the build could not do as the minimesosFile asked (an app not installed, a token not replaced). */
  warnings?: string[];
  /** The Slack message that shows provisioning progress. */
  progressMessage?: MessageRef;
  step?: string;
  error?: string;
  host?: string;
  createdAt: number;
  updatedAt: number;
  /** When the reaper removes it (provisioned clusters); extended by the attendee's button. */
  expiresAt?: number;
  expiryWarned?: boolean;
}
