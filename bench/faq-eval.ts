import { evaluate, loadEvaluationSet } from '../src/faq/evaluate.js';
import { loadFaq } from '../src/faq/faq.js';

/**
 * npm run eval:faq — top-1 accuracy on the labelled questions and off-topic questions answered
 * (targets: ≥ 95%, 0). Every 4th question is held out of threshold tuning and reported apart.
 */
const faq = loadFaq();
const set = loadEvaluationSet();
const all = evaluate(faq, set);
const heldOut = evaluate(
  faq,
  set.filter((_, index) => index % 4 === 3),
);
const onTopic = set.filter((question) => question.topic !== null).length;
console.log(
  `FAQ evaluation: ${faq.topics.length} topics, ${set.length} questions (${onTopic} on topic, ${set.length - onTopic} off topic)`,
);
console.log(`top-1 accuracy      ${(all.accuracy * 100).toFixed(1)}%   (held out: ${(heldOut.accuracy * 100).toFixed(1)}%)   target ≥ 95%`);
console.log(`off-topic answered  ${all.offTopicAnswered}        (held out: ${heldOut.offTopicAnswered})        target 0`);
for (const miss of all.misses)
  console.log(`  miss: "${miss.q}" expected ${miss.expected ?? 'no answer'}, got ${miss.got ?? 'no answer'} (score ${miss.score})`);
process.exitCode = all.accuracy >= 0.95 && all.offTopicAnswered === 0 ? 0 : 1;
