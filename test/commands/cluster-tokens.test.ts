import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventToText } from '../../src/adapters/terminal/responder.js';
import { say } from '../../src/adapters/terminal/say.js';
import { type BotApp, createApp } from '../../src/app.js';
import { DEFAULT_MINIMESOS_FILE } from '../../src/clusters/minimesos-file/index.js';
import { ClusterRegistry } from '../../src/clusters/registry.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { packageRoot } from '../../src/package-root.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { testRedisUrl, uniquePrefix } from '../support/services.js';

/** The Elasticsearch exercise's scheduler (workshop elk-es.json) and the WordPress app's consul DNS, cut down. */
const SCHEDULER = {
  id: 'scheduler',
  cmd: 'sleep 600',
  cpus: 0.1,
  mem: 32,
  instances: 0,
  env: { ZOOKEEPER: '${MINIMESOS_ZOOKEEPER}', MASTER: '${MINIMESOS_MASTER_IP}:${MINIMESOS_MASTER_PORT}', DNS: '${MINIMESOS_CONSUL_IP}' },
};

describe.skipIf(!testRedisUrl())('/cluster install fills minimesos tokens (real Redis, simulated Marathon)', () => {
  let bot: BotApp;
  let cluster: SimulatedCluster;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1 });
    bot = createApp(
      loadConfig(
        { REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('install').slice(0, -1), ATTACH_ALLOW: '127.0.0.0/8' },
        'local',
      ),
      {
        log: createLogger('silent', { pretty: false }),
      },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await cluster?.stop();
  });

  async function install(user: string, app: object): Promise<{ reply: string; env: Record<string, string> }> {
    const [event] = await say(bot, `/cluster install \`\`\`${JSON.stringify(app)}\`\`\``, { user });
    const response = await fetch(`${cluster.marathonUrl}/v2/apps/${(app as { id: string }).id}`);
    const env = response.ok ? ((await response.json()) as { app: { env: Record<string, string> } }).app.env : {};
    await fetch(`${cluster.marathonUrl}/v2/apps/${(app as { id: string }).id}`, { method: 'DELETE' });
    return { reply: eventToText(event!), env };
  }

  it("puts a built cluster's in-cluster addresses into the app, not the published ones /cluster info shows", async () => {
    // What the worker records for a cluster it built: the bot reaches it on published ports, apps on the cluster network.
    await new ClusterRegistry(() => bot.services.store.redis).claim({
      attendee: 'U0BUILT',
      kind: 'provisioned',
      status: 'ready',
      clusterId: '4242',
      endpoints: { master: cluster.masterUrl, marathon: cluster.marathonUrl, zookeeper: '127.0.0.1:32770' },
      exports: ['export MINIMESOS_ZOOKEEPER=zk://127.0.0.1:32770/mesos; export MINIMESOS_ZOOKEEPER_IP=127.0.0.1'],
      clusterTokens: {
        MINIMESOS_ZOOKEEPER: 'zk://172.18.0.2:2181/mesos',
        MINIMESOS_MASTER_IP: '172.18.0.3',
        MINIMESOS_MASTER_PORT: '5050',
      },
    });
    const { reply, env } = await install('U0BUILT', SCHEDULER);
    expect(env.ZOOKEEPER).toBe('zk://172.18.0.2:2181/mesos');
    expect(env.MASTER).toBe('172.18.0.3:5050');
    expect(reply).toContain('Installed app `scheduler`');
    expect(reply).toContain('These were not replaced; Marathon got them as written');
    expect(reply).toContain(
      '`${MINIMESOS_CONSUL_IP}`: this cluster runs no consul; the workshop bot does not run consul/registrator/mesosdns',
    );
    expect(env.DNS).toBe('${MINIMESOS_CONSUL_IP}');
    // The same simulated cluster is attached below: a built cluster's endpoints are only its owner's.
    await bot.services.clusters.registry.remove('U0BUILT');
  });

  it('keeps the addresses an attached cluster was given, and hints at the legacy {{…}} form', async () => {
    await bot.services.clusters.attach('U0ATTACHED', { master: cluster.masterUrl, marathon: cluster.marathonUrl });
    const { reply, env } = await install('U0ATTACHED', { ...SCHEDULER, env: { ...SCHEDULER.env, OLD: '{{MINIMESOS_ZOOKEEPER}}' } });
    expect(env.MASTER).toBe(new URL(cluster.masterUrl).host);
    expect(env.ZOOKEEPER).toBe('${MINIMESOS_ZOOKEEPER}');
    expect(reply).toContain('`${MINIMESOS_ZOOKEEPER}`: the bot knows no zookeeper for this cluster');
    expect(reply).toContain('`{{MINIMESOS_ZOOKEEPER}}`: minimesos never replaced this old form');
  });

  it('installs an app as GET /v2/apps exports it (fields set to null), and says where pasted JSON breaks', async () => {
    await bot.services.clusters.attach('U0EXPORTED', { master: cluster.masterUrl, marathon: cluster.marathonUrl });
    const exported = { ...SCHEDULER, env: {}, args: null, user: null, container: null, ipAddress: null, acceptedResourceRoles: null };
    expect((await install('U0EXPORTED', exported)).reply).toContain('Installed app `scheduler`');
    const [broken] = await say(bot, '/cluster install ```{\n  "id": "web"\n  "cmd": "sleep 60"\n}```', { user: 'U0EXPORTED' });
    expect(eventToText(broken!)).toContain("That is not valid JSON: Expected ',' or '}' after property value (line 3, column 3).");
  });

  it('says nothing extra when every token was replaced', async () => {
    const { reply } = await install('U0ATTACHED', { ...SCHEDULER, env: { MASTER: '${MINIMESOS_MASTER}' } });
    expect(reply).toContain('Installed app `scheduler`');
    expect(reply).not.toContain('not replaced');
  });
});

describe.skipIf(!testRedisUrl())('/cluster up with a minimesosFile the bot builds only in part (real Redis)', () => {
  let bot: BotApp;
  beforeAll(() => {
    bot = createApp(loadConfig({ REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: uniquePrefix('upwarn').slice(0, -1) }, 'local'), {
      log: createLogger('silent', { pretty: false }),
    });
  });
  afterAll(() => bot?.close());

  it('queues the cluster and says that the consul, registrator and mesosdns blocks are not run, nor apps given as paths installed', async () => {
    const events = await say(bot, `/cluster up \`\`\`${DEFAULT_MINIMESOS_FILE}\`\`\``, { user: 'U0DEFAULTFILE' });
    const reply = eventToText(events.find((event) => event.kind === 'reply')!);
    expect(reply).toContain('Your cluster is queued.');
    expect(reply).toContain('consul, registrator and mesosdns blocks, which the workshop bot does not run');
    const withPath = await say(
      bot,
      '/cluster up ```minimesos {\n  agent {\n  }\n  marathon {\n    app {\n      marathonJson = "es.json"\n    }\n  }\n}```',
      { user: 'U0LOCALAPP' },
    );
    expect(eventToText(withPath.find((event) => event.kind === 'reply')!)).toContain(
      'marathonJson "es.json" is a file on your machine, which the bot cannot read, so it is not installed with the cluster: once it is ready, send that file to the bot with the words `cluster install`',
    );
    const plain = await say(bot, '/cluster up --agents 1', { user: 'U0FLAGS' });
    expect(eventToText(plain.find((event) => event.kind === 'reply')!)).not.toContain('does not run');
  });

  it("queues each exercise's minimesosFile pasted in a code block, comments first as they are", async () => {
    const folder = join(packageRoot(), 'exercises', 'files');
    const files = (await readdir(folder, { recursive: true })).filter((path) => path.endsWith('minimesosFile'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const [index, path] of files.entries()) {
      const file = await readFile(join(folder, path), 'utf8');
      expect(file.trimStart().startsWith('//')).toBe(true);
      const events = await say(bot, `/cluster up \`\`\`${file}\`\`\``, { user: `U0PASTED${index}` });
      expect(eventToText(events.find((event) => event.kind === 'reply')!), path).toContain('Your cluster is queued.');
    }
  });
});
