import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { CLI_TEST_MS } from '../../support/processes.js';

const run = promisify(execFile);
const CLI = 'dist/src/cli/main.js';
/** Nothing listens on port 1: proves the commands below never need Redis. */
const NO_REDIS = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'warn' };

vi.setConfig({ testTimeout: CLI_TEST_MS });

async function cli(...args: string[]) {
  // A run that hangs is ended (and fails its test) before the test times out.
  return run(process.execPath, [CLI, ...args], { env: NO_REDIS, timeout: 60_000 });
}

describe('workshop-bot say (terminal adapter on the same router)', () => {
  it('prints the reply of /help as readable text, without Redis', async () => {
    const { stdout } = await cli('say', '/help');
    expect(stdout).toContain('*Workshop bot commands*');
    expect(stdout).toContain('/cluster');
    expect(stdout).not.toContain('"blocks"');
  });

  it('--json prints the Slack payloads instead', async () => {
    const { stdout } = await cli('say', '--json', '/help cluster');
    const payloads = JSON.parse(stdout) as Array<{ kind: string; response_type: string; blocks: unknown[] }>;
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.kind).toBe('reply');
    expect(payloads[0]!.response_type).toBe('ephemeral');
    expect(JSON.stringify(payloads[0]!.blocks)).toContain('/cluster up');
  });

  it('takes --user, so instructor commands can be tried', async () => {
    const attendee = await cli('say', '/workshop attendees');
    expect(attendee.stdout).toContain('for instructors only');
    // /help shows /workshop to instructors only.
    expect((await cli('say', '/help')).stdout).not.toContain('/workshop');
    const instructor = await run(process.execPath, [CLI, 'say', '--user', 'U0TEACH', '/help'], {
      env: { ...NO_REDIS, INSTRUCTORS: 'U0TEACH' },
    });
    expect(instructor.stdout).toContain('/workshop');
  });

  it('shows what was typed: /check <!channel> prints <!channel>, while --json carries it escaped as Slack gets it', async () => {
    const { stdout } = await cli('say', '/check <!channel>&co');
    expect(stdout).toContain(`I don't know the exercise "<!channel>&co".`);
    expect(stdout).not.toMatch(/&(lt|gt|amp);/);
    const json = (await cli('say', '--json', '/check <!channel>')).stdout;
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
  });

  it('explains a line that is not a slash command', async () => {
    const { stdout } = await cli('say', 'hello there');
    expect(stdout).toContain('is not a slash command');
  });

  it('exits 2 with usage for an unknown CLI command', async () => {
    await expect(cli('frobnicate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
