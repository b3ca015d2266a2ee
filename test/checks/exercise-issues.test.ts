import { describe, expect, it } from 'vitest';
import { loadExercises } from '../../src/checks/loader.js';
import { CheckService, type CheckServiceDeps } from '../../src/checks/service.js';
import { exerciseFolders, HELLO_EXERCISE, loadProblems } from './support.js';

/**
 * What another instructor gets wrong in an exercise's fields: each problem names the file and line,
 * the field's path, what is wrong, and what to write instead.
 */
describe("an exercise's fields as another instructor writes them", () => {
  const folder = exerciseFolders();
  const problemsOf = (files: Record<string, string>) => loadProblems(folder(files));
  /** The problems of HELLO_EXERCISE with `from` replaced by `to`. */
  const edited = (from: string, to: string) => problemsOf({ '01-hello.yaml': HELLO_EXERCISE.replace(from, to) });

  it('a misspelled field: the field it likely means, and the fields allowed there; not also "missing"', () => {
    expect(edited('hint:', 'hints:')).toEqual([
      '<dir>/01-hello.yaml:5: steps[0] (up): unknown field hints: did you mean hint? (fields here: id, title, do, check, hint, solution, after, timeoutSeconds)',
    ]);
    expect(edited('{type: cluster}', '{type: http, url: "{master}", bodycontain: Mesos}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check: unknown field bodycontain: did you mean bodyContains? (fields here: type, url, status, bodyContains, bodyLacks, json)',
    ]);
    expect(edited('{type: cluster}', '{type: agents, count: {atleast: 1}}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check.count: unknown field atleast: did you mean atLeast? (fields here: atLeast, atMost)',
    ]);
  });

  it('the check: its type (unknown, missing), one check per step, fields not text', () => {
    expect(edited('{type: cluster}', '{type: http-get, url: "{master}"}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check.type: unknown check type "http-get" (types: cluster, agents, framework, task, marathon-app, marathon-app-absent, sandbox-file, http, tcp, znode)',
    ]);
    expect(edited('{type: cluster}', '{type: agent, count: 1}')[0]).toContain('unknown check type "agent": did you mean agents?');
    expect(edited('{type: cluster}', '{count: 3}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check.type: missing: a check starts with its type, one of cluster, agents, framework, task, marathon-app, marathon-app-absent, sandbox-file, http, tcp, znode',
    ]);
    expect(edited('    check: {type: cluster}\n', '')).toEqual([
      '<dir>/01-hello.yaml:5: steps[0] (up).check: missing: every step has one check, like check: {type: cluster}',
    ]);
    expect(edited('check: {type: cluster}', 'check:\n      - {type: cluster}\n      - {type: agents, count: 1}')).toEqual([
      '<dir>/01-hello.yaml:9: steps[0] (up).check: one check per step, found a list: give each check its own step (the later one with after: <earlier step>)',
    ]);
    expect(edited('check: {type: cluster}', 'check: cluster')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check: expected the check\'s fields, like {type: cluster}, found the text "cluster"',
    ]);
  });

  it('values of the wrong kind: the allowed ones, quotes for text, no quotes for numbers, a list', () => {
    expect(edited('{type: cluster}', '{type: task, name: nginx, state: RUNNING}')).toEqual([
      expect.stringMatching(
        /^<dir>\/01-hello\.yaml:8: steps\[0\] \(up\)\.check\.state: "RUNNING" is not one of TASK_STAGING, .*TASK_GONE_BY_OPERATOR: did you mean TASK_RUNNING\?$/,
      ),
    ]);
    expect(edited('solution: /cluster up', 'solution: 42')).toEqual([
      '<dir>/01-hello.yaml:10: steps[0] (up).solution: expected text, found the number 42: put it in quotes, like "42"',
    ]);
    expect(edited('steps:', 'timeoutSeconds: "5"\nsteps:')).toEqual([
      '<dir>/01-hello.yaml:4: timeoutSeconds: expected a number, found the text "5": write it without quotes',
    ]);
    expect(edited('steps:', 'files:\n  marathon: files/marathon/nginx.json\nsteps:')).toEqual([
      '<dir>/01-hello.yaml:5: files.marathon: expected a list, found text: write it as [files/marathon/nginx.json]',
    ]);
  });

  it('numbers out of range, empty lists, an empty or non-exercise file', () => {
    expect(edited('    check:', '    timeoutSeconds: -5\n    check:')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).timeoutSeconds: at least 0.5 seconds: a cluster cannot answer a check faster (without it, 3 s)',
    ]);
    expect(edited('steps:', 'timeoutSeconds: 3600\nsteps:')).toEqual([
      '<dir>/01-hello.yaml:4: timeoutSeconds: at most 30 seconds: an attendee waits for it (without it, 3 s)',
    ]);
    expect(problemsOf({ '01-hello.yaml': 'id: hello\ntitle: Hello\ngoal: g\nsteps: []\n' })).toEqual([
      '<dir>/01-hello.yaml:4: steps: add at least one step',
    ]);
    expect(problemsOf({ '01-hello.yaml': 'id: hello\ntitle: Hello\ngoal: g\nsteps:\n  up:\n    title: Up\n' })).toEqual([
      '<dir>/01-hello.yaml:5: steps: expected a list, found fields (name: value): start each step with "- id: …" (steps run in the list\'s order)',
    ]);
    expect(edited('hint: Type /cluster up.', 'hint: []')).toEqual(['<dir>/01-hello.yaml:9: steps[0] (up).hint: give at least one hint']);
    expect(problemsOf({ '01-hello.yaml': '' })).toEqual([
      '<dir>/01-hello.yaml: (the file): the file is empty: an exercise has id, title, goal and steps (README, "Writing an exercise")',
    ]);
    expect(problemsOf({ '01-hello.yaml': '[{"id": "hello"}]' })).toEqual([
      "<dir>/01-hello.yaml:1: (the file): expected the exercise's fields (id, title, goal, steps), found a list",
    ]);
  });

  it('step ids and after: the line of the field, and whether the step named comes later, is missing or is itself', () => {
    const second = '  - id: two\n    title: Two\n    do: d\n    check: {type: cluster}\n    hint: h\n    solution: s\n';
    expect(edited('    check:', '    after: two\n    check:')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).after: "two" is not a step of this exercise: after names an earlier step (there is none before this one)',
    ]);
    expect(problemsOf({ '01-hello.yaml': HELLO_EXERCISE.replace('    check:', '    after: two\n    check:') + second })).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).after: "two" comes later: after names an earlier step (there is none before this one)',
    ]);
    expect(edited('    check:', '    after: up\n    check:')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).after: a step cannot wait for itself: name an earlier step, or remove after',
    ]);
    expect(problemsOf({ '01-hello.yaml': HELLO_EXERCISE + second.replace('id: two', 'id: up') })).toEqual([
      '<dir>/01-hello.yaml:11: steps[1] (up).id: "up" is the id of an earlier step too: give each step its own id',
    ]);
  });

  it('addresses: a placeholder misspelled, or a task without its port', () => {
    expect(edited('{type: cluster}', '{type: http, url: "{mastr}/state"}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check.url: {mastr} is not a placeholder I know: use {master}, {marathon}, {zookeeper}, {task:NAME:PORT}, {image:IMAGE:PORT} or {framework:NAME:PORT}',
    ]);
    expect(edited('{type: cluster}', '{type: tcp, address: "{task:foo}"}')).toEqual([
      '<dir>/01-hello.yaml:8: steps[0] (up).check.address: {task:foo} needs the port too: {task:foo:PORT}, like {task:foo:80}',
    ]);
  });

  it('ids /check could not tell apart: one of its words, only digits, one used by another file; 00-intro.yaml is /check 0', () => {
    const [intro, hello] = loadExercises(
      folder({ '00-intro.yaml': HELLO_EXERCISE.replace('id: hello', 'id: intro'), '03-hello.yaml': HELLO_EXERCISE }),
    );
    const checks = new CheckService({ exercises: [intro!, hello!] } as unknown as CheckServiceDeps);
    expect(['0', '00', 'intro', '3', '03', 'hello'].map((name) => checks.find(name).id)).toEqual([
      'intro',
      'intro',
      'intro',
      'hello',
      'hello',
      'hello',
    ]);
    expect(problemsOf({ '01-list.yaml': HELLO_EXERCISE.replace('id: hello', 'id: list') })).toEqual([
      '<dir>/01-list.yaml:1: id: "list" is a word of /check (/check list): choose another id',
    ]);
    expect(problemsOf({ '01-hello.yaml': HELLO_EXERCISE.replace('id: hello', 'id: "2"') })).toEqual([
      '<dir>/01-hello.yaml:1: id: must not be only digits (/check 3 means the exercise numbered 3): use words, like marathon',
    ]);
    expect(
      problemsOf({
        '01-hello.yaml': HELLO_EXERCISE,
        '02-again.yaml': HELLO_EXERCISE,
        '2-other.yaml': HELLO_EXERCISE.replace('id: hello', 'id: other'),
      }),
    ).toEqual([
      '<dir>/02-again.yaml: id "hello" is already used by <dir>/01-hello.yaml',
      '<dir>/2-other.yaml: number 2 is already used by <dir>/02-again.yaml',
    ]);
  });
});
