import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { UserError } from '../errors.js';

/** A request with no traffic this long is abandoned: a host that vanishes mid-call must not hang a worker. */
const IDLE_TIMEOUT_MS = 120_000;

/** One Docker engine of the pool, and the address attendees' published ports answer on. */
export interface DockerHost {
  id: string;
  docker: Docker;
  /** Host IP that published ports bind to and endpoints use. */
  publishIp: string;
  /**
   * Where the bot reaches attendees' engine containers (dind): never attendees. 127.0.0.1 unless
   * `control=IP` says otherwise, so by default workers run on the Docker host itself.
   */
  controlIp: string;
}

/**
 * Parses DOCKER_HOSTS: comma-separated engines in the forms DOCKER_HOST takes —
 * `unix:///var/run/docker.sock`, `tcp://host:2375`, `tcp://host:2376?tls=/path/to/certs` (ca.pem,
 * cert.pem, key.pem, like DOCKER_CERT_PATH) — each optionally with `publish=IP` for the address
 * published ports use and `control=IP` for the address attendees' engines answer the bot on. Empty: the local engine, publishing on 127.0.0.1.
 */
export function parseDockerHosts(value: string | undefined): DockerHost[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return [localHost()];
  return entries.map((entry, index) => parseEntry(entry, index));
}

function localHost(): DockerHost {
  // Explicit socketPath and no host: dockerode would otherwise take DOCKER_HOST from the environment.
  return {
    id: 'local',
    docker: new Docker({ socketPath: '/var/run/docker.sock', timeout: IDLE_TIMEOUT_MS }),
    publishIp: '127.0.0.1',
    controlIp: '127.0.0.1',
  };
}

function parseEntry(entry: string, index: number): DockerHost {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new UserError(
      `DOCKER_HOSTS entry ${index + 1} ("${entry}") is not a URL.`,
      'Use unix:///var/run/docker.sock, tcp://host:2375 or tcp://host:2376?tls=/path/to/certs.',
    );
  }
  const publish = url.searchParams.get('publish');
  const controlIp = url.searchParams.get('control') ?? '127.0.0.1';
  if (url.protocol === 'unix:') {
    return {
      id: `unix:${url.pathname}`,
      docker: new Docker({ socketPath: url.pathname, timeout: IDLE_TIMEOUT_MS }),
      publishIp: publish ?? '127.0.0.1',
      controlIp,
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(
      `DOCKER_HOSTS entry "${entry}" uses ${url.protocol}//, which is not supported.`,
      'Use unix://, tcp:// (or tcp:// with ?tls=<cert dir>).',
    );
  }
  if (!url.hostname)
    throw new UserError(`DOCKER_HOSTS entry "${entry}" has no host.`, 'Write it like tcp://10.0.0.5:2376?tls=/etc/workshop/certs.');
  const certs = url.searchParams.get('tls');
  const port = Number(url.port || (certs ? 2376 : 2375));
  const tls = certs ? readCerts(entry, certs) : undefined;
  return {
    id: `${url.hostname}:${port}`,
    docker: new Docker({ host: url.hostname, port, protocol: tls ? 'https' : 'http', timeout: IDLE_TIMEOUT_MS, ...tls }),
    publishIp: publish ?? url.hostname,
    controlIp,
  };
}

function readCerts(entry: string, dir: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  try {
    return { ca: readFileSync(join(dir, 'ca.pem')), cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch (error) {
    throw new UserError(
      `DOCKER_HOSTS entry "${entry}": cannot read ca.pem, cert.pem and key.pem in ${dir} (${(error as Error).message}).`,
      'Point tls= at the folder with the client certificates, as DOCKER_CERT_PATH does.',
    );
  }
}
