import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';
import type { Faq } from './faq.js';

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

export interface Evaluation {
  questions: number;
  onTopic: number;
  /** On-topic questions answered with their labelled topic. */
  correct: number;
  /** On-topic questions answered "I don't know". */
  refused: number;
  /** Share of on-topic questions answered with the right topic. */
  accuracy: number;
  offTopic: number;
  /** Off-topic questions that got an answer anyway (must be 0). */
  offTopicAnswered: number;
  misses: Array<{ q: string; expected: string | null; got: string | null; score: number }>;
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

/** The regression set: the labelled questions the FAQ shipped with. */
export function loadEvaluationSet(): LabelledQuestion[] {
  return readQuestions(join(EVAL_DIR, 'questions.yaml'));
}

function readQuestions(path: string): LabelledQuestion[] {
  const raw = parse(readFileSync(path, 'utf8')) as { questions?: LabelledQuestion[] };
  if (!Array.isArray(raw?.questions)) throw new Error(`${path}: needs a "questions" list of {q, topic}`);
  return raw.questions;
}

/** Top-1 accuracy on on-topic questions, and how many off-topic ones were answered. */
export function evaluate(faq: Faq, set: LabelledQuestion[]): Evaluation {
  const misses: Evaluation['misses'] = [];
  let correct = 0;
  let refused = 0;
  let onTopic = 0;
  let offTopicAnswered = 0;
  for (const { q, topic } of set) {
    const result = faq.ask(q);
    const got = result.topic?.id ?? null;
    if (topic === null) {
      if (got !== null) {
        offTopicAnswered++;
        misses.push({ q, expected: null, got, score: result.score });
      }
      continue;
    }
    onTopic++;
    if (got === topic) correct++;
    else if (got === null) refused++;
    if (got !== topic) misses.push({ q, expected: topic, got, score: result.score });
  }
  return {
    questions: set.length,
    onTopic,
    correct,
    refused,
    accuracy: onTopic === 0 ? 1 : correct / onTopic,
    offTopic: set.length - onTopic,
    offTopicAnswered,
    misses,
  };
}
