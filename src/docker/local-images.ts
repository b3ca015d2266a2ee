import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { packageRoot } from '../package-root.js';
import {
  BUSYBOX_PATHS,
  CA_BUNDLE,
  DIND_BINARIES,
  JRE,
  type LocalImage,
  listFiles,
  localImage,
  localImageKind,
  NPM_DIR,
  ZOOKEEPER_JAR,
  ZOOKEEPER_LAUNCHER,
} from './image-names.js';

const run = promisify(execFile);

export interface BuildResult {
  image: string;
  built: boolean;
}

export interface BuildOptions {
  log?: Logger;
  /** Build again even when the image exists. */
  force?: boolean;
  /** The checkout whose code goes into the sim image (default: this one). */
  root?: string;
  /** What the build is doing, for someone waiting on it. */
  onProgress?: (detail: string) => void;
}

/**
 * Builds the local images on `docker` unless they are there (idempotent). Each is named by a hash of
 * what goes into it (`localImage()`), so an unchanged image is reused, a changed checkout gets a new
 * one, and nothing another checkout built is retagged or removed.
 */
export async function buildLocalImages(docker: Docker, options: BuildOptions = {}): Promise<BuildResult[]> {
  const results: BuildResult[] = [];
  for (const image of ['zookeeper', 'sim', 'dind'] as const) results.push(await buildLocalImage(docker, image, options));
  return results;
}

/** Builds one local image unless it is there. */
export async function buildLocalImage(docker: Docker, image: LocalImage, options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? packageRoot();
  const name = localImage(image, root);
  if (!options.force && (await present(docker, name))) return { image: name, built: false };
  const stage = await stagerFor(image, root);
  options.log?.info({ image: name }, 'building a local image');
  options.onProgress?.(`${name}: building it on this Docker host (first use; about a minute)`);
  const dir = await mkdtemp(join(tmpdir(), 'workshop-image-'));
  try {
    await stage(dir);
    options.onProgress?.(`${name}: importing it into Docker`);
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [repo, tag] = name.split(':') as [string, string];
    const stream = await docker.importImage(tar.stdout as unknown as string, { repo, tag });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) =>
        error ? reject(error) : output.find((line) => line.error) ? reject(new Error(output.find((line) => line.error)!.error)) : resolve(),
      ),
    );
    options.onProgress?.(`${name}: built`);
    return { image: name, built: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const present = (docker: Docker, name: string) =>
  docker
    .getImage(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );

const building = new WeakMap<Docker, Map<string, Promise<BuildResult>>>();

/**
 * A local image a build needs and the host lacks is built there on first use: once per host and
 * image however many builds ask at the same time. Only this checkout's own images can be built here.
 */
export function ensureLocalImage(docker: Docker, name: string, onProgress: (detail: string) => void): Promise<BuildResult> {
  const image = localImageKind(name);
  if (!image || localImage(image) !== name)
    throw new UserError(
      `The image ${name} is missing on this Docker host, and this checkout of the bot builds ${image ? localImage(image) : 'other images'}.`,
      'Run `workshop-bot images build` in the checkout that uses it.',
    );
  const inFlight = building.get(docker) ?? new Map<string, Promise<BuildResult>>();
  building.set(docker, inFlight);
  let build = inFlight.get(name);
  if (!build) {
    build = buildLocalImage(docker, image, { onProgress }).finally(() => inFlight.delete(name));
    inFlight.set(name, build);
  }
  return build;
}

/** Checks what the image needs from this machine, and returns how to lay out its files. */
async function stagerFor(image: LocalImage, root: string): Promise<(dir: string) => Promise<void>> {
  const busybox = BUSYBOX_PATHS.find((path) => existsSync(path));
  if (!busybox) throw new UserError('busybox is missing (the images need it for a shell).', 'Install it: apt-get install busybox-static');
  if (image === 'zookeeper') {
    if (!existsSync(ZOOKEEPER_JAR))
      throw new UserError(
        'ZooKeeper is not installed on this machine, so its image cannot be made.',
        'Install it: apt-get install zookeeper (scripts/setup-services.sh does).',
      );
    return (dir) => stageZookeeper(dir, busybox);
  }
  if (image === 'sim') {
    if (!existsSync(join(root, 'dist/src/cli/main.js')))
      throw new UserError('The project is not built, so the sim image has nothing to run.', 'Run `npm run build` first.');
    return (dir) => stageSim(dir, root, busybox);
  }
  if (image === 'node') {
    if (!existsSync(NPM_DIR)) throw new UserError(`npm is missing at ${NPM_DIR}.`, 'Install Node.js with npm on this machine.');
    return (dir) => stageNode(dir, busybox);
  }
  const missing = DIND_BINARIES.filter((binary) => !existsSync(binary));
  if (missing.length > 0)
    throw new UserError(
      `The engine image needs ${missing.join(', ')} from this machine.`,
      'Install Docker from Debian: apt-get install docker.io (scripts/setup-services.sh does).',
    );
  return (dir) => stageDind(dir, busybox);
}

async function stageZookeeper(dir: string, busybox: string): Promise<void> {
  await copyPreserving(dir, [
    join(JRE, 'bin'),
    join(JRE, 'conf'),
    join(JRE, 'lib'),
    join(JRE, 'release'),
    '/etc/java-17-openjdk',
    '/etc/ssl/certs/java',
    '/usr/share/java',
  ]);
  await copyLibraries(dir, [join(JRE, 'bin/java'), ...listFiles(join(JRE, 'lib')).filter((file) => file.endsWith('.so'))]);
  await addBusybox(dir, busybox);
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'usr/local/bin/zookeeper'), ZOOKEEPER_LAUNCHER, { mode: 0o755 });
}

async function stageSim(dir: string, root: string, busybox: string): Promise<void> {
  await copyPreserving(dir, [process.execPath]);
  await copyLibraries(dir, [process.execPath]);
  await addBusybox(dir, busybox);
  const app = join(dir, 'app');
  await mkdir(app, { recursive: true });
  await run('cp', ['-a', join(root, 'dist'), join(root, 'package.json'), join(root, 'src'), app]);
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  // npm may print the modules' real paths when node_modules is a link (a second checkout sharing one).
  const bases = [join(root, 'node_modules'), await realpath(join(root, 'node_modules')).catch(() => join(root, 'node_modules'))];
  for (const module of stdout.split('\n')) {
    const base = bases.find((candidate) => module.startsWith(`${candidate}/`));
    if (!base) continue;
    const target = join(app, 'node_modules', module.slice(base.length));
    await mkdir(dirname(target), { recursive: true });
    await run('cp', ['-a', module, dirname(target)]);
  }
  if (process.execPath !== '/usr/bin/node') await symlink(process.execPath, join(dir, 'usr/bin/node')).catch(() => undefined);
}

/**
 * A Node.js base image like node:20 (node, npm, npx, a shell, CA certificates npm is told to use, and
 * a `node` user with uid 1000), for building the deploy image where no registry is reachable.
 */
async function stageNode(dir: string, busybox: string): Promise<void> {
  await copyPreserving(dir, [process.execPath, NPM_DIR, CA_BUNDLE]);
  await copyLibraries(dir, [process.execPath]);
  await addBusybox(dir, busybox);
  for (const [name, target] of [
    ['npm', '../lib/node_modules/npm/bin/npm-cli.js'],
    ['npx', '../lib/node_modules/npm/bin/npx-cli.js'],
  ] as const)
    await symlink(target, join(dir, 'usr/bin', name)).catch(() => undefined);
  if (process.execPath !== '/usr/bin/node') await symlink(process.execPath, join(dir, 'usr/bin/node')).catch(() => undefined);
  // npm's scripts start with #!/usr/bin/env node.
  await symlink('/bin/busybox', join(dir, 'usr/bin/env'));
  await mkdir(join(dir, 'usr/etc'), { recursive: true });
  await writeFile(join(dir, 'usr/etc/npmrc'), `cafile=${CA_BUNDLE}\nfund=false\naudit=false\nupdate-notifier=false\n`);
  await mkdir(join(dir, 'home/node'), { recursive: true });
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n');
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
}

async function stageDind(dir: string, busybox: string): Promise<void> {
  await copyPreserving(dir, [...DIND_BINARIES, '/usr/lib/x86_64-linux-gnu/xtables']);
  await copyLibraries(dir, DIND_BINARIES);
  await addBusybox(dir, busybox);
  for (const name of ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'])
    await symlink('xtables-nft-multi', join(dir, 'usr/sbin', name));
  for (const tool of ['sed', 'mount', 'modprobe']) await symlink('busybox', join(dir, 'bin', tool)).catch(() => undefined);
  await mkdir(join(dir, 'etc'), { recursive: true });
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(dir, 'etc/group'), 'root:x:0:\n');
  for (const path of ['var/lib/docker', 'var/run', 'run']) await mkdir(join(dir, path), { recursive: true });
}

async function addBusybox(dir: string, busybox: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'usr/local/bin'), { recursive: true });
  await mkdir(join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  await run('cp', [busybox, join(dir, 'bin/busybox')]);
  for (const tool of ['sh', 'ls', 'cat', 'ps', 'wget', 'nc', 'sleep', 'env', 'echo', 'mkdir', 'rm', 'df'])
    await symlink('busybox', join(dir, 'bin', tool)).catch(() => undefined);
}

/** Copies paths into the image root at the same place, keeping links (`dereference`: copying their targets). */
async function copyPreserving(dir: string, paths: string[], dereference = false): Promise<void> {
  const relative = paths.filter((path) => existsSync(path)).map((path) => path.replace(/^\//, ''));
  if (relative.length === 0) return;
  await run('bash', ['-c', `tar -C / -c${dereference ? 'h' : ''}f - "$@" | tar -C "${dir}" -xf -`, 'copy', ...relative], {
    maxBuffer: 1024 * 1024,
  });
}

/** Copies the shared libraries the binaries need, following links, plus the dynamic loader. */
async function copyLibraries(dir: string, binaries: string[]): Promise<void> {
  const libraries = new Set<string>(['/lib64/ld-linux-x86-64.so.2']);
  for (const binary of binaries) {
    const { stdout } = await run('ldd', [binary]).catch(() => ({ stdout: '' }));
    for (const match of stdout.matchAll(/(\/\S+\.so[^\s]*)/g)) libraries.add(match[1]!);
  }
  await copyPreserving(
    dir,
    [...libraries].filter((library) => !library.startsWith(JRE)),
    true,
  );
}
