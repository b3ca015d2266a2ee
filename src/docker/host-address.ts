import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a Docker engine of the pool answers, parsed from DOCKER_HOSTS; no connection is made. */
export interface DockerHostAddress {
  id: string;
  /** `unix` engines have a socket path; `tcp` engines a host and port, with TLS material when `tls=` is given. */
  socketPath?: string;
  host?: string;
  port?: number;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Host IP that published ports bind to and endpoints use. */
  publishIp: string;
  /**
   * Where the bot reaches attendees' engine containers (dind): never attendees. 127.0.0.1 unless
   * `control=IP` says otherwise, so by default workers run on the Docker host itself.
   */
  controlIp: string;
}

/** A DOCKER_HOSTS entry that cannot be used, with what to write instead. */
export class DockerHostsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'DockerHostsError';
  }
}

/**
 * Parses DOCKER_HOSTS: comma-separated engines in the forms DOCKER_HOST takes —
 * `unix:///var/run/docker.sock`, `tcp://host:2375`, `tcp://host:2376?tls=/path/to/certs` (ca.pem,
 * cert.pem, key.pem, like DOCKER_CERT_PATH) — each optionally with `publish=IP` for the address
 * published ports use and `control=IP` for the address attendees' engines answer the bot on.
 * Empty: the local engine, publishing on 127.0.0.1. Certificates are read here, so a bad path
 * stops the bot at start-up rather than at the first build.
 */
export function parseDockerHosts(value: string | undefined): DockerHostAddress[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return [{ id: 'local', socketPath: '/var/run/docker.sock', publishIp: '127.0.0.1', controlIp: '127.0.0.1' }];
  return entries.map((entry, index) => parseEntry(entry, index));
}

function parseEntry(entry: string, index: number): DockerHostAddress {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new DockerHostsError(
      `DOCKER_HOSTS entry ${index + 1} ("${entry}") is not a URL.`,
      'Use unix:///var/run/docker.sock, tcp://host:2375 or tcp://host:2376?tls=/path/to/certs.',
    );
  }
  const publish = url.searchParams.get('publish');
  const controlIp = url.searchParams.get('control') ?? '127.0.0.1';
  if (url.protocol === 'unix:')
    return { id: `unix:${url.pathname}`, socketPath: url.pathname, publishIp: publish ?? '127.0.0.1', controlIp };
  if (url.protocol !== 'tcp:' && url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DockerHostsError(
      `DOCKER_HOSTS entry "${entry}" uses ${url.protocol}//, which is not supported.`,
      'Use unix://, tcp:// (or tcp:// with ?tls=<cert dir>).',
    );
  }
  if (!url.hostname)
    throw new DockerHostsError(`DOCKER_HOSTS entry "${entry}" has no host.`, 'Write it like tcp://10.0.0.5:2376?tls=/etc/workshop/certs.');
  const certs = url.searchParams.get('tls');
  const port = Number(url.port || (certs ? 2376 : 2375));
  return {
    id: `${url.hostname}:${port}`,
    host: url.hostname,
    port,
    ...(certs ? { tls: readCerts(entry, certs) } : {}),
    publishIp: publish ?? url.hostname,
    controlIp,
  };
}

function readCerts(entry: string, dir: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  try {
    return { ca: readFileSync(join(dir, 'ca.pem')), cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch (error) {
    throw new DockerHostsError(
      `DOCKER_HOSTS entry "${entry}": cannot read ca.pem, cert.pem and key.pem in ${dir} (${(error as Error).message}).`,
      'Point tls= at the folder with the client certificates, as DOCKER_CERT_PATH does.',
    );
  }
}
