import type { MessageRef } from '../render/blocks.js';
import type { ClusterSpecSummary } from './cluster-spec.js';

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
  /**
   * dind: `host:port` of the relay in the attendee's engine, through which the bot reaches what the
   * cluster reports on its own network (agents', tasks' addresses). The bot's alone: never shown.
   */
  relay?: string;
}

/** One attendee's cluster: provisioned by the bot, or attached (their own minimesos, a shared one). */
export interface ClusterRecord {
  attendee: string;
  kind: 'provisioned' | 'attached';
  status: ClusterStatus;
  clusterId?: string;
  clusterName?: string;
  /** What the minimesosFile asked for (provisioned clusters): what the exercise checks read. */
  spec?: ClusterSpecSummary;
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
  /** Where `/cluster up` was typed: the worker posts the progress message there if the web process died before it could. */
  channel?: string;
  /**
   * The spec it was asked with, as JSON text (the record's Lua merge would turn its empty arrays into
   * objects): what lets the reconciler queue the build again when its job is lost.
   */
  request?: string;
  /** How often the reconciler re-queued its lost build; past a few, it is reported as failed. */
  repairs?: number;
  step?: string;
  error?: string;
  /** Why a queued build has not started, while it waits for a Docker host with room (what its progress message says). */
  waitingFor?: string;
  /** What the attendee can do about `error`, when the build knew better than "try again" (mrkdwn). */
  errorHint?: string;
  host?: string;
  createdAt: number;
  updatedAt: number;
  /** When the reaper removes it (provisioned clusters); extended by the attendee's button. */
  expiresAt?: number;
  expiryWarned?: boolean;
}
