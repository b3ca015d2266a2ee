import type { ClusterEndpoints, ClusterRecord } from './cluster-record.js';

/**
 * minimesos' tokens in Marathon JSON (MarathonContainer.replaceTokens): `${MINIMESOS_<ROLE>}`, `_IP`
 * and `_PORT` for each role that has exactly one container, `${MINIMESOS_NETWORK_GATEWAY}` and
 * `${MINIMESOS_HOST_DIR}`. The same names, without `_PORT`, are the lines `minimesos info` prints.
 */

/** Where a cluster's services answer, seen from one side: the attendee's terminal, or a task inside the cluster. */
export interface ClusterAddresses extends Pick<ClusterEndpoints, 'master' | 'marathon' | 'zookeeper' | 'agents'> {
  /** The gateway of the cluster's Docker network. */
  gateway?: string;
}

/** A token left as it was in an installed JSON, and why. */
export interface TokenNotReplaced {
  token: string;
  reason: string;
}

/** The `${MINIMESOS_…}` names and values for a cluster seen from `addresses`. */
export function minimesosTokens(addresses: ClusterAddresses): Record<string, string> {
  const tokens: Record<string, string> = addresses.gateway ? { MINIMESOS_NETWORK_GATEWAY: addresses.gateway } : {};
  for (const [role, url] of roleUrls(addresses)) {
    const { hostname, port } = hostAndPort(url);
    tokens[`MINIMESOS_${role}`] = url;
    tokens[`MINIMESOS_${role}_IP`] = hostname;
    tokens[`MINIMESOS_${role}_PORT`] = port;
  }
  return tokens;
}

/** The `export MINIMESOS_…` lines `minimesos info` prints, for a cluster seen from `addresses`. */
export function exportLines(addresses: ClusterAddresses): string[] {
  return [
    ...(addresses.gateway ? [`export MINIMESOS_NETWORK_GATEWAY=${addresses.gateway}`] : []),
    ...roleUrls(addresses).map(
      ([role, url]) => `export MINIMESOS_${role}=${url}; export MINIMESOS_${role}_IP=${hostAndPort(url).hostname}`,
    ),
  ];
}

/**
 * What `/cluster install` puts into an app: for a cluster the bot built, its services' addresses
 * inside the cluster (where the app runs); for an attached one, the addresses its owner gave.
 */
export function installTokens(record: Pick<ClusterRecord, 'clusterTokens' | 'endpoints'>): Record<string, string> {
  return record.clusterTokens ?? (record.endpoints ? minimesosTokens(record.endpoints) : {});
}

/**
 * Replaces `${MINIMESOS_…}` tokens as minimesos does, and says which tokens it left and why: names
 * this cluster has no value for, and the forms minimesos never replaced (`{{…}}`, `$NAME`).
 */
export function replaceTokens(json: string, tokens: Record<string, string>): { text: string; notReplaced: TokenNotReplaced[] } {
  const notReplaced = new Map<string, string>();
  const text = json.replace(/\$\{(MINIMESOS_\w+)\}/g, (token, name: string) => {
    const value = tokens[name];
    if (value === undefined) notReplaced.set(token, whyNoValue(name));
    return value ?? token;
  });
  for (const [token, name] of json.matchAll(/\{\{(MINIMESOS_\w+)\}\}/g))
    notReplaced.set(token, `minimesos never replaced this old form (from its early elasticsearch.json); write \${${name}}`);
  for (const [token, name] of json.matchAll(/\$(MINIMESOS_\w+)/g))
    notReplaced.set(token, `only the \${…} form is replaced; write \${${name}} to have the bot fill it in`);
  return { text, notReplaced: [...notReplaced].map(([token, reason]) => ({ token, reason })) };
}

/** The services minimesos can run that the bot's clusters never have. */
const NOT_RUN = ['CONSUL', 'REGISTRATOR', 'MESOSDNS'];

function whyNoValue(name: string): string {
  if (name === 'MINIMESOS_HOST_DIR')
    return "your cluster runs on the workshop's Docker hosts, so there is no minimesos directory on your machine to point to";
  if (name === 'MINIMESOS_NETWORK_GATEWAY') return 'the bot does not know the Docker network of a cluster you attached';
  const role = /^MINIMESOS_([A-Z]+?)(?:_IP|_PORT)?$/.exec(name)?.[1] ?? '';
  if (NOT_RUN.includes(role))
    return `this cluster runs no ${role.toLowerCase()}; the workshop bot does not run ${NOT_RUN.map((service) => service.toLowerCase()).join('/')}`;
  if (role === 'AGENT') return 'minimesos defines it only for a cluster with exactly one agent';
  if (role === 'MARATHON' || role === 'ZOOKEEPER') {
    const key = role.toLowerCase();
    return `the bot knows no ${key} for this cluster (for a cluster you attached, give ${key}= to /cluster attach)`;
  }
  return 'minimesos has no such token: it fills MINIMESOS_<ROLE>, _IP and _PORT for ZOOKEEPER, MASTER, MARATHON, AGENT (one agent only), CONSUL and MESOSDNS, and MINIMESOS_NETWORK_GATEWAY and MINIMESOS_HOST_DIR';
}

/** minimesos' service URL of each role that has exactly one container (ClusterUtil.getDistinctRoleProcesses). */
function roleUrls(addresses: ClusterAddresses): Array<[role: string, url: string]> {
  return [
    ...(addresses.zookeeper ? [['ZOOKEEPER', `zk://${addresses.zookeeper}/mesos`] as [string, string]] : []),
    ['MASTER', addresses.master],
    ...(addresses.marathon ? [['MARATHON', addresses.marathon] as [string, string]] : []),
    ...(addresses.agents?.length === 1 ? [['AGENT', addresses.agents[0]!] as [string, string]] : []),
  ];
}

function hostAndPort(url: string): { hostname: string; port: string } {
  const parsed = new URL(url.replace(/^zk:/, 'http:'));
  return { hostname: parsed.hostname, port: parsed.port || (parsed.protocol === 'https:' ? '443' : '80') };
}
