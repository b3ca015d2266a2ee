import { CONTROL_CHARACTER, quote, UserError } from '../../errors.js';
import type { AgentSpec, ClusterSpec, ResourceEntry } from '../cluster-spec.js';
import {
  DEFAULT_AGENT_PORT,
  DEFAULT_AGENT_RESOURCES,
  DEFAULT_IMAGES,
  DEFAULT_MESOS_VERSION,
  DEFAULT_TIMEOUT,
  INHERIT_LOGGING,
  LOGGING_LEVELS,
  MARATHON_CMD,
  mesosImageTag,
  SUPPORTED_MESOS_VERSIONS,
} from './defaults.js';
import { type BlockNode, type PropertyNode, parseSyntax, type Scalar } from './syntax.js';
import { MinimesosFileError } from './tokens.js';

/** `scalar`: a number, or a string minimesos reads as one (its ResourceDefScalar takes `value = "0.5"` too). */
type Kind = 'string' | 'number' | 'boolean' | 'string-or-null' | 'scalar';

const CLUSTER_PROPERTIES: Record<string, Kind> = {
  clusterName: 'string-or-null',
  loggingLevel: 'string',
  mapAgentSandboxVolume: 'boolean',
  mapPortsToHost: 'boolean',
  mesosVersion: 'string',
  timeout: 'number',
};
const IMAGE_PROPERTIES: Record<string, Kind> = { imageName: 'string', imageTag: 'string' };
const MESOS_PROPERTIES: Record<string, Kind> = { ...IMAGE_PROPERTIES, loggingLevel: 'string' };
const BLOCK_PROPERTIES: Record<string, Record<string, Kind>> = {
  master: { ...MESOS_PROPERTIES, authenticate: 'boolean', aclJson: 'string-or-null' },
  agent: { ...MESOS_PROPERTIES, portNumber: 'number', attributes: 'string' },
  zookeeper: IMAGE_PROPERTIES,
  marathon: { ...IMAGE_PROPERTIES, cmd: 'string' },
  consul: IMAGE_PROPERTIES,
  registrator: IMAGE_PROPERTIES,
  mesosdns: IMAGE_PROPERTIES,
};
/** minimesos' own messages for a second block of a kind it allows once. */
const DUPLICATE_MESSAGES: Record<string, string> = {
  master: 'Multiple Masters are not supported in this version yet',
  zookeeper: 'Multiple Zookeepers are not supported in this version yet',
  marathon: 'Cannot have more than 1 marathon',
  consul: 'Cannot have more than 1 consul',
  registrator: 'Cannot have more than 1 registrator',
  mesosdns: 'Cannot have more than 1 mesosdns',
};
const RESOURCE_BLOCKS: Record<string, keyof AgentSpec['resources']> = { cpu: 'cpus', mem: 'mem', disk: 'disk', ports: 'ports' };

/** Reads a minimesosFile into the cluster it describes, as minimesos 0.13 would. */
export function parseMinimesosFile(source: string): ClusterSpec {
  const root = parseSyntax(source);
  let mesosVersion = DEFAULT_MESOS_VERSION;
  const spec: ClusterSpec = {
    clusterName: null,
    mesosVersion,
    loggingLevel: 'INFO',
    mapAgentSandboxVolume: false,
    mapPortsToHost: false,
    timeout: DEFAULT_TIMEOUT,
    zookeeper: { image: DEFAULT_IMAGES.zookeeper },
    master: { image: `${DEFAULT_IMAGES.master}:${mesosImageTag(mesosVersion)}`, authenticate: false, aclJson: null },
    agents: [],
    marathon: null,
    consul: null,
    registrator: null,
    mesosdns: null,
  };
  const seen = new Set<string>();
  for (const entry of root.entries) {
    if (entry.kind === 'property') {
      const value = checked(entry, CLUSTER_PROPERTIES, 'minimesos');
      switch (entry.name) {
        case 'clusterName':
          spec.clusterName = value as string | null;
          break;
        case 'loggingLevel':
          spec.loggingLevel = loggingLevel(entry);
          break;
        case 'mapAgentSandboxVolume':
          spec.mapAgentSandboxVolume = value as boolean;
          break;
        case 'mapPortsToHost':
          spec.mapPortsToHost = value as boolean;
          break;
        case 'timeout':
          if (!Number.isInteger(value) || (value as number) <= 0)
            fail(entry, `timeout must be a whole number of seconds, not ${String(value)}`);
          spec.timeout = value as number;
          break;
        case 'mesosVersion':
          if (!SUPPORTED_MESOS_VERSIONS.includes(String(value)))
            fail(entry, `mesosVersion ${quote(String(value))} is not supported; use one of ${SUPPORTED_MESOS_VERSIONS.join(', ')}`);
          // Only blocks that come after it use it: minimesos reads it when it builds each block.
          mesosVersion = String(value);
          spec.mesosVersion = mesosVersion;
          break;
      }
      continue;
    }
    // Own keys only, here and below: a block or property named `constructor` or `toString` is just unknown.
    if (!Object.hasOwn(BLOCK_PROPERTIES, entry.name)) fail(entry, `Block '${entry.name}' not supported`);
    if (entry.name !== 'agent') {
      if (seen.has(entry.name)) fail(entry, DUPLICATE_MESSAGES[entry.name]!);
      seen.add(entry.name);
    }
    switch (entry.name) {
      case 'master':
        spec.master = masterSpec(entry, mesosVersion);
        break;
      case 'agent':
        spec.agents.push(agentSpec(entry, mesosVersion));
        break;
      case 'marathon':
        spec.marathon = marathonSpec(entry);
        break;
      default:
        spec[entry.name as 'zookeeper' | 'consul' | 'registrator' | 'mesosdns'] = {
          image: image(entry, DEFAULT_IMAGES[entry.name as 'zookeeper']),
        };
    }
  }
  if (spec.registrator && !spec.consul) fail(root, 'Registrator requires a single Consul container (add a consul { } block)');
  // `up` adds a missing master block after reading the whole file, so it gets the final mesosVersion.
  if (!seen.has('master')) spec.master.image = `${DEFAULT_IMAGES.master}:${mesosImageTag(mesosVersion)}`;
  return spec;
}

/**
 * Longest cluster name the workshop builds. minimesos itself sets none, but the name titles every
 * progress message in Slack and is the master's `--cluster` label in the Mesos web UI: one short
 * line, as long as a host name label may be.
 */
export const MAX_CLUSTER_NAME_CHARS = 63;

/** What `minimesos up` refuses even though the file parses (and what the workshop refuses on top). */
export function validateForUp(spec: ClusterSpec): void {
  if (spec.agents.length === 0)
    throw new MinimesosFileError(1, 1, 'Cluster requires at least 1 Mesos Agent. Please add one in the minimesosFile.');
  if (spec.clusterName !== null) checkClusterName(spec.clusterName);
}

export function checkClusterName(name: string): void {
  if (name.length > MAX_CLUSTER_NAME_CHARS || CONTROL_CHARACTER.test(name))
    throw new UserError(
      `A cluster name may be at most ${MAX_CLUSTER_NAME_CHARS} characters, on one line, without control characters; ${quote(name, 40)} is not.`,
      'It titles your progress messages and the Mesos web UI: pick something short, like `--name my-cluster`.',
    );
}

/** The services minimesos runs that the workshop bot does not. */
const NOT_RUN_BLOCKS = ['consul', 'registrator', 'mesosdns'] as const;

/** Says which of the file's blocks the bot does not run (the cluster builds without them), or nothing when all run. */
export function blocksNotRunWarning(spec: ClusterSpec): string | undefined {
  const blocks = NOT_RUN_BLOCKS.filter((block) => spec[block] !== null);
  if (blocks.length === 0) return undefined;
  const named = blocks.length === 1 ? `a ${blocks[0]} block` : `${blocks.slice(0, -1).join(', ')} and ${blocks.at(-1)} blocks`;
  return `This minimesosFile has ${named}, which the workshop bot does not run (it runs ZooKeeper, the master, agents and Marathon): your cluster builds without ${blocks.length === 1 ? 'it' : 'them'}, so \${MINIMESOS_CONSUL…} and \${MINIMESOS_MESOSDNS…} tokens are not replaced and *.service.consul and *.mm names do not resolve.`;
}

/** A marathonJson the bot can fetch: a URL (a path names a file on the attendee's machine). */
export const isFetchableSource = (source: string): boolean => /^https?:\/\//.test(source);

/** Says which of the file's Marathon apps and groups are paths the bot cannot read, or nothing when all are URLs. */
function pathsNotFetchedWarning(spec: ClusterSpec): string | undefined {
  const paths = [...(spec.marathon?.apps ?? []), ...(spec.marathon?.groups ?? [])].filter((source) => !isFetchableSource(source));
  if (paths.length === 0) return undefined;
  const named = paths.map((path) => quote(path, 60)).join(', ');
  return `marathonJson ${named} ${paths.length === 1 ? 'is a file' : 'are files'} on your machine, which the bot cannot read, so ${paths.length === 1 ? 'it is' : 'they are'} not installed with the cluster: once it is ready, send ${paths.length === 1 ? 'that file' : 'each file'} to the bot with the words \`cluster install\` (or use a URL in the minimesosFile).`;
}

/** Everything about the file the attendee should know before the build: blocks not run, apps not installed. */
export function specWarnings(spec: ClusterSpec): string[] {
  return [blocksNotRunWarning(spec), pathsNotFetchedWarning(spec)].filter((warning) => warning !== undefined);
}

function masterSpec(block: BlockNode, mesosVersion: string): ClusterSpec['master'] {
  const props = properties(block, 'master');
  if (props.loggingLevel) loggingLevel(props.loggingLevel, true);
  return {
    image: image(block, `${DEFAULT_IMAGES.master}:${mesosImageTag(mesosVersion)}`),
    authenticate: (props.authenticate?.value as boolean | undefined) ?? false,
    aclJson: typeof props.aclJson?.value === 'string' ? props.aclJson.value.trim() : null,
  };
}

function agentSpec(block: BlockNode, mesosVersion: string): AgentSpec {
  const props = properties(block, 'agent');
  if (props.loggingLevel) loggingLevel(props.loggingLevel, true);
  const resources: AgentSpec['resources'] = {
    cpus: [{ role: '*', value: DEFAULT_AGENT_RESOURCES.cpus }],
    mem: [{ role: '*', value: DEFAULT_AGENT_RESOURCES.mem }],
    disk: [{ role: '*', value: DEFAULT_AGENT_RESOURCES.disk }],
    ports: [{ role: '*', value: DEFAULT_AGENT_RESOURCES.ports }],
  };
  for (const child of block.entries.filter((entry): entry is BlockNode => entry.kind === 'block')) {
    if (child.name !== 'resources') fail(child, `Block '${child.name}' not supported`);
    for (const resource of child.entries) {
      if (resource.kind === 'property')
        fail(resource, `'${resource.name}' is not a property of resources { }; it holds cpu { }, mem { }, disk { } and ports { } blocks`);
      const key = Object.hasOwn(RESOURCE_BLOCKS, resource.name) ? RESOURCE_BLOCKS[resource.name] : undefined;
      if (!key) fail(resource, `Block '${resource.name}' not supported (resources { } holds cpu, mem, disk and ports)`);
      const entry = resourceEntry(resource, key);
      // An entry for a role replaces that role's default (or earlier entry); other roles are added.
      const list = resources[key] as ResourceEntry<number | string>[];
      const at = list.findIndex((existing) => existing.role === entry.role);
      if (at >= 0) list[at] = entry;
      else list.push(entry);
    }
  }
  const portNumber = (props.portNumber?.value as number | undefined) ?? DEFAULT_AGENT_PORT;
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535)
    fail(props.portNumber!, `portNumber must be a port (1–65535), not ${portNumber}`);
  return {
    image: image(block, `${DEFAULT_IMAGES.agent}:${mesosImageTag(mesosVersion)}`),
    portNumber,
    attributes: (props.attributes?.value as string | undefined) ?? '',
    resources,
  };
}

function resourceEntry(block: BlockNode, key: keyof AgentSpec['resources']): ResourceEntry<number | string> {
  const props = properties(block, block.name, { role: 'string', value: key === 'ports' ? 'string' : 'scalar' });
  const role = (props.role?.value as string | undefined) ?? '*';
  if (!props.value) fail(block, `${block.name} { } needs a value = …`);
  if (key === 'ports') {
    const value = props.value.value as string;
    if (!/^\[\s*\d+\s*-\s*\d+\s*(,\s*\d+\s*-\s*\d+\s*)*\]$/.test(value))
      fail(props.value, `ports value must look like "[31000-32000]" (or "[31000-31010, 32000-32010]"), not ${quote(value)}`);
    return { role, value };
  }
  const value = scalarValue(props.value, block.name);
  if (value < 0) fail(props.value, `${block.name} value must not be negative`);
  return { role, value };
}

/** Megabytes per unit, for a mem or disk value written with one. */
const UNIT_MB: Record<string, number> = { M: 1, G: 1024, T: 1024 * 1024 };

/**
 * A cpu, mem or disk value: a number, or a string of one (`value = "0.5"`, as minimesos' ResourceDefScalar
 * parses it). minimesos reads "512M" or "5G" as 512 and 5 megabytes (DecimalFormat stops at the letter), so
 * "512M" is 512 and "5G" is refused with the number to write instead.
 */
function scalarValue(entry: PropertyNode, resource: string): number {
  if (typeof entry.value === 'number') return entry.value;
  const text = String(entry.value).trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const withUnit = /^(\d+(?:\.\d+)?)\s*([MGT])i?B?$/i.exec(text);
  // Megabytes said twice ("512M") mean what they say; "5G" would be 5 MB to minimesos.
  if (withUnit && resource !== 'cpu' && withUnit[2]!.toUpperCase() === 'M') return Number(withUnit[1]);
  if (withUnit && resource !== 'cpu') {
    const megabytes = Math.round(Number(withUnit[1]) * UNIT_MB[withUnit[2]!.toUpperCase()]!);
    fail(
      entry,
      `${resource} value ${quote(text)} has a unit; ${resource} is in megabytes, and minimesos would read only the number (${Number(withUnit[1])} MB): write value = ${megabytes}`,
    );
  }
  const decimalComma = /^\d+,\d+$/.test(text) ? ` (write ${text.replace(',', '.')}, with a dot)` : '';
  return fail(
    entry,
    `${resource} value must be a number, like ${resource === 'cpu' ? '2 or 0.5' : '1024'}, not ${quote(text)}${decimalComma}`,
  );
}

function marathonSpec(block: BlockNode): NonNullable<ClusterSpec['marathon']> {
  const { cmd } = properties(block, 'marathon');
  // `minimesos init` (0.13) writes its default command into every file; any other is refused, not dropped.
  if (cmd && String(cmd.value).trim().split(/\s+/).join(' ') !== MARATHON_CMD)
    fail(
      cmd,
      `the bot starts Marathon with minimesos' own command ("${MARATHON_CMD}") and cannot run one of yours: delete this cmd line, or set it back to that`,
    );
  const spec = { image: image(block, DEFAULT_IMAGES.marathon), apps: [] as string[], groups: [] as string[] };
  for (const child of block.entries.filter((entry): entry is BlockNode => entry.kind === 'block')) {
    if (child.name !== 'app' && child.name !== 'group')
      fail(child, `Block '${child.name}' not supported (marathon { } holds app { } and group { } blocks)`);
    const props = properties(child, child.name, { marathonJson: 'string' });
    if (!props.marathonJson) fail(child, `${child.name === 'app' ? 'App' : 'Group'} config must have a 'marathonJson' property`);
    (child.name === 'app' ? spec.apps : spec.groups).push(props.marathonJson.value as string);
  }
  return spec;
}

/** `imageName`/`imageTag` with the role's defaults, as `name:tag`. */
function image(block: BlockNode, fallback: string): string {
  const props = properties(block, block.name);
  const [defaultName, defaultTag] = splitImage(fallback);
  const tag = props.imageTag?.value as string | undefined;
  // minimesos 0.9 wrote this placeholder for "the tag that goes with mesosVersion".
  return `${(props.imageName?.value as string | undefined) ?? defaultName}:${tag === undefined || tag === DERIVE_TAG ? defaultTag : tag}`;
}

const DERIVE_TAG = '# derive from mesos version';

function splitImage(image: string): [string, string] {
  const at = image.lastIndexOf(':');
  return [image.slice(0, at), image.slice(at + 1)];
}

function properties(
  block: BlockNode,
  context: string,
  allowed: Record<string, Kind> = (Object.hasOwn(BLOCK_PROPERTIES, block.name) && BLOCK_PROPERTIES[block.name]) || {},
): Record<string, PropertyNode> {
  const found: Record<string, PropertyNode> = {};
  for (const entry of block.entries) {
    if (entry.kind !== 'property') continue;
    checked(entry, allowed, context);
    found[entry.name] = entry;
  }
  return found;
}

function checked(entry: PropertyNode, allowed: Record<string, Kind>, context: string): Scalar {
  const kind = Object.hasOwn(allowed, entry.name) ? allowed[entry.name] : undefined;
  if (!kind && entry.name === 'exposePorts')
    fail(
      entry,
      "'exposePorts' was removed from minimesos in 0.9 (May 2016): delete this line (mapPortsToHost = true publishes the master and Marathon ports)",
    );
  if (!kind)
    fail(
      entry,
      `'${entry.name}' is not a property of ${context} { } (No such property: ${entry.name}); it takes ${Object.keys(allowed).join(', ')}`,
    );
  // Groovy assigns a number to a String property as its text: `mesosVersion = 0.28` is "0.28".
  if ((kind === 'string' || kind === 'string-or-null') && typeof entry.value === 'number') entry.value = entry.text;
  const value = entry.value;
  const ok =
    kind === 'string-or-null'
      ? value === null || typeof value === 'string'
      : kind === 'scalar'
        ? typeof value === 'number' || typeof value === 'string'
        : typeof value === kind;
  if (!ok)
    fail(
      entry,
      `${entry.name} must be ${kind === 'string-or-null' ? 'a "string" or null' : kind === 'string' ? 'a "string"' : kind === 'scalar' ? 'a number' : `a ${kind}`}, not ${JSON.stringify(value)}`,
    );
  return value;
}

function loggingLevel(entry: PropertyNode, allowInherit = false): ClusterSpec['loggingLevel'] {
  const level = String(entry.value).toUpperCase();
  if (allowInherit && entry.value === INHERIT_LOGGING) return 'INFO';
  if (!(LOGGING_LEVELS as readonly string[]).includes(level))
    fail(entry, `loggingLevel must be INFO, WARNING or ERROR, not ${quote(String(entry.value))}`);
  return level as ClusterSpec['loggingLevel'];
}

function fail(at: { line: number; column: number }, message: string): never {
  throw new MinimesosFileError(at.line, at.column, message);
}
