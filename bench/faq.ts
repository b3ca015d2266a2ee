import { performance } from 'node:perf_hooks';
import { loadFaq } from '../src/faq/faq.js';
import { loadEvaluationSet, loadEvaluationSets } from '../src/faq/labelled.js';

/**
 * npm run bench:faq — latency of answering a question (target: p99 < 5 ms), against a baseline in the
 * same process: an exact-match Map lookup of the same questions (the floor of any answering).
 */
const ROUNDS = 20;
const faq = loadFaq();
const questions = loadEvaluationSet().map((entry) => entry.q);
/** Questions in other languages and texting English (src/faq/eval/faqlang-p.yaml): read through the language's words first. */
const foreign = loadEvaluationSets()
  .filter((set) => set.name === 'faqlang-p')
  .flatMap((set) => set.questions.map((entry) => entry.q));
const exact = new Map(questions.map((question) => [question, faq.topics[0]]));

function measure(answer: (question: string) => unknown, asked = questions): number[] {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const question of asked) {
      const start = performance.now();
      answer(question);
      samples.push(performance.now() - start);
    }
  }
  return samples.sort((a, b) => a - b);
}

const percentile = (samples: number[], p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
measure((question) => faq.ask(question)); // warm up the JIT
const baseline = measure((question) => exact.get(question));
const asked = measure((question) => faq.ask(question));
const languages = measure((question) => faq.ask(question), foreign);
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
console.log(`FAQ latency over ${asked.length} questions (${questions.length} distinct × ${ROUNDS})`);
console.log(`faq.ask    p50 ${fmt(percentile(asked, 50))}  p99 ${fmt(percentile(asked, 99))}  max ${fmt(asked.at(-1)!)}`);
console.log(
  `languages  p50 ${fmt(percentile(languages, 50))}  p99 ${fmt(percentile(languages, 99))}  max ${fmt(languages.at(-1)!)}  (${foreign.length} in other languages or texting English)`,
);
console.log(`baseline   p50 ${fmt(percentile(baseline, 50))}  p99 ${fmt(percentile(baseline, 99))}  (exact Map lookup)`);
console.log(
  `ratio p99  ${(percentile(asked, 99) / Math.max(percentile(baseline, 99), 1e-6)).toFixed(0)}× the baseline; target p99 < 5 ms: ${percentile(asked, 99) < 5 ? 'met' : 'NOT met'}`,
);
