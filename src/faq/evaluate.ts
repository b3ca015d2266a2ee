import type { Faq } from './faq.js';
import type { LabelledQuestion } from './labelled.js';

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
