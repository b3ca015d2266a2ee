import type { Resources } from '../clients/resources.js';

export interface SimAgentRecord {
  id: string;
  hostname: string;
  /** The address in its pid: its hostname resolved, as libprocess advertises it (real agents' pids carry an IP). */
  ip?: string;
  port: number;
  /** Where the agent answers (its /state, /files). */
  url: string;
  /** Its --work_dir, under which task sandboxes are. */
  workDir: string;
  resources: Resources;
  registeredTime: number;
}

export interface SimFrameworkRecord {
  id: string;
  name: string;
  hostname: string;
  webuiUrl: string;
  role: string;
  registeredTime: number;
  active: boolean;
}

export interface SimTaskRecord {
  id: string;
  name: string;
  frameworkId: string;
  executorId: string;
  agentId: string;
  state: string;
  resources: Resources;
  statuses: Array<{ state: string; timestamp: number; message?: string }>;
  discovery?: unknown;
  labels: Array<{ key: string; value: string }>;
  /** Becomes TASK_FAILED instead of TASK_RUNNING (an app told to fail). */
  fail: boolean;
  containerId: string;
  runtime?: TaskRuntime;
}

/**
 * What the task's process is, for the agent to run it: its image (nginx, mysql…: see images/) and
 * the ports it answers on at the agent's address — fixed ones (the image's own port on the host
 * network) or the n-th port allocated from the offer (a BRIDGE hostPort, an Elasticsearch node's HTTP port).
 */
export interface TaskRuntime {
  image?: string;
  /** Docker's network mode, as Mesos shows it in the task's container info. */
  network?: string;
  env?: Record<string, string>;
  args?: string[];
  listen?: Array<{ fixed: number } | { allocated: number }>;
}

/** A task as a framework asks for it; `uniqueHost` = Marathon's hostname:UNIQUE / ES' one node per agent. */
export interface LaunchRequest {
  id: string;
  name: string;
  /** `ports`: how many from the offer, or one entry each: 0 for any, a number for exactly that port (requirePorts, a fixed hostPort). */
  resources: { cpus: number; mem: number; disk: number; ports?: number | number[] };
  fail?: boolean;
  runtime?: TaskRuntime;
  uniqueHost?: string;
  discoveryPortNames?: string[];
  labels?: Array<{ key: string; value: string }>;
}

/** What the master's HTTP API and page read and call: the bookkeeping of SimMaster, without its server. */
export interface MasterModel {
  readonly agents: Map<string, SimAgentRecord>;
  readonly frameworks: Map<string, SimFrameworkRecord>;
  readonly tasks: Map<string, SimTaskRecord>;
  readonly id: string;
  readonly startTime: number;
  readonly pid: string;
  readonly hostname: string;
  readonly port: number;
  readonly version: string;
  readonly clusterName: string | undefined;
  registerAgent(registration: Omit<SimAgentRecord, 'id' | 'registeredTime'>): SimAgentRecord;
  registerFramework(name: string, hostname: string, webuiUrl: string): SimFrameworkRecord;
  launch(frameworkId: string, requests: LaunchRequest[]): { launched: Array<{ id: string; agentId: string }>; declined: string[] };
  kill(taskId: string): boolean;
  teardown(frameworkId: string): boolean;
  usedOn(agentId: string): Resources;
  liveTasks(): SimTaskRecord[];
}
