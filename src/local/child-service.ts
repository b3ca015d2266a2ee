import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server program started as a child process, with its own temp dir; stop() kills it and removes the dir. */
export interface ChildService {
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface StartChildOptions {
  name: string;
  command: string;
  args: (dir: string) => string[];
  port: number;
  /** Resolves when the service answers; rejects or returns false to keep waiting. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

export async function startChildService(options: StartChildOptions): Promise<ChildService> {
  const dir = await mkdtemp(join(tmpdir(), `${options.name}-`));
  const child = spawn(options.command, options.args(dir), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const stop = async () => {
    await killChild(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const early = await Promise.race([
      exited.then((code) => new Error(`${options.name} exited with code ${code}: ${stderr.trim()}`)),
      spawnError.then((err) => new Error(`${options.name} could not start (${options.command}): ${err.message}`)),
      delay(150).then(() => null),
    ]);
    if (early) {
      await rm(dir, { recursive: true, force: true });
      throw early;
    }
    if (await options.ready().catch(() => false)) return { port: options.port, dir, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not become ready on port ${options.port} within ${options.timeoutMs} ms`);
    }
  }
}

async function killChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const gone = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
