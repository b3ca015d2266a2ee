import { afterAll, describe, expect, it } from 'vitest';
import { loadExercises } from '../../src/checks/loader.js';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import type { MarathonApp } from '../../src/clients/marathon-model.js';
import { startSimulatedCluster } from '../../src/sim/cluster.js';
import { until } from '../support/until.js';
import { checkClients, runCheck } from './support.js';

/**
 * The workshop's own exercises (exercises/*.yaml) against the ways attendees solve a step that its
 * author did not write down — an app in a group, under its own id, an image with a tag or digest, the
 * Mesos containerizer, a bridged port mapping, a framework's default — and the near-misses, whose
 * detail must name the actual mistake. Each case is a fresh simulated cluster, apps created through
 * Marathon's REST API (as its UI does), then the step's check as /check runs it.
 */
const exercises = loadExercises();
const clients = checkClients();
afterAll(() => clients.close());

type App = Record<string, unknown> & { id: string };
const docker = (id: string, image: string, more: Record<string, unknown> = {}, docker: Record<string, unknown> = {}): App => ({
  id,
  cpus: 0.1,
  mem: 32,
  container: { type: 'DOCKER', docker: { image, network: 'HOST', ...docker } },
  ...more,
});
const bridged = (id: string, image: string, containerPort: number, hostPort: number): App =>
  docker(id, image, {}, { network: 'BRIDGE', portMappings: [{ containerPort, hostPort, protocol: 'tcp' }] });
const scheduler = (id: string, args: string[]): App =>
  docker(id, 'mesos/elasticsearch-scheduler:1.0.1', { args: ['--zookeeperMesosUrl', 'zk://127.0.0.1:2181/mesos', ...args] });

/** What Marathon shows once the case is set: every task running (default), or the state the near-miss is about. */
type Settled = (app: MarathonApp) => boolean;
const running: Settled = (app) => app.tasksRunning >= app.instances;
const staging: Settled = (app) => app.tasksStaged > 0;
const failed: Settled = (app) => app.lastTaskFailure !== undefined;
/** A task Marathon cannot place: it has tried (its deployment is there) and nothing was launched. */
const unplaced: Settled = (app) => app.deployments.length > 0 && app.tasks.length === 0;

async function checkStep(
  exercise: string,
  step: string,
  apps: App[],
  settled: Settled = running,
  options: { taskStartDelayMs?: number; framework?: string } = {},
): Promise<{ status: string; detail: string }> {
  const check = exercises.find((candidate) => candidate.id === exercise)!.steps.find((candidate) => candidate.id === step)!.check;
  const cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: options.taskStartDelayMs ?? 30 });
  const http = new HttpClient();
  try {
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    for (const app of apps) await marathon.createApp(app);
    // Past one reconciliation, so an app that cannot be placed has been tried.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await until(async () => (await marathon.apps()).every(settled));
    // A framework the app schedules: until one of its tasks runs.
    if (options.framework)
      await until(async () => {
        const state = (await (await fetch(`${cluster.masterUrl}/state`)).json()) as {
          frameworks: Array<{ name: string; tasks: Array<{ state: string }> }>;
        };
        return state.frameworks.some(
          (framework) => framework.name === options.framework && framework.tasks.some((task) => task.state === 'TASK_RUNNING'),
        );
      });
    return await runCheck(check, { master: cluster.masterUrl, marathon: cluster.marathonUrl }, clients, { timeoutSeconds: 5 });
  } finally {
    await http.close();
    await cluster.stop();
  }
}

describe('exercises accept the valid ways an attendee may solve a step', () => {
  it.each([
    ['an app in a group (/workshop/weave-scope)', '/workshop/weave-scope'],
    ['an app under its own id (/scope)', 'scope'],
  ])('Weave Scope as %s: its task, its UI on 4040 and its sandbox are found by its image', async (_, id) => {
    const scope = docker(id, 'weaveworks/scope:0.13.1');
    expect(await checkStep('mesos-ui', 'scope-running', [scope])).toEqual({
      status: 'pass',
      detail: 'image weaveworks/scope: 1 task running',
    });
    expect(await checkStep('mesos-ui', 'scope-ui', [scope])).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(':4040/ answered HTTP 200'),
    });
    expect(await checkStep('minimesos-basics', 'scope-logs', [scope])).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('sandbox has stdout'),
    });
  });

  it.each([
    ['in a group, /workshop/nginx', docker('/workshop/nginx', 'nginx')],
    ['with a tag, nginx:1.25', docker('nginx', 'nginx:1.25')],
    ['by digest, docker.io/nginx@sha256:…', docker('nginx', `docker.io/nginx@sha256:${'a'.repeat(64)}`)],
    ['on the Mesos containerizer', { id: 'nginx', cpus: 0.1, mem: 32, container: { type: 'MESOS', docker: { image: 'library/nginx' } } }],
  ])('exercise 3: nginx %s is created and reached on port 80', async (_, app) => {
    expect(await checkStep('marathon', 'create', [app])).toMatchObject({ status: 'pass' });
    expect(await checkStep('marathon', 'reachable', [app])).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining('Welcome to nginx!'),
    });
  });

  it('exercise 3: nginx on a bridge network, port 80 mapped to any host port, is reached on that port', async () => {
    expect(await checkStep('marathon', 'reachable', [bridged('nginx', 'nginx', 80, 0)])).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^http:\/\/127\.[\d.]+:31\d\d\d\/ answered HTTP 200 with "Welcome to nginx!"$/),
    });
  });

  it('exercise 4: the scheduler under its own id or in a group is deployed; without --elasticsearchNodes it asks for its default 3', async () => {
    expect(await checkStep('frameworks', 'deploy', [scheduler('/workshop/elasticsearch', ['--elasticsearchNodes', '1'])])).toMatchObject({
      status: 'pass',
      detail: '/workshop/elasticsearch (image mesos/elasticsearch-scheduler:1.0.1): 1 instance, 1 running',
    });
    expect(await checkStep('frameworks', 'deploy', [scheduler('es', [])])).toMatchObject({ status: 'pass' });
    const defaults = await checkStep('frameworks', 'scale-past-agents', [scheduler('es', [])], running, { framework: 'elasticsearch' });
    expect(defaults).toEqual({
      status: 'pass',
      detail: expect.stringMatching(
        /^elasticsearch has 1 running task: one on each of the 1 agents \(elasticsearch's own setting \(http:\/\/127\.0\.0\.1:\d+\/v1\/cluster\) asks for 3: the other 2 cannot be placed\)$/,
      ),
    });
  });

  it("exercise 4 as the outline says: the Elasticsearch UI's Scaling tab asks for 3 on one agent, and the step sees it", async () => {
    const check = exercises.find((exercise) => exercise.id === 'frameworks')!.steps.find((step) => step.id === 'scale-past-agents')!.check;
    const cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 30 });
    const http = new HttpClient();
    try {
      await new MarathonClient(http, cluster.marathonUrl).createApp(scheduler('elasticsearch', ['--elasticsearchNodes', '1']));
      const endpoints = { master: cluster.masterUrl, marathon: cluster.marathonUrl };
      const framework = async () =>
        (
          (await (await fetch(`${cluster.masterUrl}/state`)).json()) as {
            frameworks: Array<{ name: string; webui_url: string; tasks: Array<{ state: string }> }>;
          }
        ).frameworks.find((candidate) => candidate.name === 'elasticsearch');
      await until(async () => (await framework())?.tasks.some((task) => task.state === 'TASK_RUNNING') ?? false);
      expect((await runCheck(check, endpoints, clients)).detail).toMatch(
        /own setting \(.*\/v1\/cluster\) asks for 1 with 1 agent: ask for more than 1$/,
      );
      // What the Scaling tab sends (Mesos Elasticsearch 1.0.1's ClusterController).
      const scaled = await fetch(`${(await framework())!.webui_url}/v1/cluster/elasticsearchNodes`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: 3 }),
      });
      expect(scaled.status).toBe(200);
      expect(await runCheck(check, endpoints, clients)).toMatchObject({
        status: 'pass',
        detail: expect.stringMatching(
          /one on each of the 1 agents \(elasticsearch's own setting \(.*\) asks for 3: the other 2 cannot be placed\)$/,
        ),
      });
    } finally {
      await http.close();
      await cluster.stop();
    }
  });

  it('exercise 5: MySQL on a bridge network with 3306 mapped to any host port answers there', async () => {
    expect(await checkStep('wordpress', 'mysql-answers', [bridged('mysql', 'mysql:5.7', 3306, 0)])).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/:31\d\d\d answers: 5\.7 … mysql_native_password$/),
    });
  });

  it.each([
    ['mysql:5.7', '5\\.7', 'mysql_native_password'],
    ['mysql:8.0', '8\\.0', 'caching_sha2_password'],
    ['mysql/mysql-server:8.0', '8\\.0', 'caching_sha2_password'],
    ['mariadb:10.1', '5\\.5\\.5-10\\.1-MariaDB', 'mysql_native_password'],
  ])('exercise 5: %s runs and answers on 3306 with its own auth plugin', async (image, version, plugin) => {
    const mysql = docker('mysql', image, {}, { network: 'BRIDGE' });
    expect(await checkStep('wordpress', 'mysql-running', [mysql])).toMatchObject({ status: 'pass' });
    expect(await checkStep('wordpress', 'mysql-answers', [mysql])).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(new RegExp(`:3306 answers: ${version} … ${plugin}$`)),
    });
  });

  it('exercise 6: Kibana with two instances runs', async () => {
    const kibana = docker('kibana', 'kibana:4.5', { instances: 2 });
    expect(await checkStep('elk', 'kibana', [kibana])).toEqual({
      status: 'pass',
      detail: '/kibana (image kibana:4.5): 2 instances, 2 running',
    });
  });
});

describe('near-misses fail with a detail that names the mistake', () => {
  it('a misspelled image: the step lists the apps Marathon has, with their images', async () => {
    expect(await checkStep('marathon', 'create', [docker('nginx', 'ngnix')])).toEqual({
      status: 'fail',
      detail: 'Marathon has no app with image nginx (its apps: /nginx with image ngnix)',
    });
    expect(await checkStep('mesos-ui', 'scope-running', [docker('weave-scope', 'weaveworks/scoop')])).toEqual({
      status: 'fail',
      detail:
        'image weaveworks/scope: 0 tasks running; this step needs at least 1. Marathon has no app with image weaveworks/scope (its apps: /weave-scope with image weaveworks/scoop)',
    });
  });

  it('a task stuck staging: the detail names staging, not "wait for the deployment"', async () => {
    const outcome = await checkStep('marathon', 'create', [docker('nginx', 'nginx')], staging, { taskStartDelayMs: 60_000 });
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toContain('1 staging');
    expect(outcome.detail).toContain('its task is still staging: the agent is fetching the image or starting the container');
    expect(outcome.detail).not.toContain('wait for its deployment');
  });

  it('an app no agent can hold: the detail says which resource, and what the agents have', async () => {
    expect(await checkStep('marathon', 'create', [docker('nginx', 'nginx', { cpus: 64 })], unplaced)).toEqual({
      status: 'fail',
      detail:
        '/nginx (image nginx): 1 instance, 0 running, a deployment in progress; this step needs at least 1 running; no agent has 64 cpus and 32 MB free for its task (the most one has: 4 cpus, 1024 MB): ask for less',
    });
    const mysql = { ...docker('mysql', 'mysql:5.7', { cpus: 1, mem: 4096 }) };
    expect((await checkStep('wordpress', 'mysql-running', [mysql], unplaced)).detail).toBe(
      'image mysql or mysql/mysql-server or mariadb: 0 tasks running; this step needs at least 1. Marathon has /mysql (image mysql:5.7): 1 instance, 0 running, a deployment in progress: no agent has 1 cpus and 4096 MB free for its task (the most one has: 4 cpus, 1024 MB): ask for less',
    );
  });

  it("a fixed host port the agents do not offer (hostPort 80): the detail names the port and the agents' range", async () => {
    const outcome = await checkStep('marathon', 'reachable', [bridged('nginx', 'nginx', 80, 80)], unplaced);
    expect(outcome).toEqual({
      status: 'fail',
      detail:
        'no task of image nginx is running, so there is nothing to reach. Marathon has /nginx (image nginx): 1 instance, 0 running, a deployment in progress: it asks for host port 80, which no agent offers (they offer 31000-32000): use hostPort 0 for any free one',
    });
  });

  it('port 80 not mapped (a mapping for 8080 only): the detail names the container ports it maps', async () => {
    expect(await checkStep('marathon', 'reachable', [bridged('nginx', 'nginx', 8080, 0)])).toEqual({
      status: 'fail',
      detail:
        '/nginx maps container port 8080 to the agent, but not 80: add a portMapping with containerPort 80 (hostPort 0 takes a free one)',
    });
  });

  it("a leftover nginx from exercise 3 holds port 80: WordPress's steps quote its failure, which names nginx", async () => {
    const apps = [docker('nginx', 'nginx'), docker('wordpress', 'wordpress')];
    const wordpressFailed: Settled = (app) => app.id !== '/wordpress' || failed(app);
    const reason =
      /Marathon has \/wordpress \(image wordpress\).*: its last task failed: "wordpress cannot listen on [\d.]+:80: nginx \(task nginx\.[\w-]+\) already does"$/;
    expect((await checkStep('wordpress', 'wordpress-running', apps, wordpressFailed)).detail).toMatch(reason);
    expect((await checkStep('wordpress', 'wordpress-answers', apps, wordpressFailed)).detail).toMatch(reason);
  });

  it('a task that fails: the detail quotes the failure; an app scaled to 0 is called suspended', async () => {
    const failing = docker('mysql', 'mysql:5.7', { labels: { 'sim/fail': 'true' } });
    expect((await checkStep('wordpress', 'mysql-running', [failing], failed)).detail).toMatch(
      /^image mysql or mysql\/mysql-server or mariadb: 0 tasks running.*; this step needs at least 1\. Marathon has \/mysql \(image mysql:5\.7\).*: its last task failed: "Command exited with status 1"$/,
    );
    expect((await checkStep('marathon', 'create', [docker('nginx', 'nginx', { instances: 0 })])).detail).toBe(
      '/nginx (image nginx): 0 instances, 0 running; this step needs at least 1 running; it is scaled to 0 instances (suspended): scale it up',
    );
  });
});

describe('exercise 4 asks for room, not an exact cluster', () => {
  it('"Recreate the cluster with 5 agents" passes with 6 agents, and says how many it saw with 4', async () => {
    const check = exercises.find((exercise) => exercise.id === 'frameworks')!.steps.find((step) => step.id === 'five-agents')!.check;
    for (const [agents, pass, detail] of [
      [6, true, '6 active agents'],
      [4, false, '4 active agents; this step needs at least 5'],
    ] as const) {
      const cluster = await startSimulatedCluster({ agents });
      try {
        expect(await runCheck(check, { master: cluster.masterUrl }, clients)).toMatchObject({ status: pass ? 'pass' : 'fail', detail });
      } finally {
        await cluster.stop();
      }
    }
  });
});
