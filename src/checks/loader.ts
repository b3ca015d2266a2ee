import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { type Document, isCollection, isNode } from 'yaml';
import { checkMarathonDefinition, problemsInOneLine } from '../clients/marathon-definition.js';
import { parseMinimesosFile } from '../clusters/minimesos-file/index.js';
import { errorMessage } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { type Exercise, type ExerciseFile, exerciseSchema, RESERVED_EXERCISE_IDS } from './exercise.js';
import { describeIssue, describePath, withoutMisspelledMissing } from './exercise-issues.js';
import { readExerciseSource, readNamedFile } from './exercise-source.js';

/** Every problem in the exercise files, each with its file, line and the path inside it. */
export class ExerciseFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`The exercise files are not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ExerciseFileError';
  }
}

export const DEFAULT_EXERCISES_DIR = (): string => join(packageRoot(), 'exercises');

const FILE_NAME = /^(\d+)-[a-z0-9-]+\.ya?ml$/;

/**
 * Reads and validates every exercise (`NN-name.yaml`, in the order of NN) and the files they name.
 * Anything wrong anywhere stops here with one error listing every problem — the bot must not
 * start with content it would fail on in front of a room.
 */
export function loadExercises(dir: string = DEFAULT_EXERCISES_DIR()): Exercise[] {
  const shown = displayPath(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ExerciseFileError([`${shown} is not a folder of exercise files`]);
  // Dot files are editors' (an open file's lock, a swap file), not exercises.
  const names = readdirSync(dir).filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.'));
  if (names.length === 0) throw new ExerciseFileError([`${shown} has no exercise files (NN-name.yaml)`]);
  const problems: string[] = [];
  const exercises: Exercise[] = [];
  for (const name of names) {
    const number = FILE_NAME.exec(name)?.[1];
    if (number === undefined) {
      problems.push(
        `${join(shown, name)}: name it like 03-marathon.yaml: a number (its place in the workshop), a dash, lower-case words with dashes, .yaml`,
      );
      continue;
    }
    const exercise = readExercise(dir, name, Number(number), problems);
    if (exercise) exercises.push(exercise);
  }
  const seen = new Map<string, string>();
  for (const exercise of exercises) {
    const other = seen.get(exercise.id);
    if (other) problems.push(`${exercise.source}: id "${exercise.id}" is already used by ${other}`);
    seen.set(exercise.id, exercise.source);
  }
  const numbers = new Map<number, string>();
  for (const exercise of exercises) {
    const other = numbers.get(exercise.number);
    if (other) problems.push(`${exercise.source}: number ${exercise.number} is already used by ${other}`);
    numbers.set(exercise.number, exercise.source);
  }
  if (problems.length > 0) throw new ExerciseFileError(problems);
  return exercises.sort((a, b) => a.number - b.number);
}

function readExercise(dir: string, name: string, number: number, problems: string[]): Exercise | undefined {
  const source = join(displayPath(dir), name);
  const read = readExerciseSource(join(dir, name), source, problems);
  if (!read) return undefined;
  const { document, lineCounter } = read;
  const raw = withoutExtensions(read.raw);
  /** `source:line` of the field at `path` (or of the nearest part of it that exists). */
  const at = (path: PropertyKey[]): string => {
    const node = deepestNode(document, path);
    return `${source}${node?.range ? `:${lineCounter.linePos(node.range[0]).line}` : ''}`;
  };
  const parsed = exerciseSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of withoutMisspelledMissing(parsed.error.issues, raw, exerciseSchema))
      problems.push(`${at(issue.path)}: ${describePath(issue.path, raw)}: ${describeIssue(issue, raw, exerciseSchema)}`);
    return undefined;
  }
  const { files, ...content } = parsed.data;
  const before = problems.length;
  if (RESERVED_EXERCISE_IDS.includes(content.id))
    problems.push(`${at(['id'])}: id: "${content.id}" is a word of /check (/check ${content.id}): choose another id`);
  const steps = new Set<string>();
  content.steps.forEach((step, index) => {
    const where = (field: string) => `${at(['steps', index, field])}: ${describePath(['steps', index, field], raw)}`;
    if (steps.has(step.id)) problems.push(`${where('id')}: "${step.id}" is the id of an earlier step too: give each step its own id`);
    if (step.after === step.id) problems.push(`${where('after')}: a step cannot wait for itself: name an earlier step, or remove after`);
    else if (step.after !== undefined && !steps.has(step.after)) {
      const later = content.steps.slice(index + 1).some((other) => other.id === step.after);
      problems.push(
        `${where('after')}: "${step.after}" ${later ? 'comes later' : 'is not a step of this exercise'}: after names an earlier step (${[...steps].join(', ') || 'there is none before this one'})`,
      );
    }
    steps.add(step.id);
  });
  const readFile = (path: string, field: string, validate: (text: string) => void): ExerciseFile | undefined => {
    const full = join(dir, path);
    if (!existsSync(full)) {
      problems.push(`${source}: ${field}: ${path} does not exist in ${displayPath(dir)}`);
      return undefined;
    }
    const text = readNamedFile(full, `${source}: ${field}: ${path}`, problems);
    if (text === undefined) return undefined;
    try {
      validate(text);
    } catch (error) {
      problems.push(`${source}: ${field}: ${path}: ${errorMessage(error)}`);
    }
    return { path, text };
  };
  const minimesosFile = files.minimesosFile ? readFile(files.minimesosFile, 'files.minimesosFile', parseMinimesosFile) : undefined;
  const marathon = files.marathon.map((path, index) => readFile(path, `files.marathon[${index}]`, validateMarathonJson));
  if (problems.length > before) return undefined;
  return {
    ...content,
    number,
    source,
    files: { ...(minimesosFile ? { minimesosFile } : {}), marathon: marathon.filter((file) => file !== undefined) },
  };
}

/** The file without its top-level `x-…` fields: a place for anchors (`x-defaults: &defaults`), as in Compose files. */
function withoutExtensions(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('x-')));
}

/** As `/cluster install` would take it: JSON that Marathon 1.3.5 accepts as an app or group. */
function validateMarathonJson(text: string): void {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${errorMessage(error)}`);
  }
  const { problems } = checkMarathonDefinition(definition);
  if (problems.length > 0) throw new Error(`Marathon would refuse it: ${problemsInOneLine(problems)}`);
}

/** The YAML node at `path`, or at the deepest part of it that exists (a missing field points at its parent). */
function deepestNode(document: Document.Parsed, path: PropertyKey[]): { range?: [number, number, number] | null } | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length) as Array<string | number>, true);
    if (isNode(node) || isCollection(node)) return node;
  }
  return undefined;
}

/** A folder as messages show it: relative to where the bot runs when it is below it. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}
