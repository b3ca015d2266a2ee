import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerHosts } from '../../src/docker/host-address.js';
import { connectDockerHosts, type DockerHost } from '../../src/docker/hosts.js';

/** docker-modem keeps the connection options it was given (untyped in @types/dockerode). */
const modem = (host: DockerHost) => host.docker.modem as unknown as { socketPath?: string; protocol?: string; ca?: Buffer };

describe('DOCKER_HOSTS', () => {
  it('defaults to the local engine, publishing on loopback', () => {
    const [host] = connectDockerHosts(parseDockerHosts(''));
    expect(host).toMatchObject({ id: 'local', publishIp: '127.0.0.1', controlIp: '127.0.0.1' });
    expect(modem(host!).socketPath).toBe('/var/run/docker.sock');
  });

  it('reads unix, tcp and tcp+TLS engines, and the publish address', async () => {
    const certs = await mkdtemp(join(tmpdir(), 'certs-'));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, file), `-----${file}-----`);
    const hosts = connectDockerHosts(
      parseDockerHosts(
        `unix:///run/other.sock, tcp://10.0.0.5:2375, tcp://docker-2.example.org?tls=${certs}&publish=203.0.113.7&control=10.9.0.2`,
      ),
    );
    expect(hosts.map((host) => host.id)).toEqual(['unix:/run/other.sock', '10.0.0.5:2375', 'docker-2.example.org:2376']);
    expect(hosts[1]!.publishIp).toBe('10.0.0.5');
    expect(hosts[2]!.publishIp).toBe('203.0.113.7');
    // Attendees' engines answer the bot on loopback unless a private control address is given.
    expect(hosts.map((host) => host.controlIp)).toEqual(['127.0.0.1', '127.0.0.1', '10.9.0.2']);
    expect(modem(hosts[2]!).protocol).toBe('https');
    expect(String(modem(hosts[2]!).ca)).toBe('-----ca.pem-----');
  });

  it.each([
    ['docker-host-1', 'is not a URL'],
    ['ssh://user@host', 'uses ssh://, which is not supported'],
    ['tcp://h:2376?tls=/nowhere', 'cannot read ca.pem, cert.pem and key.pem in /nowhere'],
  ])('refuses %s, naming the entry', (entry, message) => {
    expect(() => parseDockerHosts(entry)).toThrow(message);
  });
});
