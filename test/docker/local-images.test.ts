import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localImage, localImageKind } from '../../src/docker/image-names.js';
import { buildLocalImage } from '../../src/docker/local-images.js';
import { packageRoot } from '../../src/package-root.js';
import { dockerAvailable } from '../support/services.js';

/**
 * Two checkouts of the bot on one Docker host (two worktrees, a demo next to the real bot): each
 * builds the stand-ins from its own code under a name that is a hash of it, and neither retags nor
 * removes what the other built.
 */
describe.skipIf(!dockerAvailable())('local images from two checkouts (real engine)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  let other: string;
  const imageId = (name: string) =>
    docker
      .getImage(name)
      .inspect()
      .then(
        (image) => image.Id,
        () => undefined,
      );

  beforeAll(async () => {
    // A second checkout: the same project with one file more in its built code.
    other = await mkdtemp(join(tmpdir(), 'workshop-checkout-'));
    for (const entry of ['package.json', 'package-lock.json', 'dist', 'src'])
      await cp(join(packageRoot(), entry), join(other, entry), { recursive: true });
    await symlink(join(packageRoot(), 'node_modules'), join(other, 'node_modules'));
    await writeFile(join(other, 'dist/changed-in-this-checkout.js'), 'export {};\n');
  });
  afterAll(async () => {
    await docker
      .getImage(localImage('sim', other))
      .remove()
      .catch(() => undefined);
    await rm(other, { recursive: true, force: true });
  });

  it('names each image by what goes into it: the same inputs, the same name; other inputs, another', () => {
    const ours = localImage('sim');
    expect(ours).toMatch(/^workshop-bot\/sim:[0-9a-f]{12}$/);
    expect(localImage('sim', other)).not.toBe(ours);
    expect(localImageKind(localImage('sim', other))).toBe('sim');
    // The ZooKeeper and engine images are made of this host's files only: both checkouts share them.
    expect(localImage('zookeeper', other)).toBe(localImage('zookeeper'));
    expect(localImage('dind', other)).toBe(localImage('dind'));
  });

  it("builds side by side without touching the other checkout's image", async () => {
    await buildLocalImage(docker, 'sim');
    const ours = localImage('sim');
    const oursBefore = await imageId(ours);

    const progress: string[] = [];
    const theirs = await buildLocalImage(docker, 'sim', { root: other, onProgress: (detail) => progress.push(detail) });
    expect(theirs).toEqual({ image: localImage('sim', other), built: true });
    expect(progress[0]).toContain('building it on this Docker host');
    expect(await imageId(ours)).toBe(oursBefore);

    // Ours again: reused as it is, and theirs stays.
    expect(await buildLocalImage(docker, 'sim')).toEqual({ image: ours, built: false });
    expect(await imageId(localImage('sim', other))).toBeDefined();
    // The image runs the other checkout's code.
    const container = await docker.createContainer({ Image: theirs.image, Cmd: ['ls', '/app/dist/changed-in-this-checkout.js'] });
    try {
      await container.start();
      expect((await container.wait()).StatusCode).toBe(0);
    } finally {
      await container.remove({ force: true });
    }
  }, 240_000);
});
