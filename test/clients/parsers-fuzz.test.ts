import { describe, expect, it } from 'vitest';
import { appArgument, checkMarathonDefinition, flattenGroup, isGroupDefinition } from '../../src/clients/marathon-definition.js';
import { parseAppList, parseDeployment, parseMarathonApp, parseMarathonInfo, parseMarathonTask } from '../../src/clients/marathon-model.js';
import { parseAgentState, parseMasterState, parseMetrics } from '../../src/clients/mesos-model.js';
import { decodeMesosMasterZnode, mesosLeader } from '../../src/clients/zookeeper-model.js';
import { UserError } from '../../src/errors.js';
import { cpuMsSince } from '../support/cpu-time.js';
import { fixturesNote, haveRealFixtures, listFixtures, readFixture, readJsonFixture } from '../support/fixtures.js';
import { jsonText, mutate } from '../support/mutate.js';

/**
 * Every real capture, broken in many seeded ways (a field dropped, null, of another type, 100k
 * characters, control characters, 10k-deep junk, numbers as strings, 10k copies…): each parser
 * returns a value of its declared shape or throws a UserError, and quickly.
 */

/** Mutated inputs per capture (FUZZ_CASES=2000 for a longer hunt); a failure names its seed and what was broken, so it can be replayed. */
const CASES = Number(process.env.FUZZ_CASES) || 150;
/**
 * CPU time, not wall-clock: a parse stalled while other processes hold the cores is not slow.
 * Generous: a parse of a small capture with one mutation takes about a millisecond.
 */
const MAX_PARSE_MS = 1_000;

// A tiny shape language: each shape lists what is wrong with a value, by path.
type Shape = (value: unknown, at: string) => string[];
const ok: string[] = [];
const fail = (at: string, what: string, value: unknown) => [`${at}: ${what}, got ${sketch(value)}`];
const sketch = (value: unknown) =>
  typeof value === 'string' ? `a ${value.length}-character string` : Array.isArray(value) ? 'a list' : String(value);

const str: Shape = (value, at) => (typeof value === 'string' ? ok : fail(at, 'a string', value));
const nonEmpty: Shape = (value, at) => (typeof value === 'string' && value !== '' ? ok : fail(at, 'a non-empty string', value));
const bool: Shape = (value, at) => (typeof value === 'boolean' ? ok : fail(at, 'true or false', value));
const num: Shape = (value, at) => (typeof value === 'number' && Number.isFinite(value) ? ok : fail(at, 'a finite number', value));
const amount: Shape = (value, at) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? ok : fail(at, 'an amount ≥ 0', value);
const count: Shape = (value, at) => (Number.isSafeInteger(value) && (value as number) >= 0 ? ok : fail(at, 'a count', value));
const positive: Shape = (value, at) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? ok : fail(at, 'a time > 0', value);
const port: Shape = (value, at) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535 ? ok : fail(at, 'a port', value);
const oneOf =
  (...allowed: string[]): Shape =>
  (value, at) =>
    allowed.includes(value as string) ? ok : fail(at, `one of ${allowed.join(', ')}`, value);
const either =
  (...shapes: Shape[]): Shape =>
  (value, at) =>
    shapes.some((shape) => shape(value, at).length === 0) ? ok : fail(at, 'one of several shapes', value);
const optional =
  (shape: Shape): Shape =>
  (value, at) =>
    value === undefined ? ok : shape(value, at);
const list =
  (shape: Shape): Shape =>
  (value, at) =>
    Array.isArray(value) ? value.flatMap((item, index) => shape(item, `${at}/${index}`)) : fail(at, 'a list', value);
const record =
  (shape: Shape): Shape =>
  (value, at) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).flatMap(([key, item]) => shape(item, `${at}/${key}`))
      : fail(at, 'an object', value);
const object =
  (fields: Record<string, Shape>): Shape =>
  (value, at) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(fields).flatMap(([key, shape]) => shape((value as Record<string, unknown>)[key], `${at}/${key}`))
      : fail(at, 'an object', value);
const anyObject: Shape = (value, at) => (value !== null && typeof value === 'object' ? ok : fail(at, 'an object', value));
/** What a message shows a user: no control characters (a newline of its own would reshape the reply) and not a pasted megabyte. */
const shown: Shape = (value, at) =>
  typeof value !== 'string'
    ? fail(at, 'a string', value)
    : /\p{Cc}/u.test(value)
      ? fail(at, 'no control characters', JSON.stringify(value.slice(0, 200)))
      : value.length > 2_000
        ? fail(at, 'at most 2,000 characters', value)
        : ok;

const portRange: Shape = (value, at) => {
  const problems = object({ begin: count, end: count })(value, at);
  if (problems.length > 0) return problems;
  const { begin, end } = value as { begin: number; end: number };
  return begin <= end && end <= 65535 ? ok : fail(at, 'a range of ports begin ≤ end ≤ 65535', `${begin}-${end}`);
};
const resources = object({ cpus: amount, mem: amount, disk: amount, gpus: amount, ports: list(portRange) });
const mesosTask = object({
  id: str,
  name: str,
  frameworkId: str,
  executorId: str,
  agentId: str,
  state: nonEmpty,
  resources,
  discoveryPorts: list(object({ name: optional(nonEmpty), number: port })),
  startedAt: optional(positive),
});
const framework = object({
  id: str,
  name: str,
  active: bool,
  roles: list(nonEmpty),
  hostname: str,
  webuiUrl: optional(nonEmpty),
  usedResources: resources,
  tasks: list(mesosTask),
  unreachableTasks: list(mesosTask),
  completedTasks: list(mesosTask),
  taskStates: list(object({ state: nonEmpty, count })),
  registeredTime: optional(positive),
});
const masterState = object({
  version: nonEmpty,
  id: str,
  pid: str,
  hostname: str,
  leader: optional(nonEmpty),
  cluster: optional(nonEmpty),
  activatedAgents: count,
  deactivatedAgents: count,
  agents: list(
    object({
      id: str,
      pid: str,
      hostname: str,
      active: bool,
      outOfService: optional(shown),
      resources,
      usedResources: resources,
      reserved: list(object({ role: nonEmpty, resources })),
      attributes: record(either(str, num)),
      version: optional(nonEmpty),
      port: optional(port),
    }),
  ),
  frameworks: list(framework),
  completedFrameworks: list(framework),
  flags: record(str),
  simulated: bool,
  raw: anyObject,
});
const agentState = object({
  id: str,
  pid: str,
  hostname: str,
  version: nonEmpty,
  resources,
  executors: list(
    object({ id: str, name: str, frameworkId: str, directory: str, taskIds: list(str), completed: bool, runsTaskSandboxes: bool }),
  ),
  raw: anyObject,
});
const metrics = record(num);
const marathonTask = object({
  id: str,
  appId: str,
  host: str,
  agentId: str,
  state: nonEmpty,
  ports: list(port),
  startedAt: optional(nonEmpty),
  stagedAt: optional(nonEmpty),
  healthy: optional(bool),
});
const marathonApp = object({
  id: str,
  cmd: optional(nonEmpty),
  image: optional(nonEmpty),
  network: optional(nonEmpty),
  cpus: amount,
  mem: amount,
  disk: amount,
  instances: count,
  tasksRunning: count,
  tasksStaged: count,
  tasksHealthy: count,
  tasksUnhealthy: count,
  deployments: list(nonEmpty),
  tasks: list(marathonTask),
  lastTaskFailure: optional(object({ state: nonEmpty, message: str, timestamp: str, taskId: str })),
  raw: anyObject,
});
const deployment = object({
  id: str,
  affectedApps: list(nonEmpty),
  currentStep: count,
  totalSteps: count,
  currentActions: list(object({ action: str, app: str })),
});
const marathonInfo = object({
  version: nonEmpty,
  leader: optional(nonEmpty),
  frameworkId: optional(nonEmpty),
  master: optional(nonEmpty),
  zk: optional(nonEmpty),
  raw: anyObject,
});
const masterZnode = object({
  znode: str,
  sequence: count,
  format: oneOf('json', 'protobuf'),
  pid: optional(nonEmpty),
  hostname: optional(nonEmpty),
  port: optional(port),
  version: optional(nonEmpty),
  id: optional(nonEmpty),
});
const checkedDefinition = object({
  kind: oneOf('app', 'group'),
  problems: list(object({ path: shown, message: shown, refused: bool })),
});

/** What the parse made of one broken input: the problems with its result, or the error it should not have thrown. */
function outcome(parse: () => unknown, shape: Shape): string[] {
  const started = process.cpuUsage();
  let result: unknown;
  try {
    result = parse();
  } catch (error) {
    if (error instanceof UserError) return ok;
    return [`threw ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error)}`];
  }
  const took = cpuMsSince(started);
  return [...shape(result, ''), ...(took > MAX_PARSE_MS ? [`took ${Math.round(took)} ms`] : [])];
}

/** `CASES` seeded mutations of `input`, each parsed; every failure is listed with its seed and what was broken. */
function fuzz(name: string, input: unknown, parse: (value: unknown) => unknown, shape: Shape): void {
  const failures: string[] = [];
  // The unbroken capture first: it must pass too.
  const original = outcome(() => parse(structuredClone(input)), shape);
  if (original.length > 0) failures.push(`unbroken: ${original.join('; ')}`);
  for (let seed = 1; seed <= CASES; seed++) {
    const { value, steps } = mutate(input, seed);
    const problems = outcome(() => parse(value), shape);
    if (problems.length > 0) failures.push(`seed ${seed} (${steps.join(', ')}): ${problems.slice(0, 3).join('; ')}`);
  }
  expect(failures, `${name}: ${failures.length} of ${CASES} broken inputs`).toEqual([]);
}

describe.skipIf(!haveRealFixtures)(`parsers survive broken captures (${haveRealFixtures ? 'shared/fixtures/real' : fixturesNote})`, () => {
  const masterStates = listFixtures('mesos-state', '.json').filter((file) => /master[-_]state/.test(file));
  const agentStates = listFixtures('mesos-state', '.json').filter((file) => /agent[-_]state/.test(file));
  const metricSnapshots = listFixtures('mesos-state', 'metrics-snapshot.json');
  const marathonBodies = [...listFixtures('marathon/responses', '.json'), ...listFixtures('marathon/api-docs-v1.3.5/examples', '.json')];
  const definitions = [
    ...listFixtures('marathon/apps', '.json'),
    ...['app.json', 'apps_create.json', 'group.json'].map((file) => `marathon/api-docs-v1.3.5/examples/${file}`),
  ];

  it('finds the captures', () => {
    expect(masterStates.length).toBeGreaterThanOrEqual(5);
    expect(agentStates.length).toBeGreaterThanOrEqual(2);
    expect(definitions.length).toBeGreaterThanOrEqual(20);
  });

  it.each(masterStates)('master state %s', (file) => fuzz(file, readJsonFixture(file), parseMasterState, masterState));
  it.each(agentStates)('agent state %s', (file) => fuzz(file, readJsonFixture(file), parseAgentState, agentState));
  it.each(metricSnapshots)('metrics %s', (file) => fuzz(file, readJsonFixture(file), parseMetrics, metrics));

  it.each(marathonBodies)('Marathon response %s', (file) => {
    const body = readJsonFixture<Record<string, unknown>>(file);
    if ('apps' in body) fuzz(file, body, parseAppList, list(marathonApp));
    else if ('app' in body) fuzz(file, body, (value) => parseMarathonApp((value as Record<string, unknown> | null)?.app), marathonApp);
    else if ('tasks' in body)
      fuzz(file, body.tasks, (value) => (Array.isArray(value) ? value : []).map(parseMarathonTask), list(marathonTask));
    else if (file.endsWith('deployments.json'))
      fuzz(file, body, (value) => (Array.isArray(value) ? value : []).map(parseDeployment), list(deployment));
    else if ('marathon_config' in body) fuzz(file, body, parseMarathonInfo, marathonInfo);
    else fuzz(file, body, parseMarathonApp, marathonApp);
  });

  it.each(definitions)('app or group definition %s', (file) =>
    fuzz(
      file,
      readJsonFixture(file),
      (definition) => {
        const checked = checkMarathonDefinition(definition);
        // What the checks and the simulator do with a definition once it is read.
        if (isGroupDefinition(definition)) flattenGroup(definition as Record<string, unknown>);
        else if (definition !== null && typeof definition === 'object')
          appArgument(definition as Record<string, unknown>, '--elasticsearchNodes');
        return checked;
      },
      checkedDefinition,
    ),
  );

  it('the leading master in ZooKeeper: JSON MasterInfo', () =>
    fuzz(
      'zk json.info',
      JSON.parse(readFixture('zk/vpenso-mesos-json.info_0000000001.json')),
      (info) => {
        const decoded = decodeMesosMasterZnode('json.info_0000000001', Buffer.from(jsonText(info)));
        mesosLeader([decoded, decoded]);
        return decoded;
      },
      masterZnode,
    ));

  it('the leading master in ZooKeeper: old protobuf MasterInfo with flipped and cut bytes', () => {
    const bytes = Buffer.from(readFixture('zk/mesos-cli-master.pb'), 'latin1');
    // A byte buffer is mutated as a list of numbers, then written back as bytes.
    fuzz('zk info_ protobuf', [...bytes], (value) => decodeMesosMasterZnode('info_0000000005', Buffer.from(asBytes(value))), masterZnode);
  });
});

const asBytes = (value: unknown): number[] =>
  (Array.isArray(value) ? value : []).map((byte) => (typeof byte === 'number' && Number.isInteger(byte) ? byte & 0xff : 0x2a));
