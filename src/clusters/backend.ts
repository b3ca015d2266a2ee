import type { ClusterEndpoints } from './cluster-record.js';
import type { ClusterSpec } from './cluster-spec.js';

/** The steps `/cluster up` shows, in order (minimesos' start order). */
export const PROVISION_STEPS = ['queued', 'pulling images', 'zookeeper', 'master', 'agents', 'marathon', 'apps', 'ready'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

export interface ProvisionRequest {
  attendee: string;
  clusterId: string;
  spec: ClusterSpec;
  signal: AbortSignal;
  /** Build it on this Docker host (a warm cluster: each host keeps its own); the pool picks one otherwise. */
  host?: string;
  /** When the attendee asked: their place in line while the pool has no room (none: behind everyone, as warm clusters are). */
  requestedAt?: number;
  /** The shape of a warm cluster (see warm-pool.ts), labelled on its containers so a restart finds the pool again. */
  warm?: string;
  onProgress(step: ProvisionStep, detail?: string): void;
}

export interface ProvisionedCluster {
  endpoints: ClusterEndpoints;
  /** `export MINIMESOS_…=…` lines, as `minimesos info` prints them (published addresses). */
  exports: string[];
  /** `${MINIMESOS_…}` token values with the addresses inside the cluster, for Marathon apps. */
  clusterTokens: Record<string, string>;
  /** What could not be done as the minimesosFile asked; the cluster itself is up. */
  warnings?: string[];
  host?: string;
}

/** What builds and removes clusters: Docker hosts in production and tests. */
export interface ClusterBackend {
  /** Idempotent for one clusterId: a re-run (after a worker died) reuses what exists. */
  provision(request: ProvisionRequest): Promise<ProvisionedCluster>;
  /** Idempotent: removing what is already gone succeeds. */
  destroy(clusterId: string): Promise<void>;
}

/** No host has room now: the build waits (and the attendee is told why, and what it waits for) instead of failing. */
export class NoCapacityError extends Error {
  constructor(
    shortage: string,
    /** What frees room: `a cluster is removed`, `a Docker host answers again`, … */
    readonly waitsFor = 'a cluster is removed',
  ) {
    super(shortage);
    this.name = 'NoCapacityError';
  }
}
