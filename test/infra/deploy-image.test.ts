import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { localImage } from '../../src/docker/image-names.js';
import { buildLocalImage } from '../../src/docker/local-images.js';
import { packageRoot } from '../../src/package-root.js';
import { hostDocker } from '../support/docker.js';
import { dockerAvailable, testRedisUrl } from '../support/services.js';
import { until } from '../support/until.js';

const run = promisify(execFile);
const root = packageRoot();

/** The files a clean clone has (tracked, plus new ones not ignored): the build context CI would see. */
async function buildContext(): Promise<NodeJS.ReadableStream> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 1 << 24 });
  const ignored = (await readFile(join(root, '.dockerignore'), 'utf8')).split('\n').filter((line) => line && !line.startsWith('#'));
  const files = stdout
    .split('\0')
    .filter(Boolean)
    .filter((file) => !ignored.some((pattern) => file === pattern || file.startsWith(`${pattern}/`)));
  const tar = spawn('tar', ['-C', root, '--null', '-T', '-', '-c', '-f', '-'], { stdio: ['pipe', 'pipe', 'ignore'] });
  tar.stdin.end(files.join('\0'));
  return tar.stdout;
}

interface ComposeService {
  command: string[];
  user?: string;
  network_mode?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  build?: { dockerfile: string };
}

/** infra/docker-compose.yml as written (the services' settings, before Compose resolves paths). */
function composeFile(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(join(root, 'infra/docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!dockerAvailable() || !testRedisUrl())('the deploy image (infra/Dockerfile, real Docker)', () => {
  const tag = `workshop-bot/deploy-test:${randomBytes(4).toString('hex')}`;
  let containerId: string | undefined;
  let workerId: string | undefined;

  beforeAll(async () => {
    await buildLocalImage(hostDocker, 'node');
  }, 300_000);

  afterAll(async () => {
    for (const id of [containerId, workerId])
      if (id)
        await hostDocker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined);
    await hostDocker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('builds from the repository on a Node.js base image, and serve answers /healthz against Redis', async () => {
    const stream = await hostDocker.buildImage(await buildContext(), {
      t: tag,
      dockerfile: 'infra/Dockerfile',
      buildargs: { NODE_IMAGE: localImage('node') },
      rm: true,
      forcerm: true,
    });
    const output: Array<{ stream?: string; error?: string }> = await new Promise((resolve, reject) =>
      hostDocker.modem.followProgress(stream, (error: Error | null, lines: Array<{ stream?: string; error?: string }>) =>
        error ? reject(error) : resolve(lines),
      ),
    );
    const failed = output.find((line) => line.error);
    expect(failed?.error, output.map((line) => line.stream ?? line.error ?? '').join('')).toBeUndefined();

    const port = await freePort();
    const container = await hostDocker.createContainer({
      Image: tag,
      Cmd: ['serve', '--no-workers'],
      Env: [
        `REDIS_URL=${testRedisUrl()}`,
        `PORT=${port}`,
        'SLACK_BOT_TOKEN=xoxb-deploy-test',
        'SLACK_SIGNING_SECRET=deploy-test',
        'LOG_LEVEL=warn',
      ],
      // The test's Redis listens on the machine's loopback.
      HostConfig: { NetworkMode: 'host' },
    });
    containerId = container.id;
    await container.start();
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return response?.status;
    };
    await until(async () => (await health()) === 200, 60_000).catch(async (error: unknown) => {
      const logs = await container.logs({ stdout: true, stderr: true });
      throw new Error(`serve in the image did not answer /healthz: ${(error as Error).message}\n${logs.toString()}`);
    });
    expect(await health()).toBe(200);
    expect((await container.inspect()).Config.User).toBe('node');
  }, 600_000);

  it("runs the Compose file's worker so that it reaches the Docker engine through the mounted socket", async () => {
    const worker = composeFile().services.worker!;
    const prefix = `deploy-${randomBytes(4).toString('hex')}`;
    const container = await hostDocker.createContainer({
      Image: tag,
      Cmd: worker.command,
      ...(worker.user ? { User: worker.user } : {}),
      Env: [`REDIS_URL=${testRedisUrl()}`, `WORKSHOP_KEY_PREFIX=${prefix}`, 'CLUSTER_ISOLATION=shared', 'LOG_LEVEL=warn'],
      HostConfig: { NetworkMode: worker.network_mode, Binds: worker.volumes },
    });
    workerId = container.id;
    await container.start();
    // Workers measure each Docker host at start and record in Redis whether it answered.
    const redis = new Redis(testRedisUrl()!);
    try {
      const host = async () => redis.hgetall(`${prefix}:pool:host:local`);
      const logs = async () => (await container.logs({ stdout: true, stderr: true })).toString();
      await until(async () => (await host()).down !== undefined, 60_000).catch(async () => {
        throw new Error(`the worker never measured the Docker host (is Redis reachable from it?)\n${await logs()}`);
      });
      expect((await host()).down, await logs()).toBe('0');
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});

describe('infra/docker-compose.yml', () => {
  it('is a valid Compose file whose services build the deploy image and share one Redis', async () => {
    // A copy of the repository's layout, with the .env the file names (a clone has none).
    const dir = await mkdtemp(join(tmpdir(), 'compose-'));
    try {
      for (const file of ['infra/docker-compose.yml', 'infra/Dockerfile', '.env.example']) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await cp(join(root, file), join(dir, file));
      }
      await writeFile(join(dir, '.env'), await readFile(join(root, '.env.example'), 'utf8'));
      const { stdout } = await run('docker-compose', ['-f', join(dir, 'infra/docker-compose.yml'), 'config'], { cwd: join(dir, 'infra') });
      const config = parse(stdout) as { services: Record<string, ComposeService & { ports?: string[] }> };
      expect(Object.keys(config.services).sort()).toEqual(['bot', 'redis', 'worker']);
      // On the host's network, where clusters publish their ports (127.0.0.1) and Redis is published for them alone.
      expect(config.services.redis!.ports).toEqual([expect.stringMatching(/^127\.0\.0\.1:6379:6379/)]);
      for (const name of ['bot', 'worker']) {
        expect(config.services[name]!.build?.dockerfile).toMatch(/infra\/Dockerfile$/);
        expect(config.services[name]!.network_mode).toBe('host');
        expect(config.services[name]!.environment?.REDIS_URL).toBe('redis://127.0.0.1:6379');
      }
      expect(config.services.bot!.command).toEqual(['serve', '--no-workers']);
      expect(config.services.worker!.command).toEqual(['worker']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
