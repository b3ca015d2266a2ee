import { randomBytes } from 'node:crypto';
import { type ImageServer, imageName } from './types.js';

/** Capabilities a MySQL 5.7 server announces (CLIENT_LONG_PASSWORD … CLIENT_PLUGIN_AUTH, CLIENT_SECURE_CONNECTION, CLIENT_PROTOCOL_41). */
const CAPABILITIES = 0x81fff7ff;
const UTF8_GENERAL_CI = 33;
const SERVER_STATUS_AUTOCOMMIT = 0x0002;
/** MySQL closes a connection that sends nothing for connect_timeout (10 s). */
const CONNECT_TIMEOUT_MS = 10_000;

let connections = 0;

/** The server version a client sees: the image tag when it is a version, as `mysql:5.7.12` reports 5.7.12. */
export function mysqlVersion(image: string): string {
  const { name, tag } = imageName(image);
  const version = tag && /^\d+(\.\d+)*$/.test(tag) ? tag : undefined;
  return name === 'mariadb' ? `5.5.5-${version ?? '10.1.21'}-MariaDB` : (version ?? '5.7.17');
}

/** The auth plugin a server names in its handshake: MySQL 8.0 made caching_sha2_password the default; 5.x and MariaDB keep mysql_native_password. */
export function mysqlAuthPlugin(version: string): string {
  return Number.parseInt(version, 10) >= 8 && !version.includes('MariaDB') ? 'caching_sha2_password' : 'mysql_native_password';
}

/** The first packet a MySQL server sends on every connection: the protocol-10 handshake. */
export function mysqlGreeting(version: string, connectionId: number): Buffer {
  const salt = randomBytes(20).map((byte) => (byte % 94) + 33); // printable, no NUL, as MySQL's scramble
  const payload = Buffer.concat([
    Buffer.from([10]),
    Buffer.from(`${version}\0`, 'latin1'),
    uint32(connectionId),
    salt.subarray(0, 8),
    Buffer.from([0]),
    uint16(CAPABILITIES & 0xffff),
    Buffer.from([UTF8_GENERAL_CI]),
    uint16(SERVER_STATUS_AUTOCOMMIT),
    uint16(CAPABILITIES >>> 16),
    Buffer.from([21]),
    Buffer.alloc(10),
    salt.subarray(8),
    Buffer.from([0]),
    Buffer.from(`${mysqlAuthPlugin(version)}\0`, 'latin1'),
  ]);
  const header = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, (payload.length >> 16) & 0xff, 0]);
  return Buffer.concat([header, payload]);
}

export const mysqlServer: ImageServer = {
  protocol: 'tcp',
  connected(socket, task) {
    socket.write(mysqlGreeting(mysqlVersion(task.image), ++connections));
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy());
    socket.on('data', () => undefined);
  },
};

function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}
