import type { Socket } from 'node:net';
import type { z } from 'zod';
import type { HttpResponse } from '../clients/http.js';
import type { MarathonApp } from '../clients/marathon-model.js';
import type { MesosClient } from '../clients/mesos.js';
import type { MasterState } from '../clients/mesos-model.js';
import type { ZookeeperClient } from '../clients/zookeeper.js';
import type { ClusterEndpoints } from '../clusters/cluster-record.js';
import type { ClusterSpecSummary } from '../clusters/cluster-spec.js';

/**
 * What one check concluded about the cluster as it is now. `detail` is plain text for the attendee
 * (it names what the cluster reports: app ids, task names), escaped where a message shows it.
 */
export interface CheckOutcome {
  pass: boolean;
  detail: string;
}

/**
 * Thrown below a check when the cluster answered but is not as the step wants (no such task, no
 * such port): the step fails with this reason. Anything else that escapes is "could not check".
 * It is an answer, not a fault, and nothing logs it: it carries no stack trace, whose capture
 * (through every await of the check) was most of what throwing it cost.
 */
export class StepNotMet extends Error {
  constructor(detail: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(detail);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'StepNotMet';
  }
}

/**
 * What a check may read, for one step of one run: reads shared by the run (the master's state,
 * Marathon's apps) are fetched once; every call is named, so a step that times out says which
 * endpoint did not answer. Read-only: nothing here changes the cluster.
 */
export interface CheckScope {
  endpoints: ClusterEndpoints;
  /** The minimesosFile settings, when the bot built the cluster (attached clusters have none). */
  spec?: ClusterSpecSummary;
  /** Aborted when the step's time is up. */
  signal: AbortSignal;
  masterState(): Promise<MasterState>;
  marathonApps(): Promise<MarathonApp[]>;
  mesos(): MesosClient;
  zookeeper<T>(work: (zk: ZookeeperClient) => Promise<T>): Promise<T>;
  /** A GET to any URL (an app's page): the answer whatever its status. */
  get(url: string): Promise<HttpResponse>;
  /** A TCP connection to `host:port`, once the cluster's kind allows it (`relayed`: through the attendee engine's relay). */
  open(host: string, port: number): Promise<{ socket: Socket; relayed: boolean }>;
  /** Names what the step waits on while `work` runs (for the timeout message). */
  track<T>(what: string, work: () => Promise<T>): Promise<T>;
}

/** One kind of check: its YAML form (a strict object with a literal `type`, validated at start-up) and how it reads the cluster. */
export interface CheckType<Schema extends z.ZodObject = z.ZodObject> {
  schema: Schema;
  run(check: z.output<Schema>, scope: CheckScope): Promise<CheckOutcome>;
}

export function defineCheck<Schema extends z.ZodObject>(
  schema: Schema,
  run: (check: z.output<Schema>, scope: CheckScope) => Promise<CheckOutcome>,
): CheckType<Schema> {
  return { schema, run };
}
