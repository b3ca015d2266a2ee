import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { quote } from '../errors.js';
import { damerauLevenshtein } from '../faq/fuzzy.js';
import { asObject, asString } from './values.js';

/**
 * Marathon 1.3.5's app and group definitions, as its published JSON schema
 * (docs/docs/rest-api/public/api/v2/schema/AppDefinition.json and Group.json at v1.3.5) states them,
 * written here from reading it; plus the rules Marathon checks that a schema cannot say.
 */

/**
 * A name per path segment: lowercase letters, digits, dashes and dots, not starting or ending with a dash; `..` goes up.
 * Marathon's schema says it as one pattern, `^(\/?((\.{2})|([a-z0-9][a-z0-9\-.]*[a-z0-9]+)|([a-z0-9]*))($|\/))+$`, which
 * backtracks quadratically (an id of 100k letters took 9 s); this is the same test a segment at a time.
 */
const PATH_SEGMENT = /^(\.\.|[a-z0-9]*|[a-z0-9][a-z0-9.-]*[a-z0-9])$/;
export const isMarathonPath = (text: string): boolean => text.split('/').every((segment) => PATH_SEGMENT.test(segment));
const PORT_NAME_PATTERN = '^[a-z][a-z0-9-]*$';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const string = { type: 'string' };
const nonEmpty = { type: 'string', minLength: 1 };
const boolean = { type: 'boolean' };
const count = { type: 'integer', minimum: 0 };
const amount = { type: 'number', minimum: 0 };
const port = { type: 'integer', minimum: 0, maximum: 65535 };
const stringMap = { type: 'object', additionalProperties: string };
const dateTime = { type: 'string', format: 'date-time' };
const path = { type: 'string', minLength: 1, format: 'marathon-path' };
const list = (items: object) => ({ type: 'array', items });
const closed = (properties: Record<string, object>, required?: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required ? { required } : {}),
});

export const APP_SCHEMA: SchemaObject = {
  $id: 'marathon-app',
  ...closed(
    {
      id: path,
      cmd: nonEmpty,
      args: list(string),
      user: string,
      env: {
        type: 'object',
        additionalProperties: { oneOf: [string, closed({ secret: nonEmpty }, ['secret'])] },
      },
      instances: count,
      cpus: amount,
      mem: amount,
      disk: amount,
      gpus: count,
      executor: { type: 'string', pattern: '^(|\\/\\/cmd|\\/?[^\\/]+(\\/[^\\/]+)*)$' },
      constraints: list({
        type: 'array',
        minItems: 2,
        items: [string, { type: 'string', enum: ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER'] }, string],
        additionalItems: false,
      }),
      acceptedResourceRoles: list(string),
      uris: list(nonEmpty),
      storeUrls: list(nonEmpty),
      fetch: list(closed({ uri: string, executable: boolean, extract: boolean, cache: boolean, outputFile: string }, ['uri'])),
      ports: list(port),
      portDefinitions: list(
        closed({
          port,
          labels: stringMap,
          name: { type: 'string', pattern: PORT_NAME_PATTERN },
          protocol: { type: 'string', enum: ['tcp', 'udp'] },
        }),
      ),
      requirePorts: boolean,
      backoffSeconds: count,
      backoffFactor: { type: 'number', minimum: 1 },
      maxLaunchDelaySeconds: count,
      taskKillGracePeriodSeconds: count,
      container: closed({
        type: { type: 'string', enum: ['MESOS', 'DOCKER'] },
        docker: closed(
          {
            image: nonEmpty,
            network: { type: 'string', enum: ['BRIDGE', 'HOST', 'NONE', 'USER'] },
            privileged: boolean,
            forcePullImage: boolean,
            credential: closed({ principal: string, secret: string }, ['principal']),
            parameters: list(closed({ key: nonEmpty, value: string }, ['key', 'value'])),
            portMappings: list(
              closed({
                containerPort: port,
                hostPort: port,
                servicePort: port,
                labels: stringMap,
                name: { type: 'string', pattern: PORT_NAME_PATTERN },
                protocol: { type: 'string', enum: ['tcp', 'udp', 'udp,tcp'] },
              }),
            ),
          },
          ['image'],
        ),
        appc: closed({ image: nonEmpty, id: { type: 'string', minLength: 7 }, labels: stringMap, forcePullImage: boolean }, ['image']),
        volumes: list(
          closed({
            containerPath: nonEmpty,
            hostPath: nonEmpty,
            mode: { type: 'string', enum: ['RO', 'RW'] },
            persistent: closed({ size: count }),
            external: closed({ size: count, name: string, provider: string, options: { type: 'object' } }),
          }),
        ),
      }),
      healthChecks: list(
        closed({
          protocol: { type: 'string', enum: ['HTTP', 'HTTPS', 'TCP', 'COMMAND'] },
          path: string,
          port,
          portIndex: count,
          // Marathon's schema says `items` here too (a slip: command is an object); kept so a list gets the same errors.
          command: { type: 'object', items: { additionalProperties: false, properties: { value: string } } },
          gracePeriodSeconds: count,
          intervalSeconds: count,
          timeoutSeconds: count,
          maxConsecutiveFailures: count,
          ignoreHttp1xx: boolean,
        }),
      ),
      readinessChecks: list(
        closed({
          name: string,
          protocol: { type: 'string', enum: ['HTTP', 'HTTPS'] },
          path: string,
          portName: string,
          intervalSeconds: count,
          timeoutSeconds: count,
          httpStatusCodesForReady: list({ type: 'integer', minimum: 100, maximum: 999 }),
          preserveLastResponse: boolean,
        }),
      ),
      dependencies: list(path),
      labels: stringMap,
      upgradeStrategy: closed({
        minimumHealthCapacity: { type: 'number', minimum: 0, maximum: 1 },
        maximumOverCapacity: { type: 'number', minimum: 0, maximum: 1 },
      }),
      ipAddress: {
        type: 'object',
        properties: {
          discovery: {
            type: 'object',
            properties: {
              ports: list({
                type: 'object',
                properties: { number: port, name: { type: 'string', pattern: PORT_NAME_PATTERN }, protocol: { enum: ['tcp', 'udp'] } },
              }),
            },
          },
          groups: list(string),
          labels: { type: 'object' },
          networkName: string,
        },
      },
      residency: closed({
        relaunchEscalationTimeoutSeconds: count,
        taskLostBehavior: { type: 'string', enum: ['WAIT_FOREVER', 'RELAUNCH_AFTER_TIMEOUT'] },
      }),
      secrets: { type: 'object', additionalProperties: closed({ source: nonEmpty }, ['source']) },
      version: dateTime,
      versionInfo: closed({ lastScalingAt: dateTime, lastConfigChangeAt: dateTime }),
    },
    ['id'],
  ),
  not: { required: ['cmd', 'args'] },
};

export const GROUP_SCHEMA: SchemaObject = {
  $id: 'marathon-group',
  ...closed(
    {
      id: path,
      apps: list({ $ref: 'marathon-app' }),
      groups: list({ $ref: 'marathon-group' }),
      dependencies: list(path),
      version: dateTime,
    },
    ['id'],
  ),
};

/** The ajv set-up both our schema and, in the tests, Marathon's own are compiled with. */
export function createSchemaValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  ajv.addFormat('date-time', DATE_TIME);
  ajv.addFormat('marathon-path', isMarathonPath);
  return ajv;
}

/** Compiled on first use: compiling costs a process that never checks a definition (a simulated agent) its start-up time. */
let compiled: { app: ValidateFunction; group: ValidateFunction } | undefined;
function validators(): { app: ValidateFunction; group: ValidateFunction } {
  if (!compiled) {
    const ajv = createSchemaValidator().addSchema([APP_SCHEMA, GROUP_SCHEMA]);
    compiled = { app: ajv.getSchema('marathon-app')!, group: ajv.getSchema('marathon-group')! };
  }
  return compiled;
}

export interface DefinitionProblem {
  /** Where, as Marathon's own error details say it: `/container/docker/network`. */
  path: string;
  message: string;
  /**
   * Marathon refuses the definition for it (422). An unknown field is not refused: Marathon 1.3.5
   * drops it silently, though its published schema forbids it (which is why the bot does).
   */
  refused: boolean;
}

export interface CheckedDefinition {
  kind: 'app' | 'group';
  problems: DefinitionProblem[];
}

/** A group when it has `apps` or `groups` (how Marathon's API and `minimesos install` tell them apart). */
export function isGroupDefinition(definition: unknown): boolean {
  const object = definition as Record<string, unknown> | null;
  return typeof object === 'object' && object !== null && (Array.isArray(object.apps) || Array.isArray(object.groups));
}

/** Every problem Marathon 1.3.5 would find in an app or group definition (told apart by its fields unless said), in plain words. */
export function checkMarathonDefinition(
  definition: unknown,
  kind: CheckedDefinition['kind'] = isGroupDefinition(definition) ? 'group' : 'app',
): CheckedDefinition {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition))
    return { kind, problems: [{ path: '/', message: 'must be a JSON object, like {"id": "nginx", …}', refused: true }] };
  const tooBig = sizeProblem(definition);
  if (tooBig) return { kind, problems: [tooBig] };
  const validate = validators()[kind];
  const problems = validate(definition) ? [] : describeErrors(validate.errors ?? []);
  problems.push(
    ...(kind === 'group' ? groupRules(definition as Record<string, unknown>) : appRules(definition as Record<string, unknown>, '')),
  );
  return { kind, problems: dedupe(problems) };
}

/**
 * One line per problem (`path: what is wrong`), the first MAX_PROBLEMS_LISTED of them; mrkdwn, like a
 * UserError's message: what the definition says is always quoted (see `quote()`).
 */
export function formatProblems(problems: DefinitionProblem[]): string {
  const lines = problems.slice(0, MAX_PROBLEMS_LISTED).map((problem) => `${problem.path}: ${problem.message}`);
  if (problems.length > MAX_PROBLEMS_LISTED) lines.push(`…and ${(problems.length - MAX_PROBLEMS_LISTED).toLocaleString('en-US')} more`);
  return lines.join('\n');
}

/** A definition with thousands of mistakes (a generated file gone wrong) is told its first few, and how many more. */
const MAX_PROBLEMS_LISTED = 20;

/** An app of a group with its id made absolute: relative ids are resolved against the group holding them. */
export interface FlattenedApp {
  id: string;
  path: string;
  app: Record<string, unknown>;
}

/** Deeper than any real group tree: checking deeper ones would overflow the stack. */
const MAX_GROUP_DEPTH = 50;
/** More apps and groups than any workshop installs: the schema check of 10k took seconds (its errors are copied per group). */
const MAX_ENTRIES = 1000;

/** A definition too deep or too big to check, said as a problem; walked level by level, without recursion. */
function sizeProblem(definition: unknown): DefinitionProblem | undefined {
  let depth = 0;
  let entries = 0;
  let level = [asObject(definition)];
  while (level.length > 0) {
    entries += level.reduce((sum, group) => sum + (Array.isArray(group.apps) ? group.apps.length : 0), level.length);
    if (entries > MAX_ENTRIES)
      return { path: '/', message: `has more than ${MAX_ENTRIES} apps and groups; split it into smaller groups`, refused: true };
    level = level.flatMap((group) => objectsIn(group.groups).map((entry) => entry.object));
    if (level.length > 0 && ++depth > MAX_GROUP_DEPTH)
      return { path: '/', message: `has groups nested more than ${MAX_GROUP_DEPTH} deep`, refused: true };
  }
  return undefined;
}

/** The objects of a list with their places in it: an entry that is no object is the schema's to report, not an app. */
const objectsIn = (list: unknown): Array<{ object: Record<string, unknown>; index: number }> =>
  (Array.isArray(list) ? list : []).flatMap((item, index) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) ? [{ object: item as Record<string, unknown>, index }] : [],
  );
/** An id as written, or "" (an id of another type is the schema's to report; String() of 10k-deep junk overflows). */
const idOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Every app of a group and its nested groups, as Marathon flattens them. */
export function flattenGroup(group: Record<string, unknown>, parentId = '/', at = ''): FlattenedApp[] {
  const groupId = resolveId(idOf(group.id), parentId);
  const apps = objectsIn(group.apps).map(({ object: app, index }) => ({
    id: resolveId(idOf(app.id), groupId),
    path: `${at}/apps/${index}`,
    app,
  }));
  const nested = objectsIn(group.groups).flatMap(({ object: child, index }) => flattenGroup(child, groupId, `${at}/groups/${index}`));
  return [...apps, ...nested];
}

/** The value after `flag` in an app's `args` (or its `cmd`, split on spaces): `--elasticsearchNodes 3` → `"3"`; undefined when absent. */
export function appArgument(app: Record<string, unknown>, flag: string): string | undefined {
  const args = Array.isArray(app.args) ? app.args.map((arg) => asString(arg)) : asString(app.cmd).split(/\s+/);
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/** `web` in `/prod` → `/prod/web`; `../db` in `/prod/web` → `/prod/db`; an absolute id stays. */
export function resolveId(id: string, parentId: string): string {
  const segments = id.startsWith('/') ? [] : parentId.split('/').filter(Boolean);
  for (const segment of id.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** What Marathon's own validation adds to the schema for an app. */
function appRules(app: Record<string, unknown>, at: string): DefinitionProblem[] {
  if (app.cmd !== undefined || app.args !== undefined || app.container !== undefined) return [];
  return [
    {
      path: at || '/',
      message:
        'an app needs "cmd", "args" or a "container" (Marathon: "AppDefinition must either contain one of \'cmd\' or \'args\', and/or a \'container\'")',
      refused: true,
    },
  ];
}

function groupRules(group: Record<string, unknown>): DefinitionProblem[] {
  const apps = flattenGroup(group);
  const problems = apps.flatMap((entry) => appRules(entry.app, entry.path));
  const seen = new Set<string>();
  for (const entry of apps) {
    if (typeof entry.app.id !== 'string') continue;
    if (seen.has(entry.id))
      problems.push({ path: `${entry.path}/id`, message: `${quote(entry.id)} is defined twice in this group`, refused: true });
    seen.add(entry.id);
  }
  return problems;
}

function describeErrors(errors: ErrorObject[]): DefinitionProblem[] {
  // A value that matches no branch of a oneOf gets one message, not one per branch.
  const oneOfs = errors.filter((error) => error.keyword === 'oneOf');
  const inBranch = (error: ErrorObject) =>
    oneOfs.some(
      (oneOf) => oneOf !== error && error.schemaPath.startsWith(oneOf.schemaPath) && error.instancePath.startsWith(oneOf.instancePath),
    );
  return errors
    .filter((error) => !inBranch(error))
    .map(describeError)
    .map((problem) => ({ ...problem, path: shownPath(problem.path) }));
}

/** A safe path segment: a field name or index as Marathon's own names are. */
const PLAIN_SEGMENT = /^[\w.~-]{0,40}$/;

/**
 * A path as the user can read it: its segments are field names the definition chose (`env`,
 * `labels`), so one with a newline, control characters or 100k letters is quoted and cut.
 */
function shownPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (PLAIN_SEGMENT.test(segment) ? segment : quote(segment, 40)))
    .join('/');
}

function describeError(error: ErrorObject): DefinitionProblem {
  const at = error.instancePath || '/';
  const value = error.data;
  const params = error.params as Record<string, unknown>;
  const refused = (path: string, message: string) => ({ path, message, refused: true });
  switch (error.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      const where = `${error.instancePath}/${field}`;
      if (field === 'id') return refused(where, 'is missing: every app and group needs an "id", e.g. "id": "nginx"');
      return refused(where, 'is missing');
    }
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const guess = known.find((name) => damerauLevenshtein(name.toLowerCase(), field.toLowerCase(), 3) <= 2);
      return {
        path: `${error.instancePath}/${field}`,
        message: `is not a field here, so Marathon would silently ignore it${guess ? `: did you mean "${guess}"?` : ''} (fields here: ${known.join(', ')})`,
        refused: false,
      };
    }
    case 'type': {
      const wanted = String(params.type);
      const hint = wanted === 'number' || wanted === 'integer' ? numberHint(value) : '';
      return refused(at, `must be ${article(wanted)}, not ${describeValue(value)}${hint}`);
    }
    case 'enum':
      return refused(
        at,
        `${describeValue(value)} is not one of ${(params.allowedValues as unknown[]).map((allowed) => JSON.stringify(allowed)).join(', ')}`,
      );
    case 'minimum':
    case 'maximum':
      return refused(at, `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${params.limit}, not ${describeValue(value)}`);
    case 'minLength':
      return refused(at, 'must not be empty');
    case 'minItems':
      return refused(at, `needs at least ${params.limit} items${at.startsWith('/constraints/') ? ', e.g. ["hostname", "UNIQUE"]' : ''}`);
    case 'additionalItems':
      return refused(at, `has more than ${params.limit} items`);
    case 'pattern':
      return refused(at, patternMessage(at, value));
    case 'format':
      return refused(
        at,
        params.format === 'marathon-path'
          ? patternMessage(at, value)
          : `${describeValue(value)} is not a date and time like "2016-11-04T12:00:00.000Z"`,
      );
    case 'not':
      return refused(at, 'give either "cmd" or "args", not both');
    case 'oneOf':
      return refused(at, `must be a string, or {"secret": "<name>"}, not ${describeValue(value)}`);
    default:
      return refused(at, error.message ?? 'is not valid');
  }
}

function patternMessage(at: string, value: unknown): string {
  if (/\/(id|dependencies\/\d+)$/.test(at))
    return `${describeValue(value)} is not a valid id: names of lowercase letters, digits, dashes and dots (not starting or ending with a dash), separated by "/"`;
  if (at.endsWith('/name'))
    return `${describeValue(value)} is not a valid port name: lowercase letters, digits and dashes, starting with a letter`;
  return `${describeValue(value)} is not a valid executor: "//cmd" or a path`;
}

function numberHint(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
    ? ` (write ${Number(value)} without quotes)`
    : '';
}

function article(type: string): string {
  return (
    { number: 'a number', integer: 'a whole number', string: 'a string', boolean: 'true or false', object: 'an object', array: 'a list' }[
      type
    ] ?? type
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

function dedupe(problems: DefinitionProblem[]): DefinitionProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
