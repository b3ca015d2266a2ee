import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { until } from '../support/until.js';

const SCRIPT = '<script>alert(1)</script>';

describe("the simulator's web pages", () => {
  const http = new HttpClient();
  let cluster: SimulatedCluster;
  let marathon: MarathonClient;

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, clusterName: 'pages', taskStartDelayMs: 50 });
    marathon = new MarathonClient(http, cluster.marathonUrl);
    await marathon.createApp({ id: '/web', cmd: `echo '${SCRIPT}'`, cpus: 0.1, mem: 32 });
    await until(async () => (await marathon.app('/web')).tasksRunning === 1);
  });
  afterAll(async () => {
    await cluster?.stop();
    await http.close();
  });

  const page = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  };

  it("the master's / is an HTML page headed as a simulator, with agents, frameworks and tasks linking to their sandboxes", async () => {
    const { status, type, body } = await page(`${cluster.masterUrl}/`);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(body).toContain('<h1>Simulated Mesos master</h1>');
    expect(body).toMatch(/not Mesos or Marathon/);
    expect(body).toContain(cluster.agents[0]!.address);
    expect(body).toContain('marathon');
    const sandbox = /href="([^"]+\/files\/browse\?path=[^"]+)">sandbox</.exec(body)?.[1];
    expect(sandbox).toBeDefined();
    const listing = (await (await fetch(sandbox!.replace(/&amp;/g, '&'))).json()) as Array<{ path: string }>;
    expect(listing.map((entry) => entry.path.split('/').pop()).sort()).toEqual(['stderr', 'stdout']);
  });

  it("the note on its pages names every workshop image a task answers as, Kibana's 5601 included", async () => {
    const { body } = await page(`${cluster.masterUrl}/`);
    for (const image of ['nginx', 'MySQL', 'WordPress', 'Weave Scope', 'Elasticsearch', 'Kibana']) expect(body).toContain(image);
  });

  it("Marathon's / is an HTML page headed as a simulator, with each app's instances, tasks and health", async () => {
    const { status, type, body } = await page(`${cluster.marathonUrl}/`);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(body).toContain('<h1>Simulated Marathon</h1>');
    expect(body).toContain('<td>/web</td>');
    expect(body).toContain('1 / 1');
    expect(body).toContain('no health checks');
  });

  it('user input comes out escaped: a command, and a framework name, holding <script>', async () => {
    await fetch(`${cluster.masterUrl}/sim/frameworks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: SCRIPT, hostname: 'x' }),
    });
    for (const url of [`${cluster.masterUrl}/`, `${cluster.marathonUrl}/`]) {
      const { body } = await page(url);
      expect(body).not.toContain(SCRIPT);
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('an app id holding <script> never reaches a page: Marathon refuses it', async () => {
    await expect(marathon.createApp({ id: `/${SCRIPT}`, cmd: 'sleep 1' })).rejects.toThrow(/id/);
    expect((await page(`${cluster.marathonUrl}/`)).body).not.toContain('alert(1)</script>');
  });
});
