import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';
import type { Faq } from './faq.js';

export interface LabelledQuestion {
  q: string;
  /** null: off-topic, must not be answered. */
  topic: string | null;
}

export interface Evaluation {
  questions: number;
  /** Share of on-topic questions answered with the right topic. */
  accuracy: number;
  /** Off-topic questions that got an answer anyway (must be 0). */
  offTopicAnswered: number;
  misses: Array<{ q: string; expected: string | null; got: string | null; score: number }>;
}

export function loadEvaluationSet(): LabelledQuestion[] {
  const raw = parse(readFileSync(join(packageRoot(), 'src/faq/eval/questions.yaml'), 'utf8')) as { questions: LabelledQuestion[] };
  return raw.questions;
}

/** Top-1 accuracy on on-topic questions, and how many off-topic ones were answered. */
export function evaluate(faq: Faq, set: LabelledQuestion[]): Evaluation {
  const misses: Evaluation['misses'] = [];
  let correct = 0;
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
    else misses.push({ q, expected: topic, got, score: result.score });
  }
  return { questions: set.length, accuracy: onTopic === 0 ? 1 : correct / onTopic, offTopicAnswered, misses };
}
