import { existsSync } from 'node:fs';
import { LOCAL_IMAGES } from './docker/local-images.js';

/** What the bot reads from its environment (and `.env`). One table drives validation, README and .env.example. */
export const CONFIG_VARIABLES = [
  { name: 'SLACK_BOT_TOKEN', required: 'slack', example: 'xoxb-…', help: "the bot user's OAuth token (Slack app → OAuth & Permissions)" },
  {
    name: 'SLACK_SIGNING_SECRET',
    required: 'slack-http',
    example: '8f7e…',
    help: 'verifies that requests come from Slack (Slack app → Basic Information)',
  },
  {
    name: 'SLACK_APP_TOKEN',
    required: 'no',
    example: 'xapp-…',
    help: 'optional; set it to use Socket Mode instead of the HTTP endpoint (needs connections:write)',
  },
  {
    name: 'SLACK_API_URL',
    required: 'no',
    example: 'http://127.0.0.1:4000/api/',
    help: "optional; points the Web API client at another server (the tests' fake Slack)",
  },
  {
    name: 'REDIS_URL',
    required: 'no',
    example: 'redis://127.0.0.1:6379',
    help: 'Redis for the store and the BullMQ queues (default redis://127.0.0.1:6379)',
  },
  { name: 'PORT', required: 'no', example: '3000', help: 'HTTP port of `serve`: POST /slack/events, GET /healthz (default 3000)' },
  {
    name: 'INSTRUCTORS',
    required: 'no',
    example: 'U012AB3CD,U045EF6GH',
    help: 'comma-separated Slack user ids allowed to run instructor commands',
  },
  {
    name: 'INSTRUCTOR_CHANNEL',
    required: 'no',
    example: 'C0INSTRUCT',
    help: 'channel id where attendees\' "Ask the instructor" questions are posted (the bot must be in it)',
  },
  { name: 'LOG_LEVEL', required: 'no', example: 'info', help: 'trace, debug, info, warn, error or fatal (default info)' },
  {
    name: 'DOCKER_HOSTS',
    required: 'no',
    example: 'unix:///var/run/docker.sock,tcp://10.0.0.5:2376?tls=/etc/workshop/certs',
    help: 'Docker engines that run attendee clusters, comma-separated (default: the local engine)',
  },
  {
    name: 'CLUSTER_IMAGES',
    required: 'no',
    example: 'minimesos',
    help: 'minimesos (the real images, default) or local (stand-ins built by `workshop-bot images build`, no registry needed)',
  },
  {
    name: 'CLUSTER_ISOLATION',
    required: 'no',
    example: 'dind',
    help: "dind (default: each attendee's cluster inside its own Docker engine container) or shared (containers directly on the host's engine: one attendee per host, or tests)",
  },
  {
    name: 'DIND_RUNTIME',
    required: 'no',
    example: 'sysbox-runc',
    help: "optional; the container runtime of the attendees' engine containers (a sandboxing runtime installed on every Docker host)",
  },
  {
    name: 'DIND_IMAGE',
    required: 'no',
    example: 'docker:20.10-dind',
    help: "optional; the image of the attendees' engine containers (default docker:20.10-dind, or workshop-bot/dind:local with CLUSTER_IMAGES=local)",
  },
  {
    name: 'APP_PORTS',
    required: 'no',
    example: '80,3306,8000-8009',
    help: "ports of attendees' apps published from their engine in dind mode (default 80,3306,8000-8009)",
  },
  { name: 'MAX_AGENTS', required: 'no', example: '5', help: 'most agents one attendee may ask for (default 5)' },
  {
    name: 'HOST_MAX_CLUSTERS',
    required: 'no',
    example: '20',
    help: 'clusters one Docker host runs at most (default 20); memory (80% of the host) and CPU limits (16× overcommitted) are reserved too',
  },
  {
    name: 'HOST_MIN_FREE_DISK_GB',
    required: 'no',
    example: '5',
    help: 'free disk (GB) a Docker host keeps; below it no new cluster is placed there (default 5)',
  },
  {
    name: 'EXERCISES_DIR',
    required: 'no',
    example: '/etc/workshop/exercises',
    help: 'folder of the exercise files (NN-name.yaml) /check uses (default: exercises/ of the bot)',
  },
  {
    name: 'CLUSTER_TTL_HOURS',
    required: 'no',
    example: '8',
    help: 'hours a cluster lives before the reaper removes it (default 8; a warning with an Extend button comes 15 minutes before)',
  },
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number]['name'];

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
  };
  redisUrl: string;
  port: number;
  instructors: string[];
  instructorChannel?: string;
  logLevel: LogLevel;
  /** Prefix of every Redis key and BullMQ queue, so one Redis can serve several bots or test runs. */
  keyPrefix: string;
  dockerHosts: string;
  clusterImages: 'minimesos' | 'local';
  isolation: 'dind' | 'shared';
  dindRuntime?: string;
  dindImage: string;
  appPorts: number[];
  maxAgents: number;
  clusterTtlMs: number;
  hostMaxClusters: number;
  hostMinFreeDiskBytes: number;
  /** Where the exercises are read from; default the bot's own exercises/. */
  exercisesDir?: string;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

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

export function loadConfig(env: Env = process.env, mode: ConfigMode = 'slack'): Config {
  const problems: string[] = [];
  const value = (name: ConfigVariable) => {
    const raw = env[name]?.trim();
    return raw === '' ? undefined : raw;
  };
  const describe = (name: ConfigVariable) => CONFIG_VARIABLES.find((v) => v.name === name)!.help;
  const requireVar = (name: ConfigVariable) => {
    if (!value(name)) problems.push(`${name} is missing: ${describe(name)}`);
  };

  const appToken = value('SLACK_APP_TOKEN');
  if (mode === 'slack') {
    requireVar('SLACK_BOT_TOKEN');
    if (!appToken) requireVar('SLACK_SIGNING_SECRET');
  }
  const botToken = value('SLACK_BOT_TOKEN');
  if (botToken && !botToken.startsWith('xoxb-')) problems.push(`SLACK_BOT_TOKEN should start with "xoxb-": ${describe('SLACK_BOT_TOKEN')}`);
  if (appToken && !appToken.startsWith('xapp-')) problems.push(`SLACK_APP_TOKEN should start with "xapp-": ${describe('SLACK_APP_TOKEN')}`);

  const apiUrl = value('SLACK_API_URL');
  if (apiUrl && !isHttpUrl(apiUrl)) problems.push(`SLACK_API_URL is not an http(s) URL ("${apiUrl}"): ${describe('SLACK_API_URL')}`);

  const redisUrl = value('REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    problems.push(`REDIS_URL must look like redis://host:port ("${redisUrl}"): ${describe('REDIS_URL')}`);

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push(`PORT must be a number from 1 to 65535 ("${portText}"): ${describe('PORT')}`);

  const instructors = (value('INSTRUCTORS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const badIds = instructors.filter((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
  if (badIds.length > 0)
    problems.push(`INSTRUCTORS has entries that are not Slack user ids (${badIds.join(', ')}): ${describe('INSTRUCTORS')}`);

  const logLevel = (value('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL "${logLevel}" is unknown: ${describe('LOG_LEVEL')}`);

  const clusterImages = (value('CLUSTER_IMAGES') ?? 'minimesos').toLowerCase();
  if (clusterImages !== 'minimesos' && clusterImages !== 'local')
    problems.push(`CLUSTER_IMAGES must be minimesos or local, not "${clusterImages}": ${describe('CLUSTER_IMAGES')}`);

  const isolation = (value('CLUSTER_ISOLATION') ?? 'dind').toLowerCase();
  if (isolation !== 'dind' && isolation !== 'shared')
    problems.push(`CLUSTER_ISOLATION must be dind or shared, not "${isolation}": ${describe('CLUSTER_ISOLATION')}`);

  const appPortsText = value('APP_PORTS') ?? '80,3306,8000-8009';
  const appPorts = parsePortList(appPortsText);
  if (typeof appPorts === 'string') problems.push(`APP_PORTS ${appPorts} ("${appPortsText}"): ${describe('APP_PORTS')}`);

  const maxAgentsText = value('MAX_AGENTS') ?? '5';
  const maxAgents = Number(maxAgentsText);
  if (!Number.isInteger(maxAgents) || maxAgents < 1 || maxAgents > 50)
    problems.push(`MAX_AGENTS must be a number from 1 to 50 ("${maxAgentsText}"): ${describe('MAX_AGENTS')}`);

  const ttlText = value('CLUSTER_TTL_HOURS') ?? '8';
  const ttlHours = Number(ttlText);
  if (!(ttlHours > 0 && ttlHours <= 24 * 7))
    problems.push(`CLUSTER_TTL_HOURS must be a number of hours from 0.1 to 168 ("${ttlText}"): ${describe('CLUSTER_TTL_HOURS')}`);

  const hostMaxText = value('HOST_MAX_CLUSTERS') ?? '20';
  const hostMaxClusters = Number(hostMaxText);
  if (!Number.isInteger(hostMaxClusters) || hostMaxClusters < 1)
    problems.push(`HOST_MAX_CLUSTERS must be a whole number of at least 1 ("${hostMaxText}"): ${describe('HOST_MAX_CLUSTERS')}`);

  const minDiskText = value('HOST_MIN_FREE_DISK_GB') ?? '5';
  const minDiskGb = Number(minDiskText);
  if (!(minDiskGb >= 0))
    problems.push(`HOST_MIN_FREE_DISK_GB must be a number of GB, 0 or more ("${minDiskText}"): ${describe('HOST_MIN_FREE_DISK_GB')}`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    slack: { botToken, signingSecret: value('SLACK_SIGNING_SECRET'), appToken, apiUrl },
    redisUrl,
    port,
    instructors,
    ...(value('INSTRUCTOR_CHANNEL') ? { instructorChannel: value('INSTRUCTOR_CHANNEL') } : {}),
    logLevel: logLevel as LogLevel,
    keyPrefix: env.WORKSHOP_KEY_PREFIX?.trim() || 'wb',
    dockerHosts: value('DOCKER_HOSTS') ?? '',
    clusterImages: clusterImages as Config['clusterImages'],
    isolation: isolation as Config['isolation'],
    ...(value('DIND_RUNTIME') ? { dindRuntime: value('DIND_RUNTIME') } : {}),
    dindImage: value('DIND_IMAGE') ?? (clusterImages === 'local' ? LOCAL_IMAGES.dind : 'docker:20.10-dind'),
    appPorts: appPorts as number[],
    maxAgents,
    clusterTtlMs: ttlHours * 3600 * 1000,
    hostMaxClusters,
    hostMinFreeDiskBytes: minDiskGb * 1e9,
    ...(value('EXERCISES_DIR') ? { exercisesDir: value('EXERCISES_DIR') } : {}),
  };
}

/** Reads `.env` into the environment (variables already set win), like dotenv, with Node's own parser. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** `80,3306,8000-8009` → the ports, or what is wrong with the list. */
function parsePortList(text: string): number[] | string {
  const ports: number[] = [];
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    if (!match || first < 1 || last > 65535 || last < first)
      return `has "${part}", which is not a port (1-65535) or a range like 8000-8009`;
    for (let port = first; port <= last; port++) ports.push(port);
  }
  if (ports.length > 100) return `lists ${ports.length} ports; at most 100 are published per attendee`;
  return ports;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
