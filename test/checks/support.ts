import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { ClusterView } from '../../src/checks/cluster-view.js';
import type { Exercise, Step } from '../../src/checks/exercise.js';
import { checkSchema } from '../../src/checks/exercise.js';
import { ExerciseFileError, loadExercises } from '../../src/checks/loader.js';
import { checkSteps, type StepOutcome } from '../../src/checks/run.js';
import { AddressPolicy, parseAllowList } from '../../src/clients/address-policy.js';
import { ConnectGuard } from '../../src/clients/connect-guard.js';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { ClusterAccess } from '../../src/clusters/access.js';
import type { ClusterEndpoints } from '../../src/clusters/cluster-record.js';
import type { ClusterSpecSummary } from '../../src/clusters/cluster-spec.js';
import type { SimulatedCluster } from '../../src/sim/cluster.js';
import { until } from '../support/until.js';

/**
 * ClusterAccess for a test file, reaching clusters as attached ones (through the guard, which here
 * allows loopback, where the test servers and simulated agents listen); close it in afterAll.
 */
export function checkClients(): { access: ClusterAccess; close(): Promise<void> } {
  const access = new ClusterAccess({ guard: new ConnectGuard(new AddressPolicy(parseAllowList('127.0.0.0/8'))) });
  return { access, close: () => access.close() };
}

/** Validates a check as the exercise loader would, and runs it as one step of a run. */
export async function runCheck(
  check: unknown,
  endpoints: ClusterEndpoints,
  clients: { access: ClusterAccess },
  options: { spec?: ClusterSpecSummary; timeoutSeconds?: number; kind?: 'provisioned' | 'attached' } = {},
): Promise<StepOutcome> {
  const step = {
    id: 'step',
    title: 'Step',
    do: 'Do it.',
    hint: ['A hint.'],
    solution: 'The answer.',
    check: checkSchema.parse(check),
  } as Step;
  const exercise = { timeoutSeconds: options.timeoutSeconds ?? 3 } as Exercise;
  const view = new ClusterView({
    cluster: { kind: options.kind ?? 'attached', endpoints },
    ...(options.spec ? { spec: options.spec } : {}),
    access: clients.access,
  });
  return (await checkSteps(exercise, [step], view)).get('step')!;
}

type Route =
  | unknown
  | ((request: IncomingMessage) => { status: number; body: unknown } | 'hang' | Promise<{ status: number; body: unknown }>);

/**
 * A local server answering fixed paths with JSON (real captures, read from shared/fixtures) or
 * text; unknown paths get 404 as Mesos and Marathon answer. Records every path asked for.
 */
export async function serveRoutes(routes: Record<string, Route>): Promise<{ url: string; asked: string[]; stop(): Promise<void> }> {
  const asked: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    asked.push(path);
    const route = routes[path] ?? routes[path.split('?')[0]!];
    void Promise.resolve(typeof route === 'function' ? (route as (request: IncomingMessage) => unknown)(request) : route).then((answer) => {
      if (answer === 'hang') return;
      if (answer === undefined) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${path}`);
        return;
      }
      const { status, body } = typeof route === 'function' ? (answer as { status: number; body: unknown }) : { status: 200, body: answer };
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Creates Marathon apps on a simulated cluster (as the UI does) and waits until each runs, or has failed once. */
export async function installApps(cluster: SimulatedCluster, apps: Array<Record<string, unknown> & { id: string }>): Promise<void> {
  const http = new HttpClient();
  try {
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    for (const app of apps) await marathon.createApp(app);
    await until(async () => {
      const running = await marathon.apps();
      return apps.every((app) => {
        const found = running.find((candidate) => candidate.id === `/${app.id.replace(/^\//, '')}`);
        return found !== undefined && (found.tasksRunning >= found.instances || found.lastTaskFailure !== undefined);
      });
    });
  } finally {
    await http.close();
  }
}

/** A small valid exercise, as an instructor would start one; tests edit it into what they try. */
export const HELLO_EXERCISE = `id: hello
title: Hello cluster
goal: Start a cluster.
steps:
  - id: up
    title: Cluster up
    do: Run /cluster up.
    check: {type: cluster}
    hint: Type /cluster up.
    solution: /cluster up
`;

/** A folder of exercise files (path inside it → content) under the OS's temp folder; remove it after the test. */
export function exerciseFolder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exercises-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** exerciseFolder for the tests of a describe block: every folder it makes is removed after each test. */
export function exerciseFolders(): (files: Record<string, string | Buffer>) => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = exerciseFolder(files);
    dirs.push(dir);
    return dir;
  };
}

/** What the bot says of a folder it refuses at start-up, with the folder shown as `<dir>`; fails the test if it loads. */
export function loadProblems(dir: string): string[] {
  try {
    loadExercises(dir);
  } catch (error) {
    if (!(error instanceof ExerciseFileError)) throw error;
    return error.problems.map((problem) => problem.replaceAll(dir, '<dir>'));
  }
  throw new Error(`${dir} loaded`);
}
