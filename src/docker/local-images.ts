import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { packageRoot } from '../package-root.js';
import { LOCAL_IMAGES } from './image-names.js';

const run = promisify(execFile);

const JRE = '/usr/lib/jvm/java-17-openjdk-amd64';
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'];

export interface BuildResult {
  image: string;
  built: boolean;
}

/**
 * Builds the local images once per machine (idempotent): each is also tagged with a hash of its
 * inputs, so an unchanged image is reused and a changed project is rebuilt.
 */
export async function buildLocalImages(docker: Docker, options: { log?: Logger; force?: boolean } = {}): Promise<BuildResult[]> {
  const root = packageRoot();
  if (!existsSync(join(root, 'dist/src/cli/main.js')))
    throw new UserError('The project is not built, so the sim image has nothing to run.', 'Run `npm run build` first.');
  const busybox = BUSYBOX.find((path) => existsSync(path));
  if (!busybox) throw new UserError('busybox is missing (the images need it for a shell).', 'Install it: apt-get install busybox-static');
  return [
    await ensureImage(docker, LOCAL_IMAGES.zookeeper, await zookeeperInputs(), (dir) => stageZookeeper(dir, busybox), options),
    await ensureImage(docker, LOCAL_IMAGES.sim, await simInputs(root), (dir) => stageSim(dir, root, busybox), options),
    await ensureImage(docker, LOCAL_IMAGES.dind, await dindInputs(), (dir) => stageDind(dir, busybox), options),
  ];
}

async function ensureImage(
  docker: Docker,
  name: string,
  inputs: string,
  stage: (dir: string) => Promise<void>,
  options: { log?: Logger; force?: boolean },
): Promise<BuildResult> {
  const [repository] = name.split(':') as [string];
  const hashed = `${repository}:${createHash('sha256').update(inputs).digest('hex').slice(0, 12)}`;
  const exists = await docker
    .getImage(hashed)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (exists && !options.force) {
    await docker.getImage(hashed).tag({ repo: repository, tag: 'local' });
    return { image: name, built: false };
  }
  options.log?.info({ image: name }, 'building a local image');
  const dir = await mkdtemp(join(tmpdir(), 'workshop-image-'));
  try {
    await stage(dir);
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const [repo, tag] = hashed.split(':') as [string, string];
    const stream = await docker.importImage(tar.stdout as unknown as string, { repo, tag });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) =>
        error ? reject(error) : output.find((line) => line.error) ? reject(new Error(output.find((line) => line.error)!.error)) : resolve(),
      ),
    );
    await docker.getImage(hashed).tag({ repo: repository, tag: 'local' });
    await removeOlderBuilds(docker, repository, hashed);
    return { image: name, built: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Earlier builds of the same image only take disk space (the top complaint on shared hosts). */
async function removeOlderBuilds(docker: Docker, repository: string, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [repository] } });
  const older = images.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag !== keep && tag !== `${repository}:local`);
  for (const tag of older)
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
}

/**
 * A small standalone ZooKeeper. C1 only and the serial collector: ten of them starting at once on
 * two cores spend a third less CPU, and a server this size never needs C2 or parallel GC threads.
 */
const ZOOKEEPER_LAUNCHER = `#!/bin/sh
exec ${JRE}/bin/java -Dzookeeper.4lw.commands.whitelist='*' -Dzookeeper.admin.enableServer=false -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp /usr/share/java/zookeeper.jar org.apache.zookeeper.server.ZooKeeperServerMain 2181 /data
`;

async function zookeeperInputs(): Promise<string> {
  const release = await readFile(join(JRE, 'release'), 'utf8').catch(() => '');
  const jar = await stat('/usr/share/java/zookeeper.jar').catch(() => undefined);
  if (!jar)
    throw new UserError(
      'ZooKeeper is not installed on this machine, so its image cannot be made.',
      'Install it: apt-get install zookeeper (scripts/setup-services.sh does).',
    );
  return `${ZOOKEEPER_LAUNCHER}|${release}|${jar.size}|${jar.mtimeMs}`;
}

/** The project's built code and its production dependencies: a change to either rebuilds the image. */
async function simInputs(root: string): Promise<string> {
  const parts = ['sim-v2', await readFile(join(root, 'package-lock.json'), 'utf8').catch(() => '')];
  for (const file of await listFiles(join(root, 'dist'))) {
    const info = await stat(file);
    parts.push(`${file}:${info.size}:${info.mtimeMs}`);
  }
  return parts.join('|');
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
  await copyLibraries(dir, [join(JRE, 'bin/java'), ...(await listFiles(join(JRE, 'lib'))).filter((file) => file.endsWith('.so'))]);
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
  const modules = stdout.split('\n').filter((path) => path.startsWith(join(root, 'node_modules')));
  for (const module of modules) {
    const target = join(app, module.slice(root.length));
    await mkdir(dirname(target), { recursive: true });
    await run('cp', ['-a', module, dirname(target)]);
  }
  if (process.execPath !== '/usr/bin/node') await symlink(process.execPath, join(dir, 'usr/bin/node')).catch(() => undefined);
}

const DIND_BINARIES = [
  '/usr/sbin/dockerd',
  '/usr/bin/containerd',
  '/usr/bin/containerd-shim-runc-v2',
  '/usr/sbin/runc',
  '/usr/sbin/docker-proxy',
  '/usr/sbin/xtables-nft-multi',
];

async function dindInputs(): Promise<string> {
  const missing = DIND_BINARIES.filter((binary) => !existsSync(binary));
  if (missing.length > 0)
    throw new UserError(
      `The engine image needs ${missing.join(', ')} from this machine.`,
      'Install Docker from Debian: apt-get install docker.io (scripts/setup-services.sh does).',
    );
  const sizes = await Promise.all(DIND_BINARIES.map(async (binary) => (await stat(binary)).size));
  return `dind-v2|${sizes.join(',')}`;
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

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files.sort();
}
