import { type ChildService, startChildService } from './child-service.js';
import { askTcp } from './four-letter-word.js';
import { freePort } from './free-port.js';

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

/** A private standalone ZooKeeper (Debian's package, run with the machine's Java) on a free port. */
export async function startZookeeperServer(): Promise<ChildService & { connectString: string }> {
  const port = await freePort();
  const service = await startChildService({
    name: 'zookeeper',
    command: 'java',
    port,
    timeoutMs: 30_000,
    args: (dir) => [
      '-Dzookeeper.4lw.commands.whitelist=*',
      '-Dzookeeper.admin.enableServer=false',
      '-Xmx256m',
      '-cp',
      ZOOKEEPER_JAR,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(port),
      dir,
    ],
    // `ruok` answers before the server serves requests; `srvr` shows the mode once it does.
    ready: async () => (await askTcp(port, 'srvr')).includes('Mode: standalone'),
  });
  return { ...service, connectString: `127.0.0.1:${port}` };
}
