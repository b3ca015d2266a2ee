import { parseArgs } from 'node:util';
import { runShell } from '../adapters/terminal/shell.js';
import { createApp } from '../app.js';
import { errorMessage } from '../errors.js';
import type { ChildService } from '../local/child-service.js';
import { startRedisServer } from '../local/redis-server.js';
import { startZookeeperServer } from '../local/zookeeper-server.js';
import { createLogger } from '../logger.js';
import { SIMULATOR_NOTE } from '../sim/about.js';
import { startSimulatedCluster } from '../sim/cluster.js';
import { startBackgroundWork } from '../worker.js';
import { configOrExplain } from './runtime.js';

/**
 * The whole bot on one terminal: a private Redis, a private ZooKeeper when Java is there, a
 * simulated minimesos cluster attached to the demo user, in-process workers, and the shell.
 */
export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { user: { type: 'string', default: 'U_DEMO' }, agents: { type: 'string', default: '2' } },
  });
  const stops: Array<() => Promise<void>> = [];
  try {
    process.stdout.write('Starting a private Redis, ZooKeeper and a simulated minimesos cluster for the demo…\n');
    const redis = await startRedisServer();
    stops.push(redis.stop);
    const zookeeper: (ChildService & { connectString: string }) | undefined = await startZookeeperServer().catch((error: unknown) => {
      process.stdout.write(`(no ZooKeeper: ${errorMessage(error)}; /state zk will not work)\n`);
      return undefined;
    });
    if (zookeeper) stops.push(zookeeper.stop);
    const cluster = await startSimulatedCluster({
      agents: Number(values.agents),
      clusterName: 'demo',
      taskStartDelayMs: 1000,
      ...(zookeeper ? { zookeeper: zookeeper.connectString } : {}),
    });
    stops.push(cluster.stop);

    // The simulated cluster is attached, and listens on loopback: let attached clusters use it.
    const config = configOrExplain('local', { REDIS_URL: redis.url, ATTACH_ALLOW: '127.0.0.0/8' });
    if (!config) return 2;
    const bot = createApp(config, { log: createLogger('warn', { destination: 2 }) });
    stops.push(() => bot.close());
    await bot.services.clusters.attach(values.user, {
      master: cluster.masterUrl,
      marathon: cluster.marathonUrl,
      agents: cluster.agentUrls,
      ...(zookeeper ? { zookeeper: zookeeper.connectString } : {}),
    });
    const workers = await startBackgroundWork(bot);
    stops.push(async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    });
    await runShell(bot, {
      user: values.user,
      banner: [
        `mesos-workshop-bot demo — a simulated cluster is attached to you:`,
        `  master ${cluster.masterUrl}/  ·  Marathon ${cluster.marathonUrl}/  ·  agents ${cluster.agentUrls.join(' ')}`,
        SIMULATOR_NOTE,
        `Open the master or Marathon in a browser; /cluster install nginx, then open http://${cluster.agents[0]?.address ?? '<agent>'}:80/`,
        'Try: /state resources · /state marathon · /cluster info · /faq what is a framework?',
      ].join('\n'),
    });
    return 0;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
