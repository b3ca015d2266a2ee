/**
 * The normalised cluster a minimesosFile (or `/cluster up` flags) describes. Its JSON form is a
 * contract: `workshop-bot minimesosfile --json` prints it and other tools script against it.
 */
export interface ResourceEntry<T = number> {
  role: string;
  value: T;
}

export interface AgentSpec {
  image: string;
  portNumber: number;
  attributes: string;
  resources: {
    cpus: ResourceEntry[];
    mem: ResourceEntry[];
    disk: ResourceEntry[];
    ports: ResourceEntry<string>[];
  };
}

export interface ClusterSpec {
  clusterName: string | null;
  mesosVersion: string;
  loggingLevel: 'INFO' | 'WARNING' | 'ERROR';
  mapAgentSandboxVolume: boolean;
  mapPortsToHost: boolean;
  /** Seconds to wait for the cluster to come up. */
  timeout: number;
  zookeeper: { image: string };
  master: { image: string; authenticate: boolean; aclJson: string | null };
  agents: AgentSpec[];
  /** Marathon apps and groups to install once the cluster is up: each a marathonJson path or URL. */
  marathon: { image: string; apps: string[]; groups: string[] } | null;
  consul: { image: string } | null;
  registrator: { image: string } | null;
  mesosdns: { image: string } | null;
}

/** The minimesosFile settings a cluster was built with, kept in its record (the exercise checks read them). */
export interface ClusterSpecSummary {
  clusterName: string | null;
  mesosVersion: string;
  mapAgentSandboxVolume: boolean;
  agents: number;
}

export function summariseSpec(spec: ClusterSpec): ClusterSpecSummary {
  return {
    clusterName: spec.clusterName,
    mesosVersion: spec.mesosVersion,
    mapAgentSandboxVolume: spec.mapAgentSandboxVolume,
    agents: spec.agents.length,
  };
}
