import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/docker/labels.js';
import { freePort } from '../../src/local/free-port.js';
import { dockerAvailable } from '../support/services.js';
import { until } from '../support/until.js';

/** `workshop-bot demo` as someone runs it: typed into its shell, read from what it prints. */
class DemoSession {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';

  constructor(env: Record<string, string> = {}, args: string[] = []) {
    const { LOG_LEVEL: _level, CLUSTER_IMAGES: _images, CLUSTER_ISOLATION: _isolation, DOCKER_HOSTS: _hosts, ...inherited } = process.env;
    this.child = spawn(process.execPath, ['dist/src/cli/main.js', 'demo', ...args], {
      env: { ...inherited, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  async type(line: string): Promise<void> {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Waits until the shell has printed `text`. */
  async shows(text: string, timeoutMs = 30_000): Promise<void> {
    await until(async () => this.stdout.includes(text), timeoutMs, 100).catch(() => {
      throw new Error(`the demo did not show "${text}"; it printed:\n${this.stdout}\n--- stderr:\n${this.stderr}`);
    });
  }

  exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }

  get logFile(): string {
    return /Logs: (\S+)/.exec(this.stdout)![1]!;
  }

  get deployment(): string {
    return /deployment (\S+) \(/.exec(this.stdout)![1]!;
  }
}

/** What a logger writes: pino's JSON lines or pretty lines, or a stack trace. */
const LOG_OUTPUT = /"level":|\b(WARN|ERROR|INFO)\b|^\s+at .+:\d+:\d+\)?$/m;

/**
 * The demo prints a build's progress and its end (or why it waits) in its shell, and writes its log
 * to the file its banner names: nothing from the logger lands in the terminal.
 */
describe.skipIf(!dockerAvailable())('workshop-bot demo', () => {
  const sessions: DemoSession[] = [];
  afterAll(async () => {
    for (const session of sessions) {
      session.child.kill('SIGKILL');
      if (/Logs: (\S+)/.test(session.stdout)) rmSync(session.logFile, { force: true });
    }
  });

  it('builds a cluster from the local images (made on first use) and shows it become ready, with the log in a file', async () => {
    const demo = new DemoSession({ LOG_LEVEL: 'info' });
    sessions.push(demo);
    await demo.shows('workshop> ', 60_000);
    await demo.type('/cluster detach');
    await demo.shows('Detached');
    await demo.type('/cluster up');
    await demo.shows('Your cluster is queued.');
    await demo.shows('zookeeper…', 180_000);
    await demo.shows('is ready', 180_000);
    await demo.type('exit');
    expect(await demo.exited()).toBe(0);

    expect(demo.stdout).toContain('pulling images…');
    expect(demo.stdout).not.toMatch(LOG_OUTPUT);
    expect(demo.stderr).not.toMatch(LOG_OUTPUT);
    expect(existsSync(demo.logFile)).toBe(true);
    expect(readFileSync(demo.logFile, 'utf8')).toContain(`"deployment":"${demo.deployment}"`);
    // Leaving the demo removes what it built.
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABELS.deployment}=${demo.deployment}`] } })).toEqual([]);
  }, 400_000);

  it('prints in the shell why a build cannot go on, while the warnings go to the log file', async () => {
    // A Docker host that does not answer: the pool warns each minute, the build waits for room.
    const demo = new DemoSession({ DOCKER_HOSTS: `tcp://127.0.0.1:${await freePort()}` });
    sessions.push(demo);
    await demo.shows('workshop> ', 60_000);
    await demo.type('/cluster detach');
    await demo.shows('Detached');
    await demo.type('/cluster up');
    await demo.shows('Waiting for room: no Docker host has room (1 not answering)', 60_000);
    await demo.type('exit');
    expect(await demo.exited()).toBe(0);

    expect(demo.stdout).not.toMatch(LOG_OUTPUT);
    expect(demo.stderr).not.toMatch(LOG_OUTPUT);
    expect(readFileSync(demo.logFile, 'utf8')).toContain('"level":40');
  }, 120_000);
});

/**
 * The demo's user is also the instructor of a simulated room: the instructor's day can be rehearsed
 * in a terminal, the board included (served on a loopback port).
 */
describe('workshop-bot demo: the instructor of a simulated room', () => {
  let demo: DemoSession | undefined;
  afterAll(() => {
    demo?.child.kill('SIGKILL');
    if (demo && /Logs: (\S+)/.test(demo.stdout)) rmSync(demo.logFile, { force: true });
  });

  it('starts an exercise, sweeps the room, and serves the board with its attendees', async () => {
    demo = new DemoSession({}, ['--room', '2']);
    await demo.shows('workshop> ', 60_000);
    expect(demo.stdout).toContain('instructor of 2 simulated attendees (Ada U0SIM1, Grace U0SIM2)');
    await demo.type('/workshop start 2');
    await demo.shows('The room is on exercise 2.');
    await demo.type('/workshop checkins now');
    // Both simulated clusters answer the first three steps of exercise 2; nobody has been stuck long.
    await demo.shows('2 clusters checked: 0 done, 2 moving on, 0 stuck', 60_000);
    await demo.type('/workshop broadcast --dm Lunch at noon');
    await demo.shows('✉ to Grace (U0SIM2):\n  :mega: From the instructor');
    await demo.type('/workshop board');
    await demo.shows('The board for the projector');
    // The link alone on its line, ready to copy (not Slack's <url|url>).
    const link = /^(http:\/\/127\.0\.0\.1:\d+\/board\/[\w-]+)$/m.exec(demo.stdout)![1]!;
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ada');
    expect(html).toContain('Grace');
    expect(html).not.toContain('U0DEMO'); // the instructor is not on the board
    // A wrong token, or a malformed path, is a plain 404.
    expect((await fetch(`${link}x`)).status).toBe(404);
    expect((await fetch(`${new URL(link).origin}/board/%E0%A4%A`)).status).toBe(404);
    // The banner's install works typed as printed, and the attached cluster has minimesos' default name: exercise 1's
    // "give the cluster your name" is still to do.
    await demo.type(/; (\/cluster install \{.*\}), then open/.exec(demo.stdout)![1]!);
    await demo.shows('Installed app `/nginx`');
    await demo.type('/check 1');
    await demo.shows('❌ *Give the cluster your name* — the cluster is still called "minimesos-');
    await demo.type('exit');
    expect(await demo.exited()).toBe(0);
  }, 120_000);

  it('refuses a room size it cannot make, saying what to give', async () => {
    const bad = new DemoSession({}, ['--room', 'lots']);
    expect(await bad.exited()).toBe(2);
    expect(bad.stderr).toContain('--room lots: give a whole number of simulated attendees from 0 to 20.');
  });

  it('refuses a number of agents it cannot make, instead of attaching a cluster without any', async () => {
    for (const agents of ['0', 'two']) {
      const bad = new DemoSession({}, ['--agents', agents]);
      expect(await bad.exited()).toBe(2);
      expect(bad.stderr).toContain(`--agents ${agents}: give a whole number of simulated agents from 1 to 10.`);
      expect(bad.stdout).not.toContain('a simulated cluster is attached to you');
    }
  });
});
