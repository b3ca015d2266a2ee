import { connect, isIPv4, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { buildConnector } from 'undici';

/**
 * The relay in an attendee's own Docker engine (dind isolation): a connection to it, followed by one
 * line `<IPv4> <port>\n`, continues as a TCP connection opened from inside the engine. That is how
 * the bot reaches what the cluster reports on its own network (agents' and tasks' host:ports: Weave
 * Scope's 4040, Elasticsearch's offered ports) without publishing them: from where the attendee's own
 * containers are, never from the bot's host (so no task address can point the bot at its own services).
 */
export interface EngineRelay {
  host: string;
  port: number;
  /** `host:port`s the engine publishes (the cluster's endpoints): reached directly, not through the relay. */
  direct: ReadonlySet<string>;
}

export function throughRelay(relay: EngineRelay, host: string, port: number): boolean {
  return !relay.direct.has(`${host}:${port}`);
}

/** A connection to `host:port` from inside the engine; resolves once the relay has the target's line. */
export function openThroughRelay(
  relay: EngineRelay,
  host: string,
  port: number,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<Socket> {
  // The relay takes an address and a port and nothing else: the line is all the engine sees of the bot.
  if (!isIPv4(host) || !Number.isInteger(port) || port < 1 || port > 65_535)
    return Promise.reject(
      Object.assign(new Error(`${host}:${port} is not an IPv4 address and port inside your engine`), { code: 'ERELAYTARGET' }),
    );
  return new Promise((resolve, reject) => {
    const socket = connect({ host: relay.host, port: relay.port, ...(options.signal ? { signal: options.signal } : {}) });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), options.timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.write(`${host} ${port}\n`, () => resolve(socket));
    });
  });
}

/** An undici connector: the cluster's published endpoints directly, everything else through the relay. */
export function relayConnector(relay: EngineRelay, direct: buildConnector.connector, timeoutMs: number): buildConnector.connector {
  return (options, callback) => {
    const https = options.protocol === 'https:';
    const port = Number(options.port) || (https ? 443 : 80);
    if (!throughRelay(relay, options.hostname, port)) return direct(options, callback);
    openThroughRelay(relay, options.hostname, port, { timeoutMs }).then(
      (socket) => {
        if (!https) return callback(null, socket);
        const secure = tlsConnect({ socket, servername: options.servername ?? options.hostname });
        secure.once('secureConnect', () => callback(null, secure));
        secure.once('error', (error) => callback(error, null));
      },
      (error: Error) => callback(error, null),
    );
  };
}
