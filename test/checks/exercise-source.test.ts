import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExercises } from '../../src/checks/loader.js';
import { cpuMsSince } from '../support/cpu-time.js';
import { exerciseFolders, HELLO_EXERCISE, loadProblems } from './support.js';

/** How instructors' editors and habits write a file: all of these load as the same exercise. */
describe('an exercise file in any style an editor or a person writes it', () => {
  const folder = exerciseFolders();
  const loaded = (text: string | Buffer, name = '01-hello.yaml') => loadExercises(folder({ [name]: text }))[0]!;

  it('Windows line ends, a UTF-8 byte-order mark, a .yml name, flow style, JSON: the same exercise', () => {
    const plain = loaded(HELLO_EXERCISE);
    expect(plain.steps[0]).toMatchObject({ id: 'up', hint: ['Type /cluster up.'], check: { type: 'cluster' } });
    const same = { id: plain.id, title: plain.title, goal: plain.goal, steps: plain.steps };
    for (const variant of [
      loaded(HELLO_EXERCISE.replace(/\n/g, '\r\n')),
      loaded(`\ufeff${HELLO_EXERCISE}`),
      loaded(HELLO_EXERCISE, '01-hello.yml'),
      loaded(
        '{id: hello, title: "Hello cluster", goal: \'Start a cluster.\', steps: [{id: up, title: Cluster up, do: Run /cluster up., check: {type: cluster}, hint: [Type /cluster up.], solution: /cluster up}]}',
      ),
      loaded(
        JSON.stringify({
          id: 'hello',
          title: 'Hello cluster',
          goal: 'Start a cluster.',
          steps: [{ ...same.steps[0], check: { type: 'cluster' } }],
        }),
      ),
    ])
      expect({ id: variant.id, title: variant.title, goal: variant.goal, steps: variant.steps }).toEqual(same);
  });

  it('non-ASCII titles, emoji and long texts are kept as written', () => {
    const long = 'Run /cluster up and wait. '.repeat(800).trim();
    const exercise = loaded(
      HELLO_EXERCISE.replace('title: Hello cluster', 'title: "Größe: 集群 🚀"').replace('do: Run /cluster up.', `do: "${long}"`),
    );
    expect(exercise.title).toBe('Größe: 集群 🚀');
    expect(exercise.steps[0]!.do).toBe(long);
  });

  it('anchors and aliases, `<<` merge keys and `x-` fields to hold shared parts', () => {
    const exercise = loaded(`id: hello
title: Hello
goal: g
x-defaults: &defaults
  hint: [Ask the instructor., Look at the slides.]
  solution: The slides, page 3.
steps:
  - <<: *defaults
    id: up
    title: Up
    do: &do Run it.
    check: &check {type: cluster}
  - <<: *defaults
    id: again
    title: Again
    do: *do
    check: *check
`);
    expect(exercise.steps.map((step) => [step.id, step.do, step.hint, step.solution, step.check])).toEqual([
      ['up', 'Run it.', ['Ask the instructor.', 'Look at the slides.'], 'The slides, page 3.', { type: 'cluster' }],
      ['again', 'Run it.', ['Ask the instructor.', 'Look at the slides.'], 'The slides, page 3.', { type: 'cluster' }],
    ]);
  });

  it("an editor's lock or swap file beside the exercise is not read", () => {
    expect(
      loadExercises(folder({ '01-hello.yaml': HELLO_EXERCISE, '.#01-hello.yaml': 'not yaml {', '.01-hello.yaml.swp': 'x' })),
    ).toHaveLength(1);
  });
});

describe('a file that is not a readable exercise: refused quickly, saying which file, where and what to do', () => {
  const folder = exerciseFolders();
  const problemsOf = (files: Record<string, string | Buffer>) => loadProblems(folder(files));
  const problemsOfText = (text: string | Buffer) => problemsOf({ '01-hello.yaml': text });
  /**
   * Problems and the CPU time the loader spent, for the files built to exhaust it. Writing the file
   * is not counted, and neither is waiting for a core another process holds: on a loaded machine
   * that made a quick refusal look slow; CPU time still shows a loader that parses or expands.
   */
  const timed = (text: string) => {
    const dir = folder({ '01-hello.yaml': text });
    const started = process.cpuUsage();
    const found = loadProblems(dir);
    return { found, ms: cpuMsSince(started) };
  };

  it('a 5 MB file is refused before it is parsed', () => {
    const { found, ms } = timed(`${HELLO_EXERCISE}notes:\n${'  - "a line of padding text that goes on and on"\n'.repeat(110_000)}`);
    expect(found).toEqual([
      '<dir>/01-hello.yaml: is 5.1 MB; an exercise file is a few KB (at most 256 KB): split it into several exercises',
    ]);
    expect(ms).toBeLessThan(500);
  });

  it('a "billion laughs" of aliases is refused without expanding it', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 9; level++) {
      const [name, previous] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const { found, ms } = timed(`${levels.join('\n')}\n${HELLO_EXERCISE}`);
    expect(found).toEqual([
      '<dir>/01-hello.yaml: its aliases (*name) expand to too much data: reuse an anchor a few times at most, or write the text out',
    ]);
    expect(ms).toBeLessThan(500);
  });

  it('brackets or lists nested thousands deep are refused, not left to overflow the parser', () => {
    const brackets = timed(`${HELLO_EXERCISE}notes: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(brackets.found).toEqual([
      '<dir>/01-hello.yaml:11: not valid YAML: brackets nested more than 100 deep: an exercise needs a few levels',
    ]);
    expect(brackets.ms).toBeLessThan(500);
    expect(problemsOfText(`${'- '.repeat(100_000)}x\n`)).toEqual([
      expect.stringMatching(/^<dir>\/01-hello\.yaml:1:\d+: not valid YAML: lists nested too deeply for an exercise$/),
    ]);
  });

  it('Latin-1 or UTF-16 instead of UTF-8: which line, and to save it as UTF-8 (never a silently garbled title)', () => {
    expect(problemsOfText(Buffer.from(HELLO_EXERCISE.replace('Hello cluster', 'Café cluster'), 'latin1'))).toEqual([
      '<dir>/01-hello.yaml:2: is not UTF-8 (line 2 has a character in another encoding, such as Latin-1 or Windows-1252): save the file as UTF-8',
    ]);
    expect(problemsOfText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HELLO_EXERCISE, 'utf16le')]))).toEqual([
      '<dir>/01-hello.yaml: is saved as UTF-16: save it as UTF-8 (in most editors: Save with Encoding → UTF-8)',
    ]);
  });

  it('YAML mistakes made by hand: the first one, with its line and column and the fix', () => {
    // One tab makes the parser report eight errors; only the cause is shown.
    expect(problemsOfText(HELLO_EXERCISE.replace('    title: Cluster up', '\ttitle: Cluster up'))).toEqual([
      '<dir>/01-hello.yaml:6:1: not valid YAML: a tab indents this line; YAML indents with spaces only',
    ]);
    expect(problemsOfText(HELLO_EXERCISE.replace('title: Cluster up', 'title: Step 1: cluster up'))).toEqual([
      '<dir>/01-hello.yaml:6:12: not valid YAML: Nested mappings are not allowed in compact mappings; a value with ": " or "#" in it needs quotes, like title: "Step 1: start"',
    ]);
    expect(problemsOfText(HELLO_EXERCISE.replace('goal: Start a cluster.', 'goal: Start a cluster.\ngoal: again'))).toEqual([
      '<dir>/01-hello.yaml:4:1: not valid YAML: goal is given twice at this level: keep one',
    ]);
    expect(problemsOfText(`${HELLO_EXERCISE}---\n${HELLO_EXERCISE}`)).toEqual([
      '<dir>/01-hello.yaml:11:1: not valid YAML: a second document starts here (---): one exercise per file, so put it in its own NN-name.yaml',
    ]);
    expect(problemsOfText(HELLO_EXERCISE.replace('solution: /cluster up', 'solution: !include solution.md'))).toEqual([
      '<dir>/01-hello.yaml:10:15: the tag !include is not something exercise files understand: write the value itself',
    ]);
  });

  it('a folder or a looping link named like an exercise, or a name the bot cannot place', () => {
    const dir = folder({ '01-hello.yaml': HELLO_EXERCISE, '02-More.YAML': HELLO_EXERCISE });
    mkdirSync(join(dir, '03-dir.yaml'));
    symlinkSync('04-loop.yaml', join(dir, '04-loop.yaml'));
    expect(loadProblems(dir)).toEqual([
      '<dir>/02-More.YAML: name it like 03-marathon.yaml: a number (its place in the workshop), a dash, lower-case words with dashes, .yaml',
      '<dir>/03-dir.yaml: is a folder, not a file: an exercise is one NN-name.yaml file (its files go under files/)',
      '<dir>/04-loop.yaml: cannot be read (it is a symbolic link that points at itself)',
    ]);
  });

  it('the files an exercise names: a folder, a file not in UTF-8 or too big is said so, with the field', () => {
    const dir = folder({
      '01-hello.yaml': HELLO_EXERCISE.replace(
        'steps:',
        'files:\n  minimesosFile: files\n  marathon: [files/latin.json, files/huge.json]\nsteps:',
      ),
      'files/latin.json': Buffer.from('{"id": "café", "cmd": "sleep 1"}', 'latin1'),
      'files/huge.json': JSON.stringify({ id: 'huge', cmd: 'x'.repeat(300 * 1024) }),
    });
    expect(loadProblems(dir)).toEqual([
      '<dir>/01-hello.yaml: files.minimesosFile: files: is a folder, not a file: name a file in it',
      '<dir>/01-hello.yaml: files.marathon[0]: files/latin.json:1: is not UTF-8 (line 1 has a character in another encoding, such as Latin-1 or Windows-1252): save the file as UTF-8',
      "<dir>/01-hello.yaml: files.marathon[1]: files/huge.json: is 301 KB; an exercise's minimesosFile or Marathon JSON is a few KB (at most 256 KB)",
    ]);
  });
});
