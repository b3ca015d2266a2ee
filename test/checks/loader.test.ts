import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExerciseFileError, loadExercises } from '../../src/checks/loader.js';

describe('the exercises shipped with the bot', () => {
  const exercises = loadExercises();

  it('one per exercise block of the outline, in its order, plus the ELK bonus', () => {
    expect(exercises.map((exercise) => [exercise.number, exercise.id])).toEqual([
      [1, 'minimesos-basics'],
      [2, 'mesos-ui'],
      [3, 'marathon'],
      [4, 'frameworks'],
      [5, 'wordpress'],
      [6, 'elk'],
    ]);
    for (const step of exercises.flatMap((exercise) => exercise.steps)) {
      expect(step.hint.length).toBeGreaterThan(0);
      expect(step.solution.length).toBeGreaterThan(10);
    }
  });

  it('the Marathon sequence is real: each step after create counts only after the one before it', () => {
    const marathon = exercises.find((exercise) => exercise.id === 'marathon')!;
    expect(marathon.steps.map((step) => [step.id, step.after])).toEqual([
      ['create', undefined],
      ['reachable', undefined],
      ['destroy', 'create'],
      ['start-again', 'destroy'],
      ['scale-to-3', 'start-again'],
      ['scale-to-1', 'scale-to-3'],
    ]);
  });

  it('where the outline is wrong for the real versions, the exercise says what is right', () => {
    const byId = Object.fromEntries(exercises.map((exercise) => [exercise.id, exercise]));
    expect(byId.frameworks!.notes.join(' ')).toContain('`/elasticsearch/mesos-ha`');
    expect(byId.frameworks!.steps.find((step) => step.id === 'zookeeper-state')!.check).toEqual({
      type: 'znode',
      path: '/elasticsearch/mesos-ha',
      children: { atLeast: 1 },
    });
    expect(byId.marathon!.notes.join(' ')).toContain("nginx is reached on the agent's IP");
    expect(byId.wordpress!.notes.join(' ')).toContain('WordPress answers on port 80');
    expect(byId['minimesos-basics']!.notes.join(' ')).toContain('`$MINIMESOS_MASTER` already holds `http://<ip>:5050`');
  });

  it('reads the files each exercise names (our own minimesosFiles and Marathon JSON)', () => {
    const frameworks = exercises.find((exercise) => exercise.id === 'frameworks')!;
    expect(frameworks.files.minimesosFile!.text.match(/agent \{/g)).toHaveLength(5);
    expect(JSON.parse(frameworks.files.marathon[0]!.text).args).toContain('${MINIMESOS_ZOOKEEPER}');
  });
});

describe('a broken exercise folder: every problem, with file, line, path inside and what is wrong', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the shipped exercises, in a folder removed after the test. */
  function copyExercises(): string {
    dir = mkdtempSync(join(tmpdir(), 'exercises-'));
    cpSync('exercises', dir, { recursive: true });
    return dir;
  }
  /** A copy of the shipped exercises with `edit` applied to one file. */
  function broken(file: string, edit: (text: string) => string): string {
    copyExercises();
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
    return dir;
  }
  function problems(folder: string): string[] {
    try {
      loadExercises(folder);
    } catch (error) {
      expect(error).toBeInstanceOf(ExerciseFileError);
      return (error as ExerciseFileError).problems.map((problem) => problem.replaceAll(folder, '<dir>'));
    }
    throw new Error('the folder loaded');
  }

  it('an unknown check type, a bad count, a missing hint and an unknown field', () => {
    const found = problems(
      broken('03-marathon.yaml', (text) =>
        text
          .replace('type: marathon-app-absent', 'type: marathon-app-gone')
          .replace('      instances: 3\n', '      instances: three\n')
          .replace(/ {4}hint: "Destroying the app removed it[^\n]*\n/, '')
          .replace('  - id: scale-to-1\n', '  - id: scale-to-1\n    colour: blue\n'),
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^<dir>\/03-marathon\.yaml:\d+: steps\[2\] \(destroy\)\.check\.type: unknown check type "marathon-app-gone" \(types: cluster, agents,/,
      ),
      expect.stringMatching(/^<dir>\/03-marathon\.yaml:\d+: steps\[3\] \(start-again\)\.hint: missing/),
      expect.stringMatching(
        /^<dir>\/03-marathon\.yaml:\d+: steps\[4\] \(scale-to-3\)\.check\.instances: expected a whole number, or \{atLeast: N\}/,
      ),
      expect.stringMatching(/^<dir>\/03-marathon\.yaml:\d+: steps\[5\] \(scale-to-1\): unknown field colour \(fields here: id, title, do,/),
    ]);
    const line = readFileSync(join(dir, '03-marathon.yaml'), 'utf8').split('\n').indexOf('      instances: three') + 1;
    expect(found[2]).toContain(`03-marathon.yaml:${line}: `);
  });

  it('`after` must name an earlier step; step ids are unique', () => {
    expect(
      problems(
        broken('03-marathon.yaml', (text) => text.replace('after: create', 'after: scale-to-1').replace('- id: reachable', '- id: create')),
      ),
    ).toEqual([
      expect.stringMatching(
        /^<dir>\/03-marathon\.yaml:\d+: steps\[1\] \(create\)\.id: "create" is the id of an earlier step too: give each step its own id$/,
      ),
      expect.stringMatching(
        /^<dir>\/03-marathon\.yaml:\d+: steps\[2\] \(destroy\)\.after: "scale-to-1" comes later: after names an earlier step \(create\)$/,
      ),
    ]);
  });

  it('files it names must exist and be valid: a minimesosFile with its line and column, Marathon JSON as Marathon would take it', () => {
    copyExercises();
    writeFileSync(join(dir, 'files/frameworks/minimesosFile'), 'minimesos {\n  agent {\n    colour = "blue"\n  }\n}\n');
    writeFileSync(join(dir, 'files/marathon/nginx.json'), '{"instances": 1}');
    const wordpress = join(dir, '05-wordpress.yaml');
    writeFileSync(wordpress, readFileSync(wordpress, 'utf8').replace('files/wordpress/mysql.json', 'files/wordpress/mariadb.json'));
    const found = problems(dir);
    expect(found).toEqual([
      expect.stringMatching(
        /^<dir>\/03-marathon\.yaml: files\.marathon\[0\]: files\/marathon\/nginx\.json: Marathon would refuse it: .*id/,
      ),
      expect.stringMatching(
        /^<dir>\/04-frameworks\.yaml: files\.minimesosFile: files\/frameworks\/minimesosFile: minimesosFile line 3, column 5: 'colour' is not a property of agent/,
      ),
      '<dir>/05-wordpress.yaml: files.marathon[0]: files/wordpress/mariadb.json does not exist in <dir>',
    ]);
  });

  it('YAML that does not parse, a file named without its number, an id used twice', () => {
    copyExercises();
    writeFileSync(join(dir, '07-extra.yaml'), 'id: extra\ntitle: x\n  goal: [\n');
    writeFileSync(join(dir, 'bonus.yaml'), 'id: bonus\n');
    writeFileSync(join(dir, '08-again.yaml'), readFileSync(join(dir, '03-marathon.yaml'), 'utf8'));
    const found = problems(dir);
    expect(found).toContain(
      '<dir>/bonus.yaml: name it like 03-marathon.yaml: a number (its place in the workshop), a dash, lower-case words with dashes, .yaml',
    );
    expect(found).toContain(
      '<dir>/07-extra.yaml:2:8: not valid YAML: Nested mappings are not allowed in compact mappings; a value with ": " or "#" in it needs quotes, like title: "Step 1: start"',
    );
    expect(found).toContain('<dir>/08-again.yaml: id "marathon" is already used by <dir>/03-marathon.yaml');
  });

  it('a folder with no exercises, or no folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'exercises-'));
    expect(problems(dir)).toEqual(['<dir> has no exercise files (NN-name.yaml)']);
    expect(problems(join(dir, 'missing'))).toEqual(['<dir> is not a folder of exercise files']);
  });
});
