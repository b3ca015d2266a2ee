import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * A Docker registry (the read side of the v2 API) serving images it makes itself, so pulls are
 * real here where no registry is reachable. The engine trusts plain HTTP on 127.0.0.0/8. Blobs
 * are sent at a bounded rate, so a pull lasts long enough to report its progress.
 */
export class FakeRegistry {
  private readonly manifests = new Map<string, Buffer>();
  private readonly blobs = new Map<string, Buffer>();
  /** Manifests asked for by tag: one per pull. */
  readonly pulls: string[] = [];
  private server: Server | undefined;
  address = '';

  constructor(private readonly bytesPerSecond = 8 * 1024 * 1024) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const url = request.url ?? '';
      const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url);
      const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]+)$/.exec(url);
      const body =
        url === '/v2/'
          ? Buffer.from('{}')
          : manifest
            ? this.manifests.get(`${manifest[1]}@${manifest[2]}`)
            : blob
              ? this.blobs.get(blob[1]!)
              : undefined;
      if (!body) {
        response
          .writeHead(404, { 'Content-Type': 'application/json' })
          .end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"not here"}]}');
        return;
      }
      if (manifest && !manifest[2]!.startsWith('sha256:')) this.pulls.push(`${manifest[1]}:${manifest[2]}`);
      const type = manifest ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/octet-stream';
      response.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Docker-Content-Digest': sha256(body) });
      if (request.method === 'HEAD') response.end();
      else this.send(response, body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /**
   * Serves a new image as `<address>/<name>`: busybox plus `size` random bytes, one layer, sleeping when run. It
   * exists nowhere else, so the engine downloads every byte. Returns the reference to pull.
   */
  async serveImage(name: string, size: number): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    try {
      const root = join(dir, 'root');
      await mkdir(join(root, 'bin'), { recursive: true });
      await copyFile('/usr/bin/busybox', join(root, 'bin/busybox'));
      await writeFile(join(root, 'payload'), randomBytes(size));
      await run('tar', ['-C', root, '-cf', join(dir, 'layer.tar'), '.']);
      const layerTar = await readFile(join(dir, 'layer.tar'));
      const layer = gzipSync(layerTar, { level: 1 });
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Cmd: ['/bin/busybox', 'sleep', '3600'] },
          rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
        }),
      );
      for (const data of [config, layer]) this.blobs.set(sha256(data), data);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
          layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer) }],
        }),
      );
      const [repository, tag = 'latest'] = name.split(':') as [string, string?];
      this.manifests.set(`${repository}@${tag}`, manifest);
      this.manifests.set(`${repository}@${sha256(manifest)}`, manifest);
      return `${this.address}/${repository}:${tag}`;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Writes the body in 100 ms slices of the rate. */
  private send(response: ServerResponse, body: Buffer): void {
    const slice = Math.max(1, Math.floor(this.bytesPerSecond / 10));
    let offset = 0;
    const next = () => {
      if (response.destroyed) return;
      response.write(body.subarray(offset, offset + slice));
      offset += slice;
      if (offset < body.length) setTimeout(next, 100);
      else response.end();
    };
    next();
  }
}
