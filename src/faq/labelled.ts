import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';

export interface LabelledQuestion {
  q: string;
  /** null: off-topic, must not be answered. */
  topic: string | null;
}

export interface EvaluationSet {
  /** The file's name without `.yaml`: `questions`, `blind-tuning`, `blind-heldout`. */
  name: string;
  /**
   * A held-out set measures what tuning never saw: only its totals are ever shown, so that no one
   * tunes on its questions (its file name contains `heldout`).
   */
  heldOut: boolean;
  questions: LabelledQuestion[];
}

const EVAL_DIR = join(packageRoot(), 'src/faq/eval');

/** Every labelled set in src/faq/eval, the regression set (questions.yaml) first. */
export function loadEvaluationSets(dir = EVAL_DIR): EvaluationSet[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort((a, b) => Number(b === 'questions.yaml') - Number(a === 'questions.yaml') || a.localeCompare(b))
    .map((file) => {
      const name = basename(file, '.yaml');
      return { name, heldOut: name.includes('heldout'), questions: readQuestions(join(dir, file)) };
    });
}

/** The labelled questions of every set that is not held out: they teach the FAQ's classifier (but pasted output, see `Faq`). */
export function trainingQuestions(dir = EVAL_DIR): LabelledQuestion[] {
  return loadEvaluationSets(dir)
    .filter((set) => !set.heldOut)
    .flatMap((set) => set.questions);
}

/** The regression set: the labelled questions the FAQ shipped with. */
export function loadEvaluationSet(): LabelledQuestion[] {
  return readQuestions(join(EVAL_DIR, 'questions.yaml'));
}

function readQuestions(path: string): LabelledQuestion[] {
  const text = readFileSync(path, 'utf8');
  const raw = (oneLineQuestions(text) ?? parse(text)) as { questions?: LabelledQuestion[] };
  if (!Array.isArray(raw?.questions)) throw new Error(`${path}: needs a "questions" list of {q, topic}`);
  return raw.questions;
}

/** `  - {q: "…", topic: some-id}`: the form every set is written in, a line a question. */
const QUESTION_LINE = /^\s*- \{q: ("(?:[^"\\]|\\.)*"), topic: ([\w-]+)\}\s*$/;

/**
 * The sets read line by line when every line is one question in the usual form (a YAML parser takes a
 * second for the few thousand of them, at every start); null for anything else, which is read as YAML.
 */
function oneLineQuestions(text: string): { questions: LabelledQuestion[] } | null {
  const questions: LabelledQuestion[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(#.*)?$/.test(line) || line.trimEnd() === 'questions:') continue;
    const match = QUESTION_LINE.exec(line);
    if (!match) return null;
    try {
      questions.push({ q: JSON.parse(match[1]!) as string, topic: match[2] === 'null' ? null : match[2]! });
    } catch {
      return null;
    }
  }
  return { questions };
}
