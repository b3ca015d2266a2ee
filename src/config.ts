import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type AllowList, AllowListError, parseAllowList } from './clients/address-policy.js';
import { type DockerHostAddress, DockerHostsError, parseDockerHosts } from './docker/host-address.js';
import { DEFAULT_DIND_IMAGE, localImage } from './docker/image-names.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/** When a variable must be set: for `serve` (the Slack app), or for `serve` over HTTP (not Socket Mode). */
type Requirement = 'slack' | 'slack-http';

/** One environment variable: everything validation, README and `.env.example` say about it comes from here. */
interface Variable<T> {
  name: string;
  /** What it is for; shown next to every problem with it. */
  description: string;
  /** Used when the variable is unset or empty. */
  default?: string;
  /** The value `.env.example` shows when there is no default. */
  example?: string;
  required?: Requirement;
  /** Parses the trimmed text; issues are phrased to follow the variable's name. */
  schema: z.ZodType<T, string>;
}

const variable = <T>(spec: Variable<T>): Variable<T> => spec;

const text = z.string();

function integer(min: number, max: number, phrase = `a number from ${min} to ${max}`) {
  return text.transform((raw, ctx) => {
    const value = Number(raw);
    if (/^-?\d+$/.test(raw) && value >= min && value <= max) return value;
    ctx.addIssue({ code: 'custom', message: `must be ${phrase} ("${raw}")` });
    return z.NEVER;
  });
}

function decimal(min: number, max: number, phrase: string) {
  return text.transform((raw, ctx) => {
    const value = Number(raw);
    if (raw !== '' && value >= min && value <= max) return value;
    ctx.addIssue({ code: 'custom', message: `must be ${phrase} ("${raw}")` });
    return z.NEVER;
  });
}

function oneOf<const T extends readonly string[]>(values: T, unknown?: (raw: string) => string) {
  return text.transform((raw, ctx) => {
    const value = raw.toLowerCase();
    if ((values as readonly string[]).includes(value)) return value as T[number];
    ctx.addIssue({ code: 'custom', message: unknown ? unknown(raw) : `must be ${values.join(' or ')}, not "${raw}"` });
    return z.NEVER;
  });
}

const token = (prefix: string) => text.refine((raw) => raw.startsWith(prefix), { message: `should start with "${prefix}"` });

const httpUrl = text.refine((raw) => URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol), {
  message: 'is not an http(s) URL',
});

const slackUserIds = text.transform((raw, ctx) => {
  const ids = raw
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
  if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `has entries that are not Slack user ids (${bad.join(', ')})` });
  return ids;
});

const portList = text.transform((raw, ctx) => {
  const ports: number[] = [];
  for (const part of raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    if (!match || first < 1 || last > 65535 || last < first) {
      ctx.addIssue({ code: 'custom', message: `has "${part}", which is not a port (1-65535) or a range like 8000-8009` });
      return z.NEVER;
    }
    for (let port = first; port <= last; port++) ports.push(port);
  }
  if (ports.length > 100) ctx.addIssue({ code: 'custom', message: `lists ${ports.length} ports; at most 100 are published per attendee` });
  return ports;
});

const dockerHosts = text.transform((raw, ctx): DockerHostAddress[] => {
  try {
    return parseDockerHosts(raw);
  } catch (error) {
    if (!(error instanceof DockerHostsError)) throw error;
    ctx.addIssue({ code: 'custom', message: `is not usable: ${error.message.replace(/^DOCKER_HOSTS /, '')} ${error.hint}` });
    return z.NEVER;
  }
});

const allowList = text.transform((raw, ctx): AllowList => {
  try {
    return parseAllowList(raw);
  } catch (error) {
    if (!(error instanceof AllowListError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/** Every variable the bot reads, in the order README and `.env.example` list them. */
export const CONFIG_VARIABLES = {
  SLACK_BOT_TOKEN: variable({
    name: 'SLACK_BOT_TOKEN',
    required: 'slack',
    example: 'xoxb-your-bot-token',
    description: "the bot user's OAuth token (Slack app → OAuth & Permissions)",
    schema: token('xoxb-'),
  }),
  SLACK_SIGNING_SECRET: variable({
    name: 'SLACK_SIGNING_SECRET',
    required: 'slack-http',
    example: 'your-signing-secret',
    description: 'verifies that requests come from Slack (Slack app → Basic Information)',
    schema: text,
  }),
  SLACK_APP_TOKEN: variable({
    name: 'SLACK_APP_TOKEN',
    description: 'an app-level token (`xapp-…`, connections:write): set it to use Socket Mode instead of a public URL',
    schema: token('xapp-'),
  }),
  SLACK_API_URL: variable({
    name: 'SLACK_API_URL',
    description: "points the Web API client at another server (the tests' fake Slack); leave it empty for Slack itself",
    schema: httpUrl,
  }),
  REDIS_URL: variable({
    name: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis for the store and the BullMQ queues; run it with AOF persistence and `maxmemory-policy noeviction`',
    schema: text.regex(/^rediss?:\/\/\S+$/, { message: 'must look like redis://host:port' }),
  }),
  WORKSHOP_KEY_PREFIX: variable({
    name: 'WORKSHOP_KEY_PREFIX',
    default: 'wb',
    description:
      'prefix of every Redis key and BullMQ queue: two bots sharing one Redis must use different prefixes. A Docker host needs nothing: each Redis gets its own deployment id (`<prefix>-<8 hex digits>`, made once, kept in Redis, logged at start) for the `workshop.deployment` label, and a deployment only ever removes containers with its own id',
    schema: text.regex(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'must be 1 to 40 letters, digits, ".", "_" or "-"' }),
  }),
  PORT: variable({
    name: 'PORT',
    default: '3000',
    description: 'HTTP port of `serve`: POST /slack/events, GET /healthz, and the projector board (GET `/board/<token>`)',
    schema: integer(1, 65535),
  }),
  PUBLIC_URL: variable({
    name: 'PUBLIC_URL',
    example: 'https://workshop-bot.example.org',
    description:
      "where browsers reach `serve` (the host of Slack's request URL): the projector board's secret link that `/workshop board` gives is `<PUBLIC_URL>/board/<token>`",
    schema: httpUrl,
  }),
  INSTRUCTORS: variable({
    name: 'INSTRUCTORS',
    example: 'U012AB3CD,U045EF6GH',
    description: 'comma-separated Slack user ids allowed to run instructor commands (/workshop)',
    schema: slackUserIds,
  }),
  INSTRUCTOR_GROUP: variable({
    name: 'INSTRUCTOR_GROUP',
    example: 'S0INSTRUCT',
    description:
      'id of a Slack user group whose members are instructors too (read with usergroups.users.list, scope usergroups:read, paid workspaces; cached for 3 minutes)',
    schema: text.regex(/^S[A-Z0-9]{2,}$/, { message: 'must be a Slack user group id (S…)' }),
  }),
  WORKSHOP_CHANNEL: variable({
    name: 'WORKSHOP_CHANNEL',
    example: 'C0WORKSHOP',
    description:
      'channel id of the workshop room, where /workshop broadcast and /workshop start post (invite the bot there). Unset: the channel where an instructor first used /workshop; `/workshop channel here` moves it',
    schema: text.regex(/^[CG][A-Z0-9]{2,}$/, { message: 'must be a Slack channel id (C… or G…)' }),
  }),
  BROADCAST_PER_MINUTE: variable({
    name: 'BROADCAST_PER_MINUTE',
    default: '300',
    description:
      "messages per minute a broadcast posts, all workers together (Slack's chat.postMessage allows about one a second per channel and several hundred a minute per workspace); a 429 pauses every worker for its Retry-After",
    schema: integer(1, 60_000),
  }),
  CHECKIN_CONCURRENCY: variable({
    name: 'CHECKIN_CONCURRENCY',
    default: '10',
    description:
      "attendees' clusters a check-in sweep (`/workshop checkins`) checks at once; a worker process runs one sweep at a time, and each check makes a few HTTP calls to the attendee's cluster",
    schema: integer(1, 200),
  }),
  CHECKIN_STUCK_MINUTES: variable({
    name: 'CHECKIN_STUCK_MINUTES',
    default: '5',
    description:
      'minutes without passing a step (since their first check or last pass) after which a check-in sweep nudges an attendee by DM with the hint of their next step, once per step and session; 0 nudges at the first sweep that finds them failing',
    schema: decimal(0, 240, 'a number of minutes from 0 to 240'),
  }),
  INSTRUCTOR_CHANNEL: variable({
    name: 'INSTRUCTOR_CHANNEL',
    example: 'C0INSTRUCT',
    description: 'channel id where "Ask the instructor" questions from /faq are posted (invite the bot there)',
    schema: text,
  }),
  LOG_LEVEL: variable({
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'trace, debug, info, warn, error, fatal or silent; logs are JSON lines (pino), pretty on a terminal',
    schema: oneOf(LOG_LEVELS, (raw) => `"${raw}" is unknown`),
  }),
  DOCKER_HOSTS: variable({
    name: 'DOCKER_HOSTS',
    example: 'unix:///var/run/docker.sock,tcp://10.0.0.5:2376?tls=/etc/workshop/certs&publish=203.0.113.7&control=10.0.0.5',
    description:
      'Docker engines that run attendee clusters, comma-separated, in the forms DOCKER_HOST takes (tcp://host:2376?tls=<folder with ca.pem, cert.pem, key.pem>); `publish=IP`: the address published ports use, `control=IP`: the private address where workers reach attendee engines (default 127.0.0.1: run workers on the hosts). Empty: the local engine, published on 127.0.0.1',
    schema: dockerHosts,
  }),
  CLUSTER_IMAGES: variable({
    name: 'CLUSTER_IMAGES',
    default: 'minimesos',
    description: 'minimesos (the real images) or local (stand-ins built by `workshop-bot images build`, no registry needed)',
    schema: oneOf(['minimesos', 'local'] as const),
  }),
  CLUSTER_ISOLATION: variable({
    name: 'CLUSTER_ISOLATION',
    default: 'dind',
    description:
      "dind: each attendee's cluster inside their own Docker engine container (limits, own port block, no view of others); shared: containers directly on the host's engine (one attendee per host, or tests)",
    schema: oneOf(['dind', 'shared'] as const),
  }),
  DIND_RUNTIME: variable({
    name: 'DIND_RUNTIME',
    example: 'sysbox-runc',
    description: 'the container runtime of the attendee engine containers (a sandboxing runtime installed on every Docker host)',
    schema: text,
  }),
  DIND_IMAGE: variable({
    name: 'DIND_IMAGE',
    example: DEFAULT_DIND_IMAGE,
    description: `the attendee engine image (default ${DEFAULT_DIND_IMAGE}; with CLUSTER_IMAGES=local the stand-in workshop-bot/dind:<hash of its inputs>)`,
    schema: text,
  }),
  APP_PORTS: variable({
    name: 'APP_PORTS',
    default: '80,3306,4040,5601,8000-8009,9200',
    description:
      "attendees' app ports each engine publishes (dind) for their browser: nginx and WordPress on 80, MySQL 3306, Weave Scope 4040, Kibana 5601, Elasticsearch 9200; /cluster info shows where they answer (checks reach other task ports through the engine's relay)",
    schema: portList,
  }),
  MAX_AGENTS: variable({
    name: 'MAX_AGENTS',
    default: '5',
    description: 'most agents one attendee may ask for (`/cluster up --agents N` or agent blocks in a minimesosFile)',
    schema: integer(1, 50),
  }),
  HOST_MAX_CLUSTERS: variable({
    name: 'HOST_MAX_CLUSTERS',
    default: '20',
    description:
      "clusters one Docker host runs at most. A cluster also reserves its containers' memory (up to 80% of the host) and a quarter CPU per container (their cap is one CPU each), against 16× the host's cores: workshop clusters idle most of the time",
    schema: integer(1, 10_000, 'a whole number of at least 1'),
  }),
  WARM_CLUSTERS: variable({
    name: 'WARM_CLUSTERS',
    default: '0',
    description:
      "clusters of the default shape each Docker host keeps built, healthy and unassigned, so `/cluster up` hands one out in seconds (counted against the host's capacity; `/workshop warm <N> [--agents A | --minimesosfile …]` changes it while the bot runs)",
    schema: integer(0, 1000),
  }),
  HOST_MIN_FREE_DISK_GB: variable({
    name: 'HOST_MIN_FREE_DISK_GB',
    default: '5',
    description: 'free disk (GB) every Docker host keeps: below it no new cluster goes there (measured each minute)',
    schema: decimal(0, Number.MAX_SAFE_INTEGER, 'a number of GB, 0 or more'),
  }),
  ATTACH_ALLOW: variable({
    name: 'ATTACH_ALLOW',
    default: 'public',
    description:
      "where clusters linked with /cluster attach may be: comma-separated networks (CIDRs such as 10.0.0.0/8,127.0.0.0/8) and/or `public` (every globally routable address). Link-local, multicast and unspecified addresses, the bot's own Redis and the clusters the bot built are refused whatever it says",
    schema: allowList,
  }),
  EXERCISES_DIR: variable({
    name: 'EXERCISES_DIR',
    example: '/etc/workshop/exercises',
    description: 'folder of the exercise files (NN-name.yaml) /check uses (default: the exercises/ folder of the bot)',
    schema: text,
  }),
  CLUSTER_TTL_HOURS: variable({
    name: 'CLUSTER_TTL_HOURS',
    default: '8',
    description: 'hours a cluster lives before the reaper removes it; a warning with an Extend button comes 15 minutes before',
    schema: decimal(0.1, 168, 'a number of hours from 0.1 to 168'),
  }),
};

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;
type Parsed = { [Name in ConfigVariable]: z.output<(typeof CONFIG_VARIABLES)[Name]['schema']> };

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
  };
  redisUrl: string;
  port: number;
  /** Where browsers reach `serve` (the board's link). */
  publicUrl?: string;
  instructors: string[];
  /** A Slack user group whose members are instructors as well. */
  instructorGroup?: string;
  /** The workshop room's channel, when fixed by the deployment. */
  workshopChannel?: string;
  broadcastPerMinute: number;
  /** Clusters one worker checks at once during a check-in sweep. */
  checkinConcurrency: number;
  /** No step passed for this long: a check-in sweep nudges the attendee. */
  checkinStuckMs: number;
  instructorChannel?: string;
  logLevel: LogLevel;
  /** Prefix of every Redis key and BullMQ queue, so one Redis can serve several bots or test runs. */
  keyPrefix: string;
  dockerHosts: DockerHostAddress[];
  clusterImages: 'minimesos' | 'local';
  isolation: 'dind' | 'shared';
  dindRuntime?: string;
  dindImage: string;
  appPorts: number[];
  maxAgents: number;
  clusterTtlMs: number;
  /** Networks attached clusters may use (ATTACH_ALLOW). */
  attachAllow: AllowList;
  hostMaxClusters: number;
  /** Warm clusters each Docker host keeps ready (until `/workshop warm` says otherwise). */
  warmClusters: number;
  hostMinFreeDiskBytes: number;
  /** Where the exercises are read from; default the bot's own exercises/. */
  exercisesDir?: string;
}

/** `slack`: the Slack app (serve); `local`: terminal commands that never talk to Slack. */
export type ConfigMode = 'slack' | 'local';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The configuration is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee README.md (Configuration) or .env.example.`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and checks every variable; all problems are reported at once, each with what the variable is for. */
export function loadConfig(env: Env = process.env, mode: ConfigMode = 'slack'): Config {
  const problems: string[] = [];
  const raw = (name: ConfigVariable) => env[name]?.trim() || undefined;
  const socketMode = raw('SLACK_APP_TOKEN') !== undefined;
  const values: Partial<Record<ConfigVariable, unknown>> = {};
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES) as Array<[ConfigVariable, Variable<unknown>]>) {
    const given = raw(name) ?? spec.default;
    if (given === undefined) {
      const needed = mode === 'slack' && (spec.required === 'slack' || (spec.required === 'slack-http' && !socketMode));
      if (needed) problems.push(`${name} is missing: ${spec.description}`);
      continue;
    }
    const result = spec.schema.safeParse(given);
    if (result.success) values[name] = result.data;
    else problems.push(...result.error.issues.map((issue) => `${name} ${issue.message}: ${spec.description}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = values as Parsed;
  return {
    slack: {
      ...(parsed.SLACK_BOT_TOKEN ? { botToken: parsed.SLACK_BOT_TOKEN } : {}),
      ...(parsed.SLACK_SIGNING_SECRET ? { signingSecret: parsed.SLACK_SIGNING_SECRET } : {}),
      ...(parsed.SLACK_APP_TOKEN ? { appToken: parsed.SLACK_APP_TOKEN } : {}),
      ...(parsed.SLACK_API_URL ? { apiUrl: parsed.SLACK_API_URL } : {}),
    },
    redisUrl: parsed.REDIS_URL,
    port: parsed.PORT,
    ...(parsed.PUBLIC_URL ? { publicUrl: parsed.PUBLIC_URL } : {}),
    instructors: parsed.INSTRUCTORS ?? [],
    ...(parsed.INSTRUCTOR_GROUP ? { instructorGroup: parsed.INSTRUCTOR_GROUP } : {}),
    ...(parsed.WORKSHOP_CHANNEL ? { workshopChannel: parsed.WORKSHOP_CHANNEL } : {}),
    broadcastPerMinute: parsed.BROADCAST_PER_MINUTE,
    checkinConcurrency: parsed.CHECKIN_CONCURRENCY,
    checkinStuckMs: Math.round(parsed.CHECKIN_STUCK_MINUTES * 60_000),
    ...(parsed.INSTRUCTOR_CHANNEL ? { instructorChannel: parsed.INSTRUCTOR_CHANNEL } : {}),
    logLevel: parsed.LOG_LEVEL,
    keyPrefix: parsed.WORKSHOP_KEY_PREFIX,
    dockerHosts: parsed.DOCKER_HOSTS ?? parseDockerHosts(''),
    clusterImages: parsed.CLUSTER_IMAGES,
    isolation: parsed.CLUSTER_ISOLATION,
    ...(parsed.DIND_RUNTIME ? { dindRuntime: parsed.DIND_RUNTIME } : {}),
    dindImage: parsed.DIND_IMAGE ?? (parsed.CLUSTER_IMAGES === 'local' ? localImage('dind') : DEFAULT_DIND_IMAGE),
    appPorts: parsed.APP_PORTS,
    maxAgents: parsed.MAX_AGENTS,
    clusterTtlMs: parsed.CLUSTER_TTL_HOURS * 3600 * 1000,
    attachAllow: parsed.ATTACH_ALLOW,
    hostMaxClusters: parsed.HOST_MAX_CLUSTERS,
    warmClusters: parsed.WARM_CLUSTERS,
    hostMinFreeDiskBytes: parsed.HOST_MIN_FREE_DISK_GB * 1e9,
    ...(parsed.EXERCISES_DIR ? { exercisesDir: parsed.EXERCISES_DIR } : {}),
  };
}

/** Reads `.env` into the environment (variables already set win), like dotenv, with Node's own parser. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
