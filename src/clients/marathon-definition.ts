import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { quote } from '../errors.js';
import { damerauLevenshtein } from '../faq/fuzzy.js';
import { unescapeMrkdwn } from '../render/mrkdwn.js';
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
  if (Array.isArray(definition)) return { kind, problems: [listProblem(definition)] };
  if (typeof definition !== 'object' || definition === null)
    return { kind, problems: [{ path: '/', message: 'must be a JSON object, like {"id": "nginx", …}', refused: true }] };
  const notAnApp = shapeProblem(definition as Record<string, unknown>);
  if (notAnApp) return { kind, problems: [notAnApp] };
  const tooBig = sizeProblem(definition);
  if (tooBig) return { kind, problems: [tooBig] };
  // Checked as Marathon reads it: what it takes as absent is absent.
  const read = withoutNulls(definition, kind === 'group' ? GROUP_SCHEMA : APP_SCHEMA) as Record<string, unknown>;
  const validate = validators()[kind];
  const problems = validate(read) ? [] : describeErrors(validate.errors ?? []);
  problems.push(...(kind === 'group' ? groupRules(read) : appRules(read, '')));
  return { kind, problems: dedupe(problems) };
}

/**
 * A definition with its optional fields set to null taken out: Marathon 1.3.5 reads every field but
 * `id` with Play's `readNullable` (api/v2/json/Formats.scala), so `"cmd": null` is no cmd, as in the
 * definitions `GET /v2/apps` gives back. Required fields and the values of maps (`env`, `labels`) stay.
 */
function withoutNulls(value: unknown, schema: SchemaObject): unknown {
  const resolved = schema.$ref === 'marathon-app' ? APP_SCHEMA : schema.$ref === 'marathon-group' ? GROUP_SCHEMA : schema;
  if (Array.isArray(value)) {
    const items = resolved.items as SchemaObject | SchemaObject[] | undefined;
    return items && !Array.isArray(items) ? value.map((item) => withoutNulls(item, items)) : value;
  }
  const fields = resolved.properties as Record<string, SchemaObject> | undefined;
  if (typeof value !== 'object' || value === null || !fields) return value;
  const required = (resolved.required as string[] | undefined) ?? [];
  // fromEntries: a field named __proto__ stays a field, as JSON.parse made it.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name, field]) => !(field === null && Object.hasOwn(fields, name) && !required.includes(name)))
      .map(([name, field]) => [name, Object.hasOwn(fields, name) ? withoutNulls(field, fields[name]!) : field]),
  );
}

/** Several apps in a list: Marathon takes one app, or a group of them. */
function listProblem(list: unknown[]): DefinitionProblem {
  return {
    path: '/',
    message: `is a list of ${list.length} item${list.length === 1 ? '' : 's'}, and Marathon takes one app or one group: install them one at a time, or as a group: {"id": "/my-group", "apps": [ … ]}`,
    refused: true,
  };
}

/**
 * Something other than an app or group, said in one line instead of a problem per field: Marathon's
 * answer to `GET /v2/apps/<id>` (`{"app": {…}}`) pasted whole, or a pod (Marathon 1.4's `/v2/pods`).
 */
function shapeProblem(definition: Record<string, unknown>): DefinitionProblem | undefined {
  const app = definition.app;
  if (definition.id === undefined && typeof app === 'object' && app !== null && !Array.isArray(app))
    return {
      path: '/app',
      message:
        'this is how Marathon answers GET /v2/apps/<id>, not an app definition: install the object inside "app" (without its "tasks" and task counts)',
      refused: true,
    };
  if (Array.isArray(definition.containers) && definition.cmd === undefined && definition.container === undefined)
    return {
      path: '/containers',
      message:
        'this is a pod, which Marathon runs from 1.4 on; the workshop\'s Marathon 1.3.5 runs apps: write each container as an app, with "container": {"type": "DOCKER", "docker": {"image": …}}',
      refused: true,
    };
  return undefined;
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

/** The problems on one line of plain text, for logs, records and the CLI: `/cmd: …; /mem: …`. */
export function problemsInOneLine(problems: DefinitionProblem[]): string {
  return unescapeMrkdwn(formatProblems(problems)).replace(/\n/g, '; ');
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
  const rule = (broken: boolean, message: string): DefinitionProblem[] => (broken ? [{ path: at || '/', message, refused: true }] : []);
  const nonEmpty = (field: string) => Array.isArray(app[field]) && (app[field] as unknown[]).length > 0;
  const definedPorts = Array.isArray(app.portDefinitions)
    ? app.portDefinitions.map((definition) => (definition as Record<string, unknown> | null)?.port)
    : undefined;
  // Formats.scala's AppDefinitionReads at 1.3.5: the checks after the schema, with Marathon's own words.
  return [
    ...rule(
      app.cmd === undefined && app.args === undefined && app.container === undefined,
      'an app needs "cmd", "args" or a "container" (Marathon: "AppDefinition must either contain one of \'cmd\' or \'args\', and/or a \'container\'")',
    ),
    ...rule(
      nonEmpty('uris') && nonEmpty('fetch'),
      'give either "uris" or "fetch", not both: move each uri into "fetch" as {"uri": …} (Marathon: "You cannot specify both uris and fetch fields")',
    ),
    ...rule(
      app.ipAddress !== undefined && (nonEmpty('ports') || nonEmpty('portDefinitions')),
      'an app with "ipAddress" (an address of its own) takes no "ports" or "portDefinitions": delete them, its ports go in "ipAddress": {"discovery": {"ports": […]}} (Marathon: "You cannot specify both an IP address and ports")',
    ),
    ...rule(
      Array.isArray(app.ports) && definedPorts !== undefined && JSON.stringify(definedPorts) !== JSON.stringify(app.ports),
      'give either "ports" or "portDefinitions", or the same ports in both (Marathon: "You cannot specify both ports and port definitions")',
    ),
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

/** Where a field sits in its app: `/groups/0/apps/2/container/portMappings` → `/container/portMappings`, list indexes as `*`. */
function appFieldPath(path: string): string {
  return path.replace(/^(\/groups\/\d+)*\/apps\/\d+(?=\/)/, '').replace(/\/\d+(?=\/|$)/g, '/*');
}

/**
 * Fields later Marathon versions read and 1.3.5 drops without a word, with what to write for 1.3.5
 * instead (Marathon's AppDefinition.json schema at 1.4–1.9 against 1.3.5's).
 */
const DELETE_IT = 'delete it';
const LATER_FIELDS: Record<string, string> = {
  '/networks':
    'delete it and say the network the 1.3.5 way, in "container": {"type": "DOCKER", "docker": {"network": "BRIDGE"}} ("HOST", or "USER" with "ipAddress": {"networkName": …})',
  '/container/portMappings':
    'move the list into "container": {"docker": {"portMappings": […]}}, where 1.3.5 reads it (with "network": "BRIDGE")',
  '/unreachableStrategy': DELETE_IT,
  '/killSelection': DELETE_IT,
  '/check': 'delete it ("healthChecks" work in 1.3.5)',
  '/tty': DELETE_IT,
  '/role': 'delete it (1.3.5 takes "acceptedResourceRoles")',
  '/resourceLimits': DELETE_IT,
  '/healthChecks/*/delaySeconds': DELETE_IT,
  '/healthChecks/*/ipProtocol': DELETE_IT,
  '/container/linuxInfo': DELETE_IT,
  '/container/docker/pullConfig': DELETE_IT,
  '/container/volumes/*/persistent/type': DELETE_IT,
  '/container/volumes/*/persistent/maxSize': DELETE_IT,
  '/container/volumes/*/persistent/constraints': DELETE_IT,
  '/container/volumes/*/persistent/profileName': DELETE_IT,
  '/container/volumes/*/secret': DELETE_IT,
  '/fetch/*/destPath': 'delete it (1.3.5 names the file with "outputFile")',
};

/** What `GET /v2/apps` adds to an app about its running tasks: Marathon ignores them in a definition. */
const STATUS_FIELDS = [
  'tasksStaged',
  'tasksRunning',
  'tasksHealthy',
  'tasksUnhealthy',
  'deployments',
  'tasks',
  'lastTaskFailure',
  'taskStats',
  'readinessCheckResults',
];
const STATUS_MESSAGE = 'is what Marathon reports about a running app (GET /v2/apps), not part of a definition: delete it';
/** An app's fields in an entry of a group's `groups`: the app was put in the wrong list. */
const APP_IN_GROUPS_MESSAGE = 'is a field of an app, and this is a group: an app goes in "apps"';

/** `MESOS_HTTP` and friends are Marathon 1.4's health checks run by Mesos; 1.3.5 runs the plain ones itself. */
function mesosHealthCheckHint(at: string, value: unknown): string {
  if (!/\/healthChecks\/\d+\/protocol$/.test(at) || typeof value !== 'string' || !/^MESOS_(HTTPS?|TCP)$/.test(value)) return '';
  return ` (${JSON.stringify(value)} is Marathon 1.4 and newer: write ${JSON.stringify(value.slice('MESOS_'.length))} for the workshop's Marathon 1.3.5)`;
}

/**
 * Fields of one object that are wrong for one reason, said once: `/apps/0: "tasksStaged", "tasks" are what …`.
 * Each key is the placeholder message describeError gives each field; its value says the folded line.
 */
const FOLDED: Record<string, (fields: string) => string> = {
  [STATUS_MESSAGE]: (fields) => `${fields} what Marathon reports about a running app (GET /v2/apps), not part of a definition: delete them`,
  [APP_IN_GROUPS_MESSAGE]: (fields) =>
    `${fields} fields of an app, and this is an entry of "groups": an app goes in "apps"; a group holds only id, apps, groups and dependencies`,
};

function foldFields(problems: DefinitionProblem[]): DefinitionProblem[] {
  const parentOf = (problem: DefinitionProblem) => problem.path.slice(0, problem.path.lastIndexOf('/')) || '/';
  const fields = new Map<string, string[]>();
  for (const problem of problems.filter((problem) => Object.hasOwn(FOLDED, problem.message))) {
    const key = `${problem.message}\u0000${parentOf(problem)}`;
    fields.set(key, [...(fields.get(key) ?? []), problem.path.slice(problem.path.lastIndexOf('/') + 1)]);
  }
  return problems.flatMap((problem) => {
    if (!Object.hasOwn(FOLDED, problem.message)) return [problem];
    const key = `${problem.message}\u0000${parentOf(problem)}`;
    const named = fields.get(key);
    if (!named) return [];
    fields.delete(key);
    const list = `${named.map((field) => JSON.stringify(field)).join(', ')} ${named.length === 1 ? 'is' : 'are'}`;
    return [{ path: parentOf(problem), message: FOLDED[problem.message]!(list), refused: false }];
  });
}

function describeErrors(errors: ErrorObject[]): DefinitionProblem[] {
  // A value that matches no branch of a oneOf gets one message, not one per branch.
  const oneOfs = errors.filter((error) => error.keyword === 'oneOf');
  const inBranch = (error: ErrorObject) =>
    oneOfs.some(
      (oneOf) => oneOf !== error && error.schemaPath.startsWith(oneOf.schemaPath) && error.instancePath.startsWith(oneOf.instancePath),
    );
  return listFieldsOnce(
    foldFields(
      errors
        .filter((error) => !inBranch(error))
        .map(describeError)
        .map((problem) => ({ ...problem, path: shownPath(problem.path) })),
    ),
  );
}

const FIELDS_HERE = / \(fields here: [^)]*\)$/;

/** The fields an object takes, said with its first unknown field only: a pasted non-app has a dozen. */
function listFieldsOnce(problems: DefinitionProblem[]): DefinitionProblem[] {
  const listed = new Set<string>();
  return problems.map((problem) => {
    const list = FIELDS_HERE.exec(problem.message)?.[0];
    if (!list) return problem;
    const parent = `${problem.path.slice(0, problem.path.lastIndexOf('/'))}${list}`;
    if (!listed.has(parent)) {
      listed.add(parent);
      return problem;
    }
    return { ...problem, message: problem.message.replace(FIELDS_HERE, '') };
  });
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
      const inApp = appFieldPath(`${error.instancePath}/${field}`);
      const later = Object.hasOwn(LATER_FIELDS, inApp) ? LATER_FIELDS[inApp] : undefined;
      if (later)
        return {
          path: `${error.instancePath}/${field}`,
          message: `is a field of later Marathon versions (1.4 and newer), which the workshop's Marathon 1.3.5 would silently ignore: ${later}`,
          refused: false,
        };
      if ((error.parentSchema as { $id?: string }).$id === 'marathon-app' && STATUS_FIELDS.includes(field))
        return { path: `${error.instancePath}/${field}`, message: STATUS_MESSAGE, refused: false };
      if (
        (error.parentSchema as { $id?: string }).$id === 'marathon-group' &&
        /\/groups\/\d+$/.test(error.instancePath) &&
        Object.hasOwn(APP_SCHEMA.properties as object, field)
      )
        return { path: `${error.instancePath}/${field}`, message: APP_IN_GROUPS_MESSAGE, refused: false };
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
        `${describeValue(value)} is not one of ${(params.allowedValues as unknown[]).map((allowed) => JSON.stringify(allowed)).join(', ')}${mesosHealthCheckHint(at, value)}`,
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
