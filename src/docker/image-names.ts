import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../package-root.js';

/**
 * Stand-ins for the minimesos images when no registry is reachable (tests, the demo):
 * - zookeeper: a real ZooKeeper, the host's JRE and Debian's ZooKeeper jars;
 * - sim: this project on the host's node (`sim master|agent|marathon` play Mesos and Marathon);
 * - dind: an attendee's own Docker engine (dind isolation), the host's dockerd, containerd, runc, iptables;
 * - node: the host's Node.js with npm and the machine's CA certificates, as a base for the deploy
 *   image (`infra/Dockerfile`'s NODE_IMAGE) where no registry serves node:20.
 */
export type LocalImage = 'zookeeper' | 'sim' | 'dind' | 'node';

const REPOSITORY = 'workshop-bot';

/** The JRE the ZooKeeper image copies, and the launcher it runs. */
export const JRE = '/usr/lib/jvm/java-17-openjdk-amd64';
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/**
 * A small standalone ZooKeeper. C1 only and the serial collector: ten of them starting at once on
 * two cores spend a third less CPU, and a server this size never needs C2 or parallel GC threads.
 */
export const ZOOKEEPER_LAUNCHER = `#!/bin/sh
exec ${JRE}/bin/java -Dzookeeper.4lw.commands.whitelist='*' -Dzookeeper.admin.enableServer=false -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp ${ZOOKEEPER_JAR} org.apache.zookeeper.server.ZooKeeperServerMain 2181 /data
`;
export const BUSYBOX_PATHS = ['/usr/bin/busybox', '/bin/busybox'];
/** npm as Node.js installs it, and the certificates npm needs to reach its registry from a container. */
export const NPM_DIR = '/usr/lib/node_modules/npm';
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
/** What the engine image copies from the host. */
export const DIND_BINARIES = [
  '/usr/sbin/dockerd',
  '/usr/bin/containerd',
  '/usr/bin/containerd-shim-runc-v2',
  '/usr/sbin/runc',
  '/usr/sbin/docker-proxy',
  '/usr/sbin/xtables-nft-multi',
];

const cache = new Map<string, string>();

/**
 * The name of a stand-in as this checkout builds it: `workshop-bot/<image>:<hash of what goes in>`.
 * Content-addressed, so two checkouts (or versions) on one host never retag or replace each other's
 * image, and the same inputs give the same name anywhere. Computed once per process.
 */
export function localImage(image: LocalImage, root = packageRoot()): string {
  const key = `${root}\0${image}`;
  let name = cache.get(key);
  if (!name) {
    name = `${REPOSITORY}/${image}:${createHash('sha256').update(INPUTS[image](root)).digest('hex').slice(0, 12)}`;
    cache.set(key, name);
  }
  return name;
}

/** Every stand-in's current name. */
export function localImages(root = packageRoot()): Record<LocalImage, string> {
  return {
    zookeeper: localImage('zookeeper', root),
    sim: localImage('sim', root),
    dind: localImage('dind', root),
    node: localImage('node', root),
  };
}

/** Which stand-in an image name is (of any checkout), or undefined for a registry image. */
export function localImageKind(name: string): LocalImage | undefined {
  const match = /^workshop-bot\/(zookeeper|sim|dind|node):[^:/]+$/.exec(name);
  return match?.[1] as LocalImage | undefined;
}

/** The attendee engine (dind isolation) when neither DIND_IMAGE nor local images say otherwise. */
export const DEFAULT_DIND_IMAGE = 'docker:20.10-dind';

/**
 * What goes into each image, as text to hash. Files are hashed by content; the host's large
 * binaries (the JRE, dockerd) by version, size and date, which their package fixes. A missing input
 * still gives a name: building then says what to install.
 */
const INPUTS: Record<LocalImage, (root: string) => string> = {
  zookeeper: () => ['zookeeper-v3', ZOOKEEPER_LAUNCHER, readOr(join(JRE, 'release')), digestOf(ZOOKEEPER_JAR), busyboxDigest()].join('|'),
  sim: (root) => {
    const parts = ['sim-v3', process.version, busyboxDigest()];
    // The built code and the topics it reads, and the lock file that fixes the production modules.
    const files = [
      join(root, 'package.json'),
      join(root, 'package-lock.json'),
      ...listFiles(join(root, 'dist')),
      ...listFiles(join(root, 'src')),
    ];
    for (const file of files) parts.push(`${relative(root, file)}:${digestOf(file)}`);
    return parts.join('|');
  },
  dind: () => ['dind-v3', busyboxDigest(), ...DIND_BINARIES.map((binary) => `${binary}:${sizeAndDate(binary)}`)].join('|'),
  node: () => ['node-v2', process.version, busyboxDigest(), readOr(join(NPM_DIR, 'package.json')), digestOf(CA_BUNDLE)].join('|'),
};

function busyboxDigest(): string {
  const busybox = BUSYBOX_PATHS.find((path) => existsSync(path));
  return busybox ? digestOf(busybox) : 'no busybox';
}

function digestOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'missing';
  }
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return 'missing';
  }
}

function sizeAndDate(file: string): string {
  try {
    const info = statSync(file);
    return `${info.size}:${Math.trunc(info.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

/** Every file under `dir`, sorted (so the hash does not depend on the order the disk lists them in). */
export function listFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
