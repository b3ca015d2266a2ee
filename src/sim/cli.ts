import { parseArgs } from 'node:util';
import { errorMessage } from '../errors.js';
import { DEFAULT_AGENT_RESOURCES, SimAgent } from './agent.js';
import { startSimulatedCluster } from './cluster.js';
import { SimMarathon } from './marathon.js';
import { SimMaster } from './master.js';
import { SimZookeeper } from './zookeeper-writer.js';

const USAGE = `Usage:
  workshop-bot sim cluster [--agents N] [--port-base P] [--zookeeper host:port] [--cluster-name NAME]
  workshop-bot sim master [--port 5050] [--zookeeper host:port[/mesos]] [--cluster-name NAME] [--hostname H]
  workshop-bot sim agent --master http://host:5050 [--port 5051] [--resources "cpus(*):4; mem(*):1024; ..."] [--hostname H]
  workshop-bot sim marathon --master http://host:5050 [--port 8080] [--zookeeper host:port[/marathon]] [--hostname H]
Environment (like the minimesos images): MESOS_ZK, MESOS_CLUSTER, MESOS_RESOURCES, MESOS_MASTER, MESOS_PORT, MESOS_HOSTNAME.
`;

/** `workshop-bot sim …`: a simulated cluster, or one role of it per process (one per container). */
export async function runSimCli(argv: string[]): Promise<number> {
  const [role, ...rest] = argv;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        agents: { type: 'string' },
        'port-base': { type: 'string' },
        port: { type: 'string' },
        zookeeper: { type: 'string' },
        'cluster-name': { type: 'string' },
        hostname: { type: 'string' },
        master: { type: 'string' },
        resources: { type: 'string' },
        host: { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  const env = process.env;
  const zkHostPort = (value: string | undefined) => value?.replace(/^zk:\/\//, '').replace(/\/.*$/, '');
  const zookeeperAddress = zkHostPort(values.zookeeper ?? env.MESOS_ZK);
  const hostname = values.hostname ?? env.MESOS_HOSTNAME;
  const bind = values.host ?? (role === 'cluster' ? '127.0.0.1' : '0.0.0.0');
  const port = Number(values.port ?? env.MESOS_PORT ?? 0);
  const masterUrl = values.master ?? (env.MESOS_MASTER && /^https?:/.test(env.MESOS_MASTER) ? env.MESOS_MASTER : undefined);
  const stops: Array<() => Promise<void> | void> = [];
  try {
    switch (role) {
      case 'cluster': {
        const cluster = await startSimulatedCluster({
          agents: Number(values.agents ?? 1),
          host: bind,
          ...(values['port-base'] ? { portBase: Number(values['port-base']) } : {}),
          ...(zookeeperAddress ? { zookeeper: zookeeperAddress } : {}),
          ...(values['cluster-name'] ? { clusterName: values['cluster-name'] } : {}),
        });
        stops.push(cluster.stop);
        process.stdout.write(
          `export MINIMESOS_MASTER=${cluster.masterUrl}\nexport MINIMESOS_MARATHON=${cluster.marathonUrl}\n${cluster.agentUrls.length === 1 ? `export MINIMESOS_AGENT=${cluster.agentUrls[0]}\n` : ''}`,
        );
        break;
      }
      case 'master': {
        const zookeeper = zookeeperAddress ? await SimZookeeper.connect(zookeeperAddress, { timeoutMs: 30_000 }) : undefined;
        const master = await new SimMaster({
          port: port || 5050,
          host: bind,
          ...(hostname ? { hostname } : {}),
          ...((values['cluster-name'] ?? env.MESOS_CLUSTER) ? { clusterName: values['cluster-name'] ?? env.MESOS_CLUSTER } : {}),
          ...(zookeeper ? { zookeeper } : {}),
        }).start();
        stops.push(
          () => master.stop(),
          () => zookeeper?.close(),
        );
        process.stdout.write(`simulated Mesos master at ${master.url} (${master.pid})\n`);
        break;
      }
      case 'agent': {
        if (!masterUrl) throw new Error('sim agent needs --master http://host:5050 (or MESOS_MASTER)');
        const agent = await new SimAgent({
          masterUrl,
          port: port || 5051,
          host: bind,
          ...(hostname ? { hostname } : {}),
          resources: values.resources ?? env.MESOS_RESOURCES ?? DEFAULT_AGENT_RESOURCES,
        }).start();
        stops.push(() => agent.stop());
        process.stdout.write(`simulated Mesos agent ${agent.id} at ${agent.url}\n`);
        break;
      }
      case 'marathon': {
        if (!masterUrl) throw new Error('sim marathon needs --master http://host:5050 (or MESOS_MASTER)');
        const zookeeper = zookeeperAddress ? await SimZookeeper.connect(zookeeperAddress, { timeoutMs: 30_000 }) : undefined;
        const marathon = await new SimMarathon({
          masterUrl,
          port: port || 8080,
          host: bind,
          ...(hostname ? { hostname } : {}),
          ...(zookeeper ? { zookeeper, zkUrl: `zk://${zookeeperAddress}/marathon` } : {}),
        }).start();
        stops.push(
          () => marathon.stop(),
          () => zookeeper?.close(),
        );
        process.stdout.write(`simulated Marathon at ${marathon.url}\n`);
        break;
      }
      default:
        process.stderr.write(role ? `unknown role "${role}"\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`sim ${role}: ${errorMessage(error)}\n`);
    for (const stop of stops.reverse()) await stop();
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (const stop of stops.reverse()) await stop();
  return 0;
}
