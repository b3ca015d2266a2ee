import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isCollection, isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { checkMarathonDefinition, problemsInOneLine } from '../clients/marathon-definition.js';
import { parseMinimesosFile } from '../clusters/minimesos-file/index.js';
import { errorMessage } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { type Exercise, type ExerciseFile, exerciseSchema } from './exercise.js';

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
  const names = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
  if (names.length === 0) throw new ExerciseFileError([`${shown} has no exercise files (NN-name.yaml)`]);
  const problems: string[] = [];
  const exercises: Exercise[] = [];
  for (const name of names) {
    const number = FILE_NAME.exec(name)?.[1];
    if (number === undefined) {
      problems.push(`${join(shown, name)}: name it like 03-marathon.yaml (the number sets its place in the workshop)`);
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
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const at = error.linePos?.[0];
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      problems.push(`${source}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${message}`);
    }
    return undefined;
  }
  const raw = document.toJS() as unknown;
  const parsed = exerciseSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const node = deepestNode(document, issue.path);
      const line = node?.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
      problems.push(`${source}${line}: ${describePath(issue.path, raw)}: ${describeIssue(issue, raw)}`);
    }
    return undefined;
  }
  const { files, ...content } = parsed.data;
  const before = problems.length;
  const steps = new Set<string>();
  content.steps.forEach((step, index) => {
    const where = `${source}: ${describePath(['steps', index], raw)}`;
    if (steps.has(step.id)) problems.push(`${where}: step id "${step.id}" is used twice`);
    if (step.after !== undefined && !steps.has(step.after))
      problems.push(
        `${where}: after "${step.after}" must name an earlier step of this exercise (${[...steps].join(', ') || 'there is none before it'})`,
      );
    steps.add(step.id);
  });
  const read = (path: string, field: string, validate: (text: string) => void): ExerciseFile | undefined => {
    const full = join(dir, path);
    if (!existsSync(full)) {
      problems.push(`${source}: ${field}: ${path} does not exist in ${displayPath(dir)}`);
      return undefined;
    }
    const text = readFileSync(full, 'utf8');
    try {
      validate(text);
    } catch (error) {
      problems.push(`${source}: ${field}: ${path}: ${errorMessage(error)}`);
    }
    return { path, text };
  };
  const minimesosFile = files.minimesosFile ? read(files.minimesosFile, 'files.minimesosFile', parseMinimesosFile) : undefined;
  const marathon = files.marathon.map((path, index) => read(path, `files.marathon[${index}]`, validateMarathonJson));
  if (problems.length > before) return undefined;
  return {
    ...content,
    number,
    source,
    files: { ...(minimesosFile ? { minimesosFile } : {}), marathon: marathon.filter((file) => file !== undefined) },
  };
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
function deepestNode(
  document: ReturnType<typeof parseDocument>,
  path: PropertyKey[],
): { range?: [number, number, number] | null } | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length) as Array<string | number>, true);
    if (isNode(node) || isCollection(node)) return node;
  }
  return undefined;
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** `steps[2] (scale-to-3).check.count` */
function describePath(path: PropertyKey[], raw: unknown): string {
  if (path.length === 0) return '(the file)';
  let text = '';
  let value: unknown = raw;
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const id = typeof key === 'number' && value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    if (typeof id === 'string') text += ` (${id})`;
  }
  return text;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `missing (${issue.expected} expected)`;
  if (valueAt(raw, issue.path) === undefined && issue.path.length > 0) return 'missing';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

/** A folder as messages show it: relative to where the bot runs when it is below it. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}
