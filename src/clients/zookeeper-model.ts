import { asNumber, asObject, asString } from './values.js';

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
  const sequence = Number(match?.[2] ?? Number.NaN);
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
        port: asNumber(address.port ?? info.port) || undefined,
        version: asString(info.version) || undefined,
        id: asString(info.id) || undefined,
      };
    } catch {
      return { znode: name, sequence, format: 'json' };
    }
  }
  // MasterInfo protobuf: the pid is a length-delimited string field "master@host:port".
  const text = data.toString('latin1');
  const pid = /master@[\w.-]+:\d+/.exec(text)?.[0];
  const hostname = pid ? pid.slice('master@'.length).split(':')[0] : undefined;
  return { znode: name, sequence, format: 'protobuf', ...(pid ? { pid, hostname, port: Number(pid.split(':')[1]) } : {}) };
}

/** The leader is the contender with the lowest sequence number. */
export function mesosLeader(masters: MesosMasterInfo[]): MesosMasterInfo | undefined {
  return [...masters].sort((a, b) => a.sequence - b.sequence)[0];
}
