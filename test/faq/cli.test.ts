import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { CLI_TEST_MS } from '../support/processes.js';

const run = promisify(execFile);
const env = { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' };
vi.setConfig({ testTimeout: CLI_TEST_MS });

describe('workshop-bot faq', () => {
  it('--json prints topic, score, answer and suggestions', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/cli/main.js', 'faq', '--json', 'how much resources are left?'], { env });
    const result = JSON.parse(stdout) as { topic: string | null; score: number; answer: string; suggestions: string[] };
    expect(Object.keys(result)).toEqual(['topic', 'score', 'answer', 'suggestions']);
    expect(result.topic).toBe('resources-left');
    expect(result.score).toBeGreaterThan(0.2);
    expect(result.answer).toContain('used_resources');
    expect(result.suggestions.length).toBeLessThanOrEqual(3);
  });

  it('gives topic null for what it does not know', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/cli/main.js', 'faq', '--json', 'where can I park'], { env });
    expect(JSON.parse(stdout).topic).toBeNull();
  });

  it('answers a 100 KB pasted log by its failing line, without a stack trace', async () => {
    const log = Array.from(
      { length: 1_760 },
      (_, index) => `I1207 16:00:${String(index % 60).padStart(2, '0')}.000001 2044 slave.cpp:5100] Received ping`,
    );
    log.splice(
      900,
      0,
      "E1207 16:05:00.000001 2044 slave.cpp:3300] TASK_FAILED: Failed to 'docker pull ngnix': Error: image library/ngnix:latest not found",
    );
    const pasted = log.join('\n');
    expect(pasted.length).toBeGreaterThan(100_000);
    const { stdout, stderr } = await run(process.execPath, ['dist/src/cli/main.js', 'faq', '--json', pasted], { env });
    expect(stderr).toBe('');
    expect(JSON.parse(stdout).topic).toBe('task-stuck');
  });

  it('answers a question in German in English, and says so', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/cli/main.js', 'faq', '--json', 'Wie lösche ich meinen minimesos Cluster?'], {
      env,
    });
    const result = JSON.parse(stdout) as { topic: string | null; answer: string };
    expect(result.topic).toBe('minimesos-destroy');
    expect(result.answer.startsWith('I answer in English:\n')).toBe(true);
    expect(result.answer).toContain('`minimesos destroy`');
  });

  it('answers a question in Spanish it cannot read with no topic, saying it answers in English', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/cli/main.js', 'faq', '--json', '¿Dónde puedo cargar mi móvil?'], { env });
    const result = JSON.parse(stdout) as { topic: string | null; answer: string };
    expect(result.topic).toBeNull();
    expect(result.answer).toContain(
      'I answer course questions in English, and I could not tell for sure what this question in Spanish asks.',
    );
  });

  it('exits 2 without a question', async () => {
    await expect(run(process.execPath, ['dist/src/cli/main.js', 'faq'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
