import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { HttpClient } from '../../src/clients/http.js';
import { MarathonClient } from '../../src/clients/marathon.js';
import { loadConfig } from '../../src/config.js';
import { type SimulatedCluster, startSimulatedCluster } from '../../src/sim/cluster.js';
import { exerciseFolders, HELLO_EXERCISE } from '../checks/support.js';
import { CLI_TEST_MS } from '../support/processes.js';
import { testRedisUrl, testZookeeper, uniquePrefix, zookeeperChroot } from '../support/services.js';
import { until } from '../support/until.js';

const exec = promisify(execFile);
const env = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' };
vi.setConfig({ testTimeout: CLI_TEST_MS });

/** Runs the built CLI; resolves with its output and exit code whatever the code. */
async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['dist/src/cli/main.js', ...args], { env: { ...env, ...extraEnv } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('workshop-bot check list', () => {
  it('--json: every exercise in the outline order, with its steps', async () => {
    const { stdout, code } = await cli(['check', 'list', '--json']);
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as Array<{ id: string; title: string; steps: Array<{ id: string; title: string }> }>;
    expect(list.map((exercise) => exercise.id)).toEqual(['minimesos-basics', 'mesos-ui', 'marathon', 'frameworks', 'wordpress', 'elk']);
    expect(Object.keys(list[2]!)).toEqual(['id', 'title', 'steps']);
    expect(list[2]!.steps.map((step) => step.id)).toEqual(['create', 'reachable', 'destroy', 'start-again', 'scale-to-3', 'scale-to-1']);
  });
});

describe('a broken exercise file stops every entry point with the file, the line, the path inside and what is wrong', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'exercises-'));
    cpSync('exercises', dir, { recursive: true });
    const marathon = join(dir, '03-marathon.yaml');
    writeFileSync(marathon, readFileSync(marathon, 'utf8').replace('      instances: 3\n', '      instances: three\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const problem =
    /03-marathon\.yaml:\d+: steps\[4\] \(scale-to-3\)\.check\.instances: expected a whole number, or \{atLeast: N\} \/ \{atMost: N\}/;

  it.each([
    ['serve', ['serve']],
    ['say', ['say', '/help']],
    ['check', ['check', 'list']],
  ])('%s', async (_name, args) => {
    const { stderr, code } = await cli(args, {
      EXERCISES_DIR: dir,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      PORT: '1',
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain('The exercise files are not valid:');
    expect(stderr).toMatch(problem);
  });
});

describe('workshop-bot check lint: an instructor validates exercise files before the workshop', () => {
  const folder = exerciseFolders();

  it('a valid folder (or a file in it): what loads, exit 0; the shipped exercises by default', async () => {
    const dir = folder({ '01-hello.yaml': HELLO_EXERCISE });
    const ok = await cli(['check', 'lint', dir]);
    expect(ok).toEqual({ code: 0, stdout: '1. hello — Hello cluster\n     up: Cluster up\n1 exercise, 1 step: all valid\n', stderr: '' });
    expect((await cli(['check', 'lint', join(dir, '01-hello.yaml')])).stdout).toBe(ok.stdout);
    const shipped = await cli(['check', 'lint']);
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toMatch(/\n6 exercises, \d+ steps: all valid\n$/);
  });

  it('a broken folder: every problem on stderr, no stack trace, exit 2 (bad input) — lint and list alike', async () => {
    const dir = folder({
      '01-hello.yaml': HELLO_EXERCISE.replace('hint:', 'hints:'),
      '02-more.yaml': `${HELLO_EXERCISE.replace('id: hello', 'id: more')}---\n`,
    });
    const expected = [
      'The exercise files are not valid:',
      `  - ${dir}/01-hello.yaml:5: steps[0] (up): unknown field hints: did you mean hint? (fields here: id, title, do, check, hint, solution, after, timeoutSeconds)`,
      `  - ${dir}/02-more.yaml:11:1: not valid YAML: a second document starts here (---): one exercise per file, so put it in its own NN-name.yaml`,
      '',
    ].join('\n');
    expect(await cli(['check', 'lint', dir])).toEqual({ code: 2, stdout: '', stderr: expected });
    expect(await cli(['check', 'list'], { EXERCISES_DIR: dir })).toEqual({ code: 2, stdout: '', stderr: expected });
  });
});

describe.skipIf(!testRedisUrl() || !testZookeeper())('workshop-bot check run', () => {
  let cluster: SimulatedCluster;
  const http = new HttpClient();
  const prefix = uniquePrefix('check-cli').slice(0, -1);

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ agents: 1, taskStartDelayMs: 50, zookeeper: await zookeeperChroot('check-cli') });
    const marathon = new MarathonClient(http, cluster.marathonUrl);
    await marathon.createApp({ id: 'nginx', cpus: 0.1, mem: 32, container: { type: 'MESOS', docker: { image: 'nginx' } } });
    await until(async () => (await marathon.apps())[0]?.tasksRunning === 1);
  });
  afterAll(async () => {
    await http.close();
    await cluster?.stop();
  });

  it('with explicit endpoints: the JSON contract, what holds now, `after:` ignored; exit 1 as not every step passes', async () => {
    const { stdout, code } = await cli([
      'check',
      'run',
      'marathon',
      '--master',
      cluster.masterUrl,
      '--marathon',
      cluster.marathonUrl,
      '--json',
    ]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as {
      exercise: string;
      title: string;
      steps: Array<{ id: string; title: string; status: string; detail: string; hint: string }>;
      passed: number;
      total: number;
    };
    expect(Object.keys(result)).toEqual(['exercise', 'title', 'steps', 'passed', 'total']);
    expect(Object.keys(result.steps[0]!)).toEqual(['id', 'title', 'status', 'detail', 'hint']);
    expect(result).toMatchObject({ exercise: 'marathon', title: 'Marathon', passed: 4, total: 6 });
    expect(Object.fromEntries(result.steps.map((step) => [step.id, step.status]))).toEqual({
      create: 'pass',
      reachable: 'pass',
      destroy: 'fail',
      'start-again': 'pass',
      'scale-to-3': 'fail',
      'scale-to-1': 'pass',
    });
    expect(result.steps[2]!.hint).toContain('Destroy');
  });

  it('prints the same text as the terminal, without buttons', async () => {
    const { stdout } = await cli(['check', 'run', '3', '--master', cluster.masterUrl, '--marathon', cluster.marathonUrl]);
    expect(stdout).toContain('== 3. Marathon ==');
    expect(stdout).toContain('✅ *Create nginx in Marathon*');
    expect(stdout).not.toContain('[Check again]');
  });

  it('an unknown exercise exits 2, lists the known ones and points to the command of this terminal, not a slash command', async () => {
    const { stderr, code } = await cli(['check', 'run', 'kubernetes', '--master', cluster.masterUrl]);
    expect(code).toBe(2);
    expect(stderr).toContain('The exercises are: 1. minimesos-basics, 2. mesos-ui, 3. marathon, 4. frameworks, 5. wordpress, 6. elk.');
    expect(stderr).toContain('`workshop-bot check list` shows them with their steps.');
    expect(stderr).not.toContain('/check list');
  });

  it('--user: an attendee with no cluster is told how to get one (exit 2)', async () => {
    const { stderr, code } = await cli(['check', 'run', 'marathon', '--user', 'U0NOBODY'], {
      REDIS_URL: testRedisUrl()!,
      WORKSHOP_KEY_PREFIX: prefix,
    });
    expect(code).toBe(2);
    expect(stderr).toContain("You don't have a cluster yet.");
    expect(stderr).toContain('/cluster up');
  });

  it("--user: reads the attendee's cluster from Redis and records their progress", async () => {
    const config = loadConfig({ REDIS_URL: testRedisUrl()!, WORKSHOP_KEY_PREFIX: prefix, ATTACH_ALLOW: '127.0.0.0/8' }, 'local');
    const app = createApp(config);
    try {
      await app.services.clusters.attach('U0CLI', { master: cluster.masterUrl, marathon: cluster.marathonUrl });
      const { stdout, code } = await cli(['check', 'run', 'marathon', '--user', 'U0CLI', '--json'], {
        REDIS_URL: testRedisUrl()!,
        WORKSHOP_KEY_PREFIX: prefix,
        ATTACH_ALLOW: '127.0.0.0/8',
      });
      expect(code).toBe(1);
      const statuses = (JSON.parse(stdout) as { steps: Array<{ status: string }> }).steps.map((step) => step.status);
      expect(statuses).toEqual(['pass', 'pass', 'fail', 'waiting', 'waiting', 'waiting']);
      const progress = await app.services.checks.progress.get('U0CLI', 'marathon');
      expect(progress.create!.passedAt).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await app.close();
    }
  });

  it('needs either --user or --master', async () => {
    const { stderr, code } = await cli(['check', 'run', 'marathon']);
    expect(code).toBe(2);
    expect(stderr).toContain('Give --user <Slack user id>');
  });
});
