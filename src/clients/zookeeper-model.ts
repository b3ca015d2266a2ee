import { asObject, asString, optionalPort } from './values.js';

/** A Mesos master as it announces itself under /mesos (MasterInfo). */
export interface MesosMasterInfo {
  znode: string;
  sequence: number;
  /** `json` (Mesos ≥ 0.23: json.info_*) or `protobuf` (older: info_*, binary). */
  format: 'json' | 'protobuf';
  pid?: string;
  hostname?: string;
  port?: number;
  version?: string;
  id?: string;
}

const MESOS_ZNODE = /^(json\.)?info_(\d+)$/;

export function isMesosMasterZnode(name: string): boolean {
  return MESOS_ZNODE.test(name);
}

/** Decodes one `/mesos/json.info_N` (JSON) or `/mesos/info_N` (protobuf: best effort, the pid). */
export function decodeMesosMasterZnode(name: string, data: Buffer): MesosMasterInfo {
  const match = MESOS_ZNODE.exec(name);
  // Not a contender's name, or more digits than ZooKeeper writes: last in line, never the leader (and never NaN).
  const sequence = Math.min(Number(match?.[2] ?? Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  if (match?.[1]) {
    try {
      const info = asObject(JSON.parse(data.toString('utf8')));
      const address = asObject(info.address);
      return {
        znode: name,
        sequence,
        format: 'json',
        pid: asString(info.pid) || undefined,
        hostname: asString(address.hostname ?? info.hostname) || undefined,
        port: optionalPort(address.port ?? info.port),
        version: asString(info.version) || undefined,
        id: asString(info.id) || undefined,
      };
    } catch {
      return { znode: name, sequence, format: 'json' };
    }
  }
  // MasterInfo protobuf: the pid is a length-delimited string field "master@host:port".
  const text = data.toString('latin1');
  const pid = /master@[\w.-]+:\d{1,5}(?!\d)/.exec(text)?.[0];
  const hostname = pid ? pid.slice('master@'.length).split(':')[0] : undefined;
  const port = optionalPort(pid?.split(':')[1]);
  return { znode: name, sequence, format: 'protobuf', ...(pid && port ? { pid, hostname, port } : {}) };
}

/** The leader is the contender with the lowest sequence number. */
export function mesosLeader(masters: MesosMasterInfo[]): MesosMasterInfo | undefined {
  return [...masters].sort((a, b) => a.sequence - b.sequence)[0];
}
