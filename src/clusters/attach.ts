import { isIP } from 'node:net';
import { type HostPort, type ReservedTargets, urlTarget } from '../clients/connect-guard.js';
import { quote, UserError } from '../errors.js';
import type { ClusterEndpoints } from './cluster-record.js';
import type { ClusterRegistry } from './registry.js';

/**
 * Validates `master=… marathon=… zookeeper=…` before anything is contacted, with hosts in their
 * canonical form (`http://2130706433` and `0x7f.1` are 127.0.0.1): what is checked is what is stored.
 * `usage` is the caller's (a slash command's, the CLI's), for the hint under every error.
 */
export function parseAttachEndpoints(pairs: Record<string, string>, positional: string[], usage: string): ClusterEndpoints {
  const hint = `Usage: ${usage}`;
  const unknown = Object.keys(pairs).filter((key) => !['master', 'marathon', 'zookeeper'].includes(key));
  if (unknown.length > 0)
    throw new UserError(`I don't know ${unknown.map((key) => quote(`${key}=`)).join(', ')}: use master=, marathon= and zookeeper=.`, hint);
  if (positional.length > 0) throw new UserError(`${quote(positional[0]!)} is not a key=value pair.`, hint);
  if (!pairs.master) throw new UserError('Tell me where the Mesos master is: master=http://<host>:5050.', hint);
  return {
    master: httpUrl('master', pairs.master, hint),
    ...(pairs.marathon ? { marathon: httpUrl('marathon', pairs.marathon, hint) } : {}),
    ...(pairs.zookeeper ? { zookeeper: hostPort('zookeeper', pairs.zookeeper, hint) } : {}),
  };
}

function httpUrl(name: string, text: string, hint: string): string {
  // Slack wraps URLs in <…> (and <url|label>) when it auto-links them.
  const cleaned = text.replace(/^<([^|>]+)(\|[^>]*)?>$/, '$1');
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    throw new UserError(`${name}= must be a URL like http://10.0.0.5:5050, not ${quote(cleaned)}.`, hint);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`${name}= must use http:// or https://, not ${url.protocol}//.`, hint);
  if (url.username || url.password)
    throw new UserError(`${name}= must not contain a user name or password.`, 'Attach a cluster that needs no credentials.');
  checkHost(name, url.hostname.replace(/^\[|\]$/g, ''), hint);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function hostPort(name: string, text: string, hint: string): string {
  const cleaned = text.replace(/^zk:\/\//, '').replace(/\/.*$/, '');
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(cleaned);
  if (!match) throw new UserError(`${name}= must be host:port like 10.0.0.5:2181, not ${quote(text)}.`, hint);
  const host = canonicalHost(name, match[1]!, hint);
  const port = Number(match[2] ?? 2181);
  checkHost(name, host, hint);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UserError(`${name}= has port ${match[2]}, which is not a port number.`, hint);
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** The host as a URL parser (and so every HTTP client) reads it: IPv4 in dotted decimal, IPv6 compressed. */
function canonicalHost(name: string, text: string, hint: string): string {
  try {
    return new URL(`http://${text}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    throw new UserError(`${name}= has ${quote(text)}, which is not a host name or IP address.`, hint);
  }
}

function checkHost(name: string, host: string, hint: string): void {
  const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  if (isIP(host) === 0 && !hostname.test(host))
    throw new UserError(`${name}= has ${quote(host)}, which is not a host name or IP address.`, hint);
}

/** Every endpoint of every cluster the bot built: an attached cluster may not use them (they belong to their owner). */
export function provisionedClusterEndpoints(registry: ClusterRegistry): ReservedTargets {
  return {
    reason: 'an endpoint of a cluster the bot built, which only its owner may use',
    async targets() {
      return (await registry.list())
        .filter((record) => record.kind === 'provisioned')
        .flatMap((record) => (record.endpoints ? endpointTargets(record.endpoints) : []));
    },
  };
}

export function endpointTargets(endpoints: ClusterEndpoints): HostPort[] {
  return [
    endpoints.master,
    endpoints.marathon,
    endpoints.zookeeper,
    ...(endpoints.agents ?? []),
    ...Object.values(endpoints.apps ?? {}),
    endpoints.relay,
  ].flatMap((endpoint) => {
    const target = endpoint ? endpointTarget(endpoint) : undefined;
    return target ? [target] : [];
  });
}

/** `http://host:5050` or `host:2181` → host and port (undefined when it is neither). */
export function endpointTarget(endpoint: string): HostPort | undefined {
  try {
    if (/^https?:\/\//.test(endpoint)) return urlTarget(endpoint, endpoint.startsWith('https:') ? 443 : 80);
    return urlTarget(`tcp://${endpoint}`, 2181);
  } catch {
    return undefined;
  }
}
