import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { haveRealFixtures, REAL_FIXTURES } from '../../support/fixtures.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['dist/src/cli/main.js', 'minimesosfile', ...args]);

describe('workshop-bot minimesosfile', () => {
  it.skipIf(!haveRealFixtures)('--json prints the spec contract', async () => {
    const { stdout } = await cli(join(REAL_FIXTURES, 'minimesosfiles/workshop/wordpress-minimesosFile'), '--json');
    const spec = JSON.parse(stdout);
    expect(Object.keys(spec)).toEqual([
      'clusterName',
      'mesosVersion',
      'loggingLevel',
      'mapAgentSandboxVolume',
      'mapPortsToHost',
      'timeout',
      'zookeeper',
      'master',
      'agents',
      'marathon',
      'consul',
      'registrator',
      'mesosdns',
    ]);
    expect(spec.agents).toHaveLength(2);
    expect(spec.agents[0].resources.ports).toEqual([{ role: '*', value: '[31000-32000]' }]);
    expect(spec.mapAgentSandboxVolume).toBe(true);
    expect(spec.zookeeper).toEqual({ image: 'jplock/zookeeper:3.4.6' });
  });

  it('prints a readable summary without --json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmfile-'));
    await writeFile(join(dir, 'minimesosFile'), 'minimesos {\n  clusterName = "alice"\n  agent {\n  }\n}\n');
    const { stdout } = await cli(join(dir, 'minimesosFile'));
    expect(stdout).toContain('cluster      alice');
    expect(stdout).toContain(
      'agent 1      containersol/mesos-agent:1.0.0-0.1.0 :5051 ports(*):[31000-32000]; cpus(*):4; mem(*):1024; disk(*):2000',
    );
  });

  it.skipIf(!haveRealFixtures)('warns on stderr about blocks the bot does not run, keeping --json on stdout parseable', async () => {
    // The workshop's WordPress minimesosFile asks for mesos-dns.
    const { stdout, stderr } = await cli(join(REAL_FIXTURES, 'minimesosfiles/workshop/wordpress-minimesosFile'), '--json');
    expect(JSON.parse(stdout).mesosdns).not.toBeNull();
    expect(stderr).toMatch(/^warning: This minimesosFile has a mesosdns block, which the workshop bot does not run/);
    const dir = await mkdtemp(join(tmpdir(), 'mmfile-'));
    await writeFile(join(dir, 'minimesosFile'), 'minimesos {\n  agent {\n  }\n}\n');
    expect((await cli(join(dir, 'minimesosFile'))).stderr).toBe('');
  });

  it('exits 2 with the line and column of an invalid file, and with usage for bad arguments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmfile-'));
    await writeFile(join(dir, 'bad'), 'minimesos {\n  agent {\n    portNumber = "x"\n  }\n}\n');
    await expect(cli(join(dir, 'bad'))).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('line 3, column 5: portNumber must be a number'),
    });
    await expect(cli()).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: workshop-bot minimesosfile <path> [--json]'),
    });
    await expect(cli(join(dir, 'missing'))).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
  });
});
