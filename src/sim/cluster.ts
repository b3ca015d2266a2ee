import { DEFAULT_AGENT_RESOURCES, SimAgent } from './agent.js';
import { SimMarathon } from './marathon.js';
import { SimMaster } from './master.js';
import { SimZookeeper } from './zookeeper-writer.js';

export interface SimulatedClusterOptions {
  /** A number of default agents, or each agent's MESOS_RESOURCES string. */
  agents?: number | string[];
  clusterName?: string;
  mesosVersion?: string;
  taskStartDelayMs?: number;
  /** host:port of a real ZooKeeper to write the Mesos/Marathon znodes into. */
  zookeeper?: string;
  host?: string;
  /** Master on portBase, Marathon on portBase+1, agents after; default: free ports. */
  portBase?: number;
  /** How long each answer waits before it is sent, as a network and a busy daemon would make it (benchmarks). */
  responseDelayMs?: number;
}

export interface SimulatedCluster {
  masterUrl: string;
  marathonUrl: string;
  agentUrls: string[];
  zookeeper?: string;
  master: SimMaster;
  marathon: SimMarathon;
  agents: SimAgent[];
  control: {
    setTaskStartDelay(ms: number): void;
  };
  stop(): Promise<void>;
}

/** One minimesos-like cluster in this process: the same role servers that run one per container. */
export async function startSimulatedCluster(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
  const host = options.host ?? '127.0.0.1';
  const port = (offset: number) => (options.portBase ? options.portBase + offset : 0);
  const zookeeper = options.zookeeper ? await SimZookeeper.connect(options.zookeeper) : undefined;
  const master = await new SimMaster({
    host,
    port: port(0),
    ...(options.clusterName ? { clusterName: options.clusterName } : {}),
    ...(options.mesosVersion ? { version: options.mesosVersion } : {}),
    ...(options.taskStartDelayMs !== undefined ? { taskStartDelayMs: options.taskStartDelayMs } : {}),
    ...(zookeeper ? { zookeeper } : {}),
    responseDelayMs: options.responseDelayMs,
  }).start();
  const agentResources =
    typeof options.agents === 'object' ? options.agents : Array.from({ length: options.agents ?? 1 }, () => DEFAULT_AGENT_RESOURCES);
  const agents = await Promise.all(
    agentResources.map((resources, index) =>
      new SimAgent({
        masterUrl: master.url,
        ownLoopbackAddress: true,
        ...(options.portBase ? { port: port(2 + index) } : {}),
        resources,
        ...(options.mesosVersion ? { version: options.mesosVersion } : {}),
        responseDelayMs: options.responseDelayMs,
      }).start(),
    ),
  );
  const marathon = await new SimMarathon({
    masterUrl: master.url,
    host,
    port: port(1),
    ...(zookeeper ? { zookeeper, zkUrl: `zk://${options.zookeeper}/marathon` } : {}),
    responseDelayMs: options.responseDelayMs,
  }).start();
  return {
    masterUrl: master.url,
    marathonUrl: marathon.url,
    agentUrls: agents.map((agent) => agent.url),
    ...(options.zookeeper ? { zookeeper: options.zookeeper } : {}),
    master,
    marathon,
    agents,
    control: {
      setTaskStartDelay(ms) {
        master.taskStartDelayMs = ms;
      },
    },
    async stop() {
      await marathon.stop();
      await Promise.all(agents.map((agent) => agent.stop()));
      await master.stop();
      zookeeper?.close();
    },
  };
}
