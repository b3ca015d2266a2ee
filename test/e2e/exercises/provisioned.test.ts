import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import type { ClusterRecord } from '../../../src/clusters/cluster-record.js';
import { buildLocalImages } from '../../../src/docker/local-images.js';
import { startBackgroundWork } from '../../../src/worker.js';
import { hostDocker, removeEnginesNetwork } from '../../support/docker.js';
import { dockerAvailable, testRedisUrl, uniquePrefix } from '../../support/services.js';
import { startSlackBot } from '../../support/slack-bot.js';
import { until } from '../../support/until.js';
import { type CheckBot, exerciseJson, startCheckBot, stepLine } from './support.js';

/**
 * The Marathon exercise once more, on a cluster the bot provisions on the real Docker engine
 * (local stand-in images, inside the attendee's own engine): nginx is reached where the engine
 * publishes the attendee's port 80 (`endpoints.apps['80']`).
 */
describe.skipIf(!dockerAvailable() || !testRedisUrl())('/check on a cluster provisioned on the real Docker engine (e2e)', () => {
  const user = 'U0PROVISIONED';
  const prefix = uniquePrefix('check-docker').slice(0, -1);
  let bot: CheckBot;
  let workers: Worker[] = [];
  let record: ClusterRecord;
  const http = new HttpClient();

  beforeAll(async () => {
    await buildLocalImages(hostDocker);
    bot = await startCheckBot(
      await startSlackBot({
        env: {
          REDIS_URL: testRedisUrl()!,
          WORKSHOP_KEY_PREFIX: prefix,
          CLUSTER_IMAGES: 'local',
          CLUSTER_ISOLATION: 'dind',
          APP_PORTS: '80,3306',
          MAX_AGENTS: '1',
          LOG_LEVEL: 'silent',
        },
      }),
    );
    workers = await startBackgroundWork(bot.slack.bot);
    expect((await bot.command('/cluster', 'up --name ada', user)).text).toContain('Your cluster is queued.');
    await until(async () => (await bot.slack.bot.services.clusters.get(user))?.status === 'ready', 240_000, 1000);
    record = (await bot.slack.bot.services.clusters.get(user))!;
  }, 300_000);
  afterAll(async () => {
    await bot?.slack.bot.services.clusters.down(user).catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.close()));
    await http.close();
    await bot?.stop();
    await removeEnginesNetwork(prefix);
  }, 120_000);

  it('the cluster steps read what the bot built: up, named "ada", sandboxes not mapped (flags cannot map them)', async () => {
    const reply = await bot.command('/check', 'minimesos-basics', user);
    expect(stepLine(reply, 'Launch your cluster')).toMatch(/^✅/);
    expect(stepLine(reply, 'Give the cluster your name')).toContain('named "ada"');
    expect(stepLine(reply, "Map the agents' sandboxes to the host")).toContain('it was built with mapAgentSandboxVolume = false');
  });

  it('create → reachable at the published port 80 → destroy → start again → scale to 3 → scale to 1', async () => {
    expect(record.endpoints?.apps?.['80']).toMatch(/:\d+$/);
    const marathon = new MarathonClient(http, record.endpoints!.marathon!);
    const settled = (instances: number) =>
      until(async () => {
        const nginx = (await marathon.apps()).find((app) => app.id === '/nginx');
        return instances === 0 ? !nginx : nginx?.tasksRunning === instances && nginx.deployments.length === 0;
      }, 60_000);
    const check = () => bot.command('/check', 'marathon', user);

    await marathon.createApp({ id: 'nginx', cpus: 0.1, mem: 64, container: { type: 'MESOS', docker: { image: 'nginx' } } });
    await settled(1);
    let reply = await check();
    expect(stepLine(reply, 'Create nginx in Marathon')).toMatch(/^✅/);
    expect(stepLine(reply, "Reach nginx on the agent's address")).toContain(
      `http://${record.endpoints!.apps!['80']}/ answered HTTP 200 with "Welcome to nginx!"`,
    );

    await marathon.deleteApp('nginx');
    await settled(0);
    expect(stepLine(await check(), "Destroy nginx in Marathon's UI")).toMatch(/^✅/);

    expect((await bot.command('/cluster', `install ${exerciseJson('files/marathon/nginx.json')}`, user)).text).toContain(
      'Installed app `/nginx`',
    );
    await settled(1);
    await marathon.scaleApp('nginx', 3);
    await settled(3);
    expect(stepLine(await check(), 'Scale nginx to 3 instances')).toMatch(/^✅/);
    await marathon.scaleApp('nginx', 1);
    await settled(1);
    reply = await check();
    expect(reply.text).toContain('6 of 6 steps done');
  }, 240_000);

  it("Weave Scope's 4040 and an Elasticsearch node's offered port, neither published: the checks reach them through the attendee's engine", async () => {
    expect(Object.keys(record.endpoints!.apps!)).not.toContain('4040');
    expect(record.endpoints!.relay).toMatch(/:\d+$/);
    const stepPasses = (exercise: string, title: string) =>
      until(async () => stepLine(await bot.command('/check', exercise, user), title).startsWith('✅'), 60_000, 1000);

    expect((await bot.command('/cluster', `install ${exerciseJson('files/weave-scope.json')}`, user)).text).toContain(
      'Installed app `/weave-scope`',
    );
    await stepPasses('mesos-ui', "Open Weave Scope's UI");
    // The agent's own address on the cluster's network, as the master reports it: not a published port.
    expect(stepLine(await bot.command('/check', 'mesos-ui --again', user), "Open Weave Scope's UI")).toMatch(
      /http:\/\/\d+\.\d+\.\d+\.\d+:4040\/ answered HTTP 200 with "Weave Scope"/,
    );

    expect((await bot.command('/cluster', `install ${exerciseJson('files/frameworks/elasticsearch.json')}`, user)).text).toContain(
      'Installed app `/elasticsearch`',
    );
    await stepPasses('frameworks', 'Elasticsearch runs a node');
    // One agent, one node: /_nodes answers from the node's first offered port (31000-32000), and lists it.
    await until(
      async () =>
        /_nodes lists 1 under nodes/.test(stepLine(await bot.command('/check', 'frameworks', user), '/_nodes lists 5 Elasticsearch nodes')),
      30_000,
      1000,
    );
    expect(stepLine(await bot.command('/check', 'frameworks', user), '/_nodes lists 5 Elasticsearch nodes')).toMatch(
      /http:\/\/\d+\.\d+\.\d+\.\d+:3\d{4}\/_nodes lists 1 under nodes; this step needs 5/,
    );
  }, 180_000);
});
