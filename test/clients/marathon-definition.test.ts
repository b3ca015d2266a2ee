import type { ErrorObject, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  APP_SCHEMA,
  appArgument,
  checkMarathonDefinition,
  createSchemaValidator,
  flattenGroup,
  formatProblems,
  GROUP_SCHEMA,
  isGroupDefinition,
  isMarathonPath,
} from '../../src/clients/marathon-definition.js';
import { fixturesNote, haveRealFixtures, listFixtures, readJsonFixture } from '../support/fixtures.js';
import { deeplyNested } from '../support/mutate.js';

type Json = Record<string, unknown>;

const SCHEMA_DIR = 'marathon/api-docs-v1.3.5/schema';
const PUBLISHED_BASE = 'https://raw.githubusercontent.com/mesosphere/marathon/master/docs/docs/rest-api/public/api/v2/schema/';

/** Marathon's published schemas, compiled with ajv: draft-04's `id` becomes `$id`, and the unknown `$schema` goes. */
function publishedValidators(): { app: ValidateFunction; group: ValidateFunction } {
  const adapt = (schema: Json, id: string) => {
    const { $schema: _meta, id: _id, ...rest } = schema;
    return { ...rest, $id: id };
  };
  const ajv = createSchemaValidator();
  ajv.addSchema(adapt(readJsonFixture<Json>(`${SCHEMA_DIR}/AppDefinition.json`), `${PUBLISHED_BASE}AppDefinition.json`));
  ajv.addSchema(adapt(readJsonFixture<Json>(`${SCHEMA_DIR}/Group.json`), `${PUBLISHED_BASE}Group.json`));
  return { app: ajv.getSchema(`${PUBLISHED_BASE}AppDefinition.json`)!, group: ajv.getSchema(`${PUBLISHED_BASE}Group.json`)! };
}

function ourValidators(): { app: ValidateFunction; group: ValidateFunction } {
  const ajv = createSchemaValidator().addSchema([APP_SCHEMA, GROUP_SCHEMA]);
  return { app: ajv.getSchema('marathon-app')!, group: ajv.getSchema('marathon-group')! };
}

/** Where a schema finds problems: the instance paths, with the missing or unknown field named. */
function problemPaths(validate: ValidateFunction, definition: unknown): string[] {
  if (validate(definition)) return [];
  const errors = validate.errors ?? [];
  const branches = errors.filter((error) => error.keyword === 'oneOf');
  const inBranch = (error: ErrorObject) => branches.some((oneOf) => oneOf !== error && error.schemaPath.startsWith(oneOf.schemaPath));
  return [
    ...new Set(
      errors
        .filter((error) => !inBranch(error))
        .map((error) => {
          const params = error.params as Json;
          const field = params.missingProperty ?? params.additionalProperty;
          return `${error.instancePath}${field ? `/${String(field)}` : ''}` || '/';
        }),
    ),
  ].sort();
}

const clone = <T>(value: T): T => structuredClone(value);

/** Definitions Marathon would refuse (or, for unknown fields, its schema forbids), made from a valid one. */
function mutations(app: Json): Array<[string, Json]> {
  const made: Array<[string, (copy: Json) => void]> = [
    ['cpus as a string', (copy) => (copy.cpus = '0.5')],
    ['mem as a string', (copy) => (copy.mem = '128')],
    ['instances as a string', (copy) => (copy.instances = '2')],
    ['instances as a fraction', (copy) => (copy.instances = 1.5)],
    ['negative cpus', (copy) => (copy.cpus = -1)],
    ['id with capitals and an underscore', (copy) => (copy.id = 'My_App')],
    ['id starting with a dash', (copy) => (copy.id = '-web')],
    ['id with a space', (copy) => (copy.id = 'my app')],
    ['empty id', (copy) => (copy.id = '')],
    ['id as a number', (copy) => (copy.id = 42)],
    ['no id', (copy) => delete copy.id],
    ['unknown network mode', (copy) => (copy.container = { type: 'DOCKER', docker: { image: 'nginx', network: 'OVERLAY' } })],
    ['network in lowercase', (copy) => (copy.container = { docker: { image: 'nginx', network: 'bridge' } })],
    ['unknown container type', (copy) => (copy.container = { type: 'RKT', docker: { image: 'nginx' } })],
    ['docker without image', (copy) => (copy.container = { type: 'DOCKER', docker: { network: 'HOST' } })],
    ['volumes under docker (a field Marathon ignores there)', (copy) => (copy.container = { docker: { image: 'nginx', volumes: [] } })],
    ['a misspelt field', (copy) => (copy.instance = 2)],
    ['cmd and args both', (copy) => Object.assign(copy, { cmd: 'sleep 1', args: ['sleep', '1'] })],
    ['empty cmd', (copy) => (copy.cmd = '')],
    ['constraint without operator', (copy) => (copy.constraints = [['hostname']])],
    ['unknown constraint operator', (copy) => (copy.constraints = [['hostname', 'unique']])],
    ['constraint with four items', (copy) => (copy.constraints = [['hostname', 'LIKE', 'a', 'b']])],
    ['port above 65535', (copy) => (copy.portDefinitions = [{ port: 70000 }])],
    ['port name in capitals', (copy) => (copy.portDefinitions = [{ port: 0, name: 'HTTP' }])],
    [
      'hostPort as a string',
      (copy) => (copy.container = { docker: { image: 'nginx', network: 'BRIDGE', portMappings: [{ hostPort: '80' }] } }),
    ],
    ['env value as a number', (copy) => (copy.env = { PORT: 80 })],
    ['label value as a boolean', (copy) => (copy.labels = { public: true })],
    ['health check protocol in lowercase', (copy) => (copy.healthChecks = [{ protocol: 'http' }])],
    ['minimumHealthCapacity above 1', (copy) => (copy.upgradeStrategy = { minimumHealthCapacity: 2 })],
    ['version not a date', (copy) => (copy.version = 'yesterday')],
    ['args not strings', (copy) => (copy.args = ['--port', 80])],
    [
      'volume mode lowercase',
      (copy) => (copy.container = { docker: { image: 'x' }, volumes: [{ containerPath: '/a', hostPath: '/b', mode: 'rw' }] }),
    ],
  ];
  return made.map(([name, change]) => {
    const copy = clone(app);
    change(copy);
    return [name, copy];
  });
}

/**
 * Probes for every field the published schema describes: each enum value and a near miss, numbers at
 * and past their bounds, fractions, wrong types; each set at its place in a copy of `base`.
 */
function schemaProbes(schema: Json, base: Json): Array<[string, Json]> {
  const probes: Array<[string, Json]> = [];
  const put = (path: Array<string | number>, value: unknown) => {
    const copy = clone(base);
    let at: Json | unknown[] = copy;
    path.forEach((key, index) => {
      const last = index === path.length - 1;
      const container = at as Record<string | number, unknown>;
      if (last) container[key] = value;
      else {
        if (typeof container[key] !== 'object' || container[key] === null) container[key] = typeof path[index + 1] === 'number' ? [] : {};
        at = container[key] as Json;
      }
    });
    probes.push([`${path.join('/')} = ${JSON.stringify(value)}`, copy]);
  };
  const values = (node: Json): unknown[] => {
    const out: unknown[] = ['text', 7, 1.5, true, null, {}, []];
    if (Array.isArray(node.enum)) out.push(...node.enum, ...node.enum.map((value) => `${String(value).toLowerCase()}x`));
    for (const bound of [node.minimum, node.maximum])
      if (typeof bound === 'number') out.push(bound, bound - 1, bound + 1, bound - 0.5, String(bound));
    if (node.type === 'string') out.push('', 'A B', '2016-11-04T12:00:00.000Z', '//cmd');
    return out;
  };
  const walk = (node: Json, path: Array<string | number>, depth: number) => {
    if (depth > 6) return;
    if (path.length > 0) for (const value of values(node)) put(path, value);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Json>)) walk(child, [...path, name], depth + 1);
    if (Array.isArray(node.items)) for (const [index, child] of (node.items as Json[]).entries()) walk(child, [...path, index], depth + 1);
    else if (node.items && typeof node.items === 'object') walk(node.items as Json, [...path, 0], depth + 1);
    for (const child of Object.values((node.patternProperties ?? {}) as Record<string, Json>))
      walk(child, [...path, 'SOME_KEY'], depth + 1);
    if (node.additionalProperties && typeof node.additionalProperties === 'object')
      walk(node.additionalProperties as Json, [...path, 'some-key'], depth + 1);
  };
  walk(schema, [], 0);
  return probes;
}

describe.skipIf(!haveRealFixtures)(`Marathon definitions: our schema agrees with Marathon's published one (${fixturesNote})`, () => {
  const published = haveRealFixtures ? publishedValidators() : undefined;
  const ours = ourValidators();
  const realFiles = listFixtures('marathon/apps', '.json');

  it('finds the real app and group definitions', () => {
    expect(realFiles.length).toBeGreaterThan(20);
  });

  it('agrees on every real definition from the workshop, minimesos, marathon-lb and Mesos Elasticsearch', () => {
    for (const file of realFiles) {
      const definition = readJsonFixture<Json>(file);
      const kind = isGroupDefinition(definition) ? 'group' : 'app';
      expect(problemPaths(ours[kind], definition), file).toEqual(problemPaths(published![kind], definition));
    }
  });

  it('agrees on generated mutations of every real app: wrong types, numbers as strings, unknown modes, bad ids, unknown fields', () => {
    let compared = 0;
    for (const file of realFiles) {
      const definition = readJsonFixture<Json>(file);
      if (isGroupDefinition(definition)) continue;
      for (const [name, mutated] of mutations(definition)) {
        const expected = problemPaths(published!.app, mutated);
        expect(expected.length, `${file}: ${name} is a problem for Marathon's schema`).toBeGreaterThan(0);
        expect(problemPaths(ours.app, mutated), `${file}: ${name}`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it("agrees on probes of every field Marathon's schema describes: enum values and near misses, bounds, fractions, wrong types", () => {
    const base = readJsonFixture<Json>('marathon/apps/workshop/nginx.json');
    const probes = schemaProbes(readJsonFixture<Json>(`${SCHEMA_DIR}/AppDefinition.json`), base);
    expect(probes.length).toBeGreaterThan(1000);
    for (const [name, probe] of probes) expect(problemPaths(ours.app, probe), name).toEqual(problemPaths(published!.app, probe));
  });

  it('agrees on groups: nested groups, an app without an id, a bad group id, an unknown group field', () => {
    const base = {
      id: 'shop',
      apps: [{ id: 'web', cmd: 'serve' }],
      groups: [{ id: 'back', apps: [{ id: 'db', container: { docker: { image: 'mysql' } } }] }],
    };
    const cases: Json[] = [
      base,
      { ...base, apps: [{ cmd: 'serve' }] },
      { ...base, id: 'Shop!' },
      { ...base, groups: [{ id: 'back', apps: [{ id: 'db', cpus: '1' }] }] },
      { ...base, instances: 2 },
      { ...base, groups: [{ id: 'back', cmd: 'echo' }] },
    ];
    for (const group of cases)
      expect(problemPaths(ours.group, group), JSON.stringify(group)).toEqual(problemPaths(published!.group, group));
  });
});

describe('checking a definition before it is sent', () => {
  const lines = (definition: unknown) => formatProblems(checkMarathonDefinition(definition).problems);

  it('accepts the workshop nginx app', () => {
    expect(
      checkMarathonDefinition({
        id: '/nginx',
        cpus: 0.1,
        instances: 1,
        mem: 128,
        container: { type: 'MESOS', docker: { image: 'library/nginx' } },
      }).problems,
    ).toEqual([]);
  });

  it('lists the first 20 problems of a group of 300 broken apps, and counts the rest', () => {
    const apps = Array.from({ length: 300 }, (_, index) => ({ id: `app-${index}`, instances: -1 }));
    const told = lines({ id: '/many', apps }).split('\n');
    expect(told).toHaveLength(21);
    expect(told[0]).toMatch(/^\/apps\/0\//);
    expect(told[20]).toMatch(/^…and \d{3} more$/);
  });

  it('says every problem in plain words, with its path', () => {
    const text = lines({
      id: 'web',
      cpus: '0.5',
      instance: 3,
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'OVERLAY' } },
    });
    expect(text).toContain('/cpus: must be a number, not the string "0.5" (write 0.5 without quotes)');
    expect(text).toContain('/container/docker/network: the string "OVERLAY" is not one of "BRIDGE", "HOST", "NONE", "USER"');
    expect(text).toMatch(/\/instance: is not a field here, so Marathon would silently ignore it: did you mean "instances"\?/);
  });

  it("refuses an app with neither cmd, args nor container, as Marathon's own validation does", () => {
    expect(checkMarathonDefinition({ id: 'idle' }).problems).toEqual([
      expect.objectContaining({ path: '/', refused: true, message: expect.stringContaining('"cmd", "args" or a "container"') }),
    ]);
  });

  it("names a group's app without an id by its path", () => {
    expect(lines({ id: 'g', apps: [{ id: 'a', cmd: 'x' }, { cmd: 'y' }] })).toContain('/apps/1/id: is missing');
  });

  it('marks unknown fields as ignored by Marathon, everything else as refused', () => {
    const { problems } = checkMarathonDefinition({ id: 'x', cmd: 'y', colour: 'red', mem: -1 });
    expect(problems.map((problem) => [problem.path, problem.refused])).toEqual([
      ['/colour', false],
      ['/mem', true],
    ]);
  });

  it('flattens nested groups, resolving ids against their parent', () => {
    const apps = flattenGroup({
      id: '/shop',
      apps: [{ id: 'web' }],
      groups: [{ id: 'back', apps: [{ id: 'db' }, { id: '../cache' }, { id: '/abs' }] }],
    });
    expect(apps.map((app) => [app.id, app.path])).toEqual([
      ['/shop/web', '/apps/0'],
      ['/shop/back/db', '/groups/0/apps/0'],
      ['/shop/cache', '/groups/0/apps/1'],
      ['/abs', '/groups/0/apps/2'],
    ]);
  });

  it('refuses a group that defines one app twice', () => {
    expect(
      lines({
        id: 'g',
        apps: [
          { id: 'a', cmd: 'x' },
          { id: '/g/a', cmd: 'y' },
        ],
      }),
    ).toContain('/apps/1/id: "/g/a" is defined twice in this group');
  });
});

/** Regressions found by test/clients/parsers-fuzz.test.ts: what an attendee checking or installing a definition would have seen. */
describe('definitions that are broken on purpose or by accident', () => {
  const messages = (definition: unknown) => formatProblems(checkMarathonDefinition(definition).problems);

  it('a group with null among its apps or groups gets its problems, not "something went wrong" (TypeError)', () => {
    const text = messages({ id: '/g', apps: [null, 'web'], groups: [null] });
    expect(text).toContain('/apps/0: must be an object, not null');
    expect(text).toContain('/groups/0: must be an object, not null');
  });

  it('an id or args of 20k-deep lists gets a problem, not "something went wrong" (stack overflow)', () => {
    expect(messages({ id: deeplyNested(20_000), apps: [{ id: deeplyNested(20_000), cmd: 'x' }] })).toContain('/id: must be a string');
    expect(appArgument({ args: [deeplyNested(20_000), '--elasticsearchNodes', '3'] }, '--elasticsearchNodes')).toBe('3');
    expect(appArgument({ cmd: deeplyNested(20_000) }, '--elasticsearchNodes')).toBeUndefined();
  });

  it('a 100k-character value is quoted cut, not pasted back whole', () => {
    const text = messages({ id: '/web', cmd: 'x', container: { type: 'x'.repeat(100_000) } });
    expect(text).toContain('/container/type: the string "xxx');
    expect(text).toContain('(100,000 characters)');
    expect(text.length).toBeLessThan(1_000);
  });

  it('a field name with a newline or control characters cannot reshape the reply', () => {
    const text = messages({ id: '/web', cmd: 'x', 'evil\n*@channel*\u0007': 1, labels: { 'a\nb': 5 } });
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('/"evil\\n*@channel*\\u0007": is not a field here');
    expect(text).toContain('/labels/"a\\nb": must be a string');
  });

  it('an app id defined twice is quoted with its control characters visible', () => {
    const app = { id: 'a\u0007', cmd: 'x' };
    expect(messages({ id: '/g', apps: [app, app] })).toContain('"/g/a\\u0007" is defined twice');
  });

  it('a group of 10k apps or groups is refused at once instead of taking seconds to check', () => {
    const started = performance.now();
    const text = messages({
      id: '/g',
      groups: Array.from({ length: 10_000 }, (_, index) => ({ id: `g${index}`, apps: [{ id: 'a', cpus: 'x' }] })),
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(text).toBe('/: has more than 1000 apps and groups; split it into smaller groups');
  });

  it('groups nested 10k deep are refused, not a stack overflow', () => {
    let group: Record<string, unknown> = { id: 'leaf', apps: [{ id: 'a', cmd: 'x' }] };
    for (let level = 0; level < 10_000; level++) group = { id: `g${level}`, groups: [group] };
    expect(messages(group)).toBe('/: has groups nested more than 50 deep');
  });
});

describe.skipIf(!haveRealFixtures)('ids checked a segment at a time', () => {
  it('agree with the pattern of Marathon’s published schema on every short string of its characters', () => {
    const schema = readJsonFixture<{ definitions: { pathType: { pattern: string } } }>(`${SCHEMA_DIR}/AppDefinition.json`);
    const marathon = new RegExp(schema.definitions.pathType.pattern);
    const alphabet = ['a', '0', '.', '-', '/', 'A', '_'];
    let strings = [''];
    for (let length = 1; length <= 6; length++) {
      strings = strings.flatMap((prefix) => alphabet.map((char) => prefix + char));
      const disagree = strings.filter((id) => isMarathonPath(id) !== marathon.test(id));
      expect(disagree, `length ${length}`).toEqual([]);
    }
  });

  it('an id of 100k letters and a newline is refused in milliseconds (Marathon’s pattern took 9 s)', () => {
    const started = performance.now();
    const { problems } = checkMarathonDefinition({ id: `${'x'.repeat(100_000)}\n`, cmd: 'x' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(formatProblems(problems)).toMatch(/^\/id: the string "x+…" \(100,001 characters\) is not a valid id/);
  });
});

/**
 * Shapes found in definitions people publish (Marathon's own docs and tests, marathon-lb, the DC/OS CLI,
 * autoscalers exporting apps), written small: what /cluster install would tell the attendee who pastes one.
 */
describe('definitions written for other Marathon versions, or copied from what Marathon answers', () => {
  const check = (definition: unknown) => checkMarathonDefinition(definition);
  const lines = (definition: unknown) => formatProblems(check(definition).problems);

  it('takes a field set to null as absent, as Marathon 1.3.5 reads it (GET /v2/apps writes "cmd": null)', () => {
    expect(
      check({
        id: '/postgres',
        cmd: null,
        args: null,
        user: null,
        acceptedResourceRoles: null,
        ipAddress: null,
        container: { type: 'DOCKER', docker: { image: 'postgres', network: 'BRIDGE', portMappings: null } },
      }).problems,
    ).toEqual([]);
    // A cmd with "args": null is not "both cmd and args".
    expect(check({ id: 'sleepy', cmd: 'sleep 60', args: null }).problems).toEqual([]);
    expect(check({ id: '/g', apps: [{ id: 'a', cmd: 'sleep 1', user: null }], groups: null }).problems).toEqual([]);
  });

  it('still refuses a null id, a null app with nothing to run, and nulls inside env and labels', () => {
    expect(lines({ id: null, cmd: 'x' })).toContain('/id: must be a string, not null');
    expect(lines({ id: 'idle', cmd: null, container: null })).toContain('an app needs "cmd", "args" or a "container"');
    expect(lines({ id: 'web', cmd: 'x', env: { A: null }, labels: { B: null } })).toMatch(
      /\/env\/A: .*\n\/labels\/B: must be a string, not null/,
    );
  });

  it("says once, per app, that the task counts of Marathon's answer are not part of a definition", () => {
    const { problems } = check({
      id: '/shop',
      apps: [{ id: 'web', cmd: 'x', tasksRunning: 1, tasksStaged: 0, deployments: [], tasks: [] }],
    });
    expect(problems).toEqual([
      {
        path: '/apps/0',
        message:
          '"tasksRunning", "tasksStaged", "deployments", "tasks" are what Marathon reports about a running app (GET /v2/apps), not part of a definition: delete them',
        refused: false,
      },
    ]);
  });

  it('says once per entry that apps were put in "groups" (minimesos\' own pingPong group)', () => {
    expect(
      check({
        id: '/ping-pong',
        groups: [
          { id: 'ping', cmd: 'ping', cpus: 0.1, mem: 32 },
          { id: 'pong', cmd: 'pong', instances: 2 },
        ],
      }).problems,
    ).toEqual([
      {
        path: '/groups/0',
        message:
          '"cmd", "cpus", "mem" are fields of an app, and this is an entry of "groups": an app goes in "apps"; a group holds only id, apps, groups and dependencies',
        refused: false,
      },
      expect.objectContaining({ path: '/groups/1', message: expect.stringMatching(/^"cmd", "instances" are fields of an app/) }),
    ]);
  });

  it('names the fields of Marathon 1.4 and newer, and says how to write them for 1.3.5', () => {
    const text = lines({
      id: '/shop',
      apps: [
        {
          id: 'nginx',
          networks: [{ mode: 'container/bridge' }],
          container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] },
          healthChecks: [{ protocol: 'MESOS_HTTP', path: '/', delaySeconds: 5 }],
          unreachableStrategy: { inactiveAfterSeconds: 0 },
        },
      ],
    });
    expect(text).toContain('/apps/0/networks: is a field of later Marathon versions (1.4 and newer)');
    expect(text).toContain('"network": "BRIDGE"');
    expect(text).toContain(
      '/apps/0/container/portMappings: is a field of later Marathon versions (1.4 and newer), which the workshop\'s Marathon 1.3.5 would silently ignore: move the list into "container": {"docker": {"portMappings": […]}}',
    );
    expect(text).toContain(
      '/apps/0/healthChecks/0/protocol: the string "MESOS_HTTP" is not one of "HTTP", "HTTPS", "TCP", "COMMAND" ("MESOS_HTTP" is Marathon 1.4 and newer: write "HTTP"',
    );
    expect(text).toContain(
      "/apps/0/healthChecks/0/delaySeconds: is a field of later Marathon versions (1.4 and newer), which the workshop's Marathon 1.3.5 would silently ignore: delete it",
    );
    expect(text).toContain('/apps/0/unreachableStrategy: is a field of later Marathon versions');
    // Fields no Marathon knows: the fields that are, listed once per object.
    expect(lines({ id: 'x', cmd: 'y', colour: 'red', size: 'L', container: { docker: { image: 'a', tag: 'b' } } }).split('\n')).toEqual([
      expect.stringMatching(/^\/colour: is not a field here, so Marathon would silently ignore it \(fields here: id, cmd, args, .*\)$/),
      '/size: is not a field here, so Marathon would silently ignore it',
      expect.stringMatching(
        /^\/container\/docker\/tag: is not a field here, so Marathon would silently ignore it \(fields here: image, network, /,
      ),
    ]);
  });

  it("refuses what Marathon 1.3.5's own reader refuses after the schema: uris with fetch, ipAddress with ports, ports unlike portDefinitions", () => {
    const app = { id: 'web', cmd: 'python3 -m http.server $PORT0' };
    expect(lines({ ...app, uris: ['https://example.com/a.tgz'], fetch: [{ uri: 'https://example.com/b.tgz' }] })).toContain(
      '/: give either "uris" or "fetch", not both: move each uri into "fetch" as {"uri": …}',
    );
    expect(lines({ ...app, ipAddress: { networkName: 'dev' }, portDefinitions: [{ port: 0 }] })).toContain(
      '/: an app with "ipAddress" (an address of its own) takes no "ports" or "portDefinitions"',
    );
    expect(lines({ id: '/g', apps: [{ ...app, ports: [8080], portDefinitions: [{ port: 0 }] }] })).toContain(
      '/apps/0: give either "ports" or "portDefinitions", or the same ports in both',
    );
    // As Marathon 1.3.5 itself writes an app back: the same ports twice, empty uris beside fetch, ipAddress without ports.
    expect(check({ ...app, ports: [10000], portDefinitions: [{ port: 10000, protocol: 'tcp' }], uris: [], fetch: [] }).problems).toEqual(
      [],
    );
    expect(check({ ...app, ipAddress: { networkName: 'dev' }, ports: [], portDefinitions: [] }).problems).toEqual([]);
  });

  it('refuses a list of apps with one line saying how to install them', () => {
    expect(
      check([
        { id: 'a', cmd: 'x' },
        { id: 'b', cmd: 'y' },
      ]).problems,
    ).toEqual([
      {
        path: '/',
        message:
          'is a list of 2 items, and Marathon takes one app or one group: install them one at a time, or as a group: {"id": "/my-group", "apps": [ … ]}',
        refused: true,
      },
    ]);
  });

  it('refuses a pod (Marathon 1.4) in one line, saying to write its containers as apps', () => {
    expect(lines({ id: '/simple-pod', scaling: { kind: 'fixed', instances: 1 }, containers: [{ name: 'sleep1', exec: {} }] })).toBe(
      '/containers: this is a pod, which Marathon runs from 1.4 on; the workshop\'s Marathon 1.3.5 runs apps: write each container as an app, with "container": {"type": "DOCKER", "docker": {"image": …}}',
    );
  });

  it('refuses the answer of GET /v2/apps/<id>, pointing at the app inside it', () => {
    expect(lines({ app: { id: '/web', cmd: 'x', tasks: [] } })).toBe(
      '/app: this is how Marathon answers GET /v2/apps/<id>, not an app definition: install the object inside "app" (without its "tasks" and task counts)',
    );
  });
});
