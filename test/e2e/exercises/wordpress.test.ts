import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../src/clients/http.js';
import { MarathonClient } from '../../../src/clients/marathon.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../../src/sim/cluster.js';
import { testRedisUrl } from '../../support/services.js';
import { until } from '../../support/until.js';
import { type CheckBot, exerciseJson, type Reply, startCheckBot, stepLine } from './support.js';

const STEPS = ['MySQL is RUNNING', 'MySQL answers on port 3306', 'WordPress is RUNNING', 'WordPress answers on port 80, talking to MySQL'];

/** The WordPress exercise end to end: MySQL, then WordPress pointed at it — first wrongly, then right. */
describe.skipIf(!testRedisUrl())('/check wordpress: MySQL RUNNING → WordPress RUNNING and answering, talking to MySQL (e2e)', () => {
  const user = 'U0WORDPRESS';
  let bot: CheckBot;
  let cluster: SimulatedCluster;
  const http = new HttpClient();
  let agentIp = '';

  beforeAll(async () => {
    cluster = await startSimulatedCluster({
      agents: ['cpus(*):4; mem(*):2048; disk(*):20000; ports(*):[31000-32000]'],
      taskStartDelayMs: 50,
    });
    agentIp = new URL(cluster.agentUrls[0]!).hostname;
    bot = await startCheckBot();
    await bot.slack.bot.services.clusters.attach(user, {
      master: cluster.masterUrl,
      marathon: cluster.marathonUrl,
      agents: cluster.agentUrls,
    });
  });
  afterAll(async () => {
    await http.close();
    await bot?.stop();
    await cluster?.stop();
  });

  const check = () => bot.command('/check', 'wordpress', user);
  const icons = (reply: Reply) => STEPS.map((title) => stepLine(reply, title).slice(0, 1));
  const running = (id: string) =>
    until(async () => ((await new MarathonClient(http, cluster.marathonUrl).apps()).find((app) => app.id === id)?.tasksRunning ?? 0) === 1);
  // An attached cluster has no MINIMESOS_ exports, so the attendee fills in the agent's address.
  const wordpress = (dbHost: string) =>
    exerciseJson('files/wordpress/wordpress.json', (json) => json.replace('${MINIMESOS_AGENT_IP}:3306', dbHost));

  it('MySQL installed: RUNNING, and it greets like MySQL on 3306 of the agent', async () => {
    expect(icons(await check())).toEqual(['❌', '❌', '❌', '❌']);
    await bot.command('/cluster', `install ${exerciseJson('files/wordpress/mysql.json')}`, user);
    await running('/mysql');
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '❌', '❌']);
    expect(stepLine(reply, 'MySQL answers on port 3306')).toMatch(
      new RegExp(`${agentIp.replace(/\./g, '\\.')}:3306 answers: .*5\\.7.*mysql_native_password`),
    );
  });

  it('WordPress pointed at the wrong port runs, but its page is the database error', async () => {
    await bot.command('/cluster', `install ${wordpress(`${agentIp}:3307`)}`, user);
    await running('/wordpress');
    const reply = await check();
    expect(icons(reply)).toEqual(['✅', '✅', '✅', '❌']);
    expect(stepLine(reply, 'WordPress answers on port 80, talking to MySQL')).toMatch(
      /install\.php answered HTTP 500 with "Error establishing a database connection"; this step needs a 2xx without it/,
    );
  });

  it('WordPress pointed at MySQL: its installation page on port 80, and the exercise is done', async () => {
    await bot.command('/cluster', `install --update ${wordpress(`${agentIp}:3306`)}`, user);
    // The update replaces WordPress' task: check until the new one answers.
    let reply: Reply | undefined;
    await until(
      async () => {
        reply = await check();
        return reply.text.includes('4 of 4 steps done');
      },
      15_000,
      300,
    );
    expect(stepLine(reply!, 'WordPress answers on port 80, talking to MySQL')).toContain(
      `http://${agentIp}:80/wp-admin/install.php answered HTTP 200 with "WordPress"`,
    );
  });
});
