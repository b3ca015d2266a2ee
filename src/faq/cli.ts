import { parseArgs } from 'node:util';
import { loadFaq } from './faq.js';
import { answerText } from './render-text.js';

/** `workshop-bot faq "<question>" [--json]`: answers without Slack, Redis or a cluster. */
export async function runFaqCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const question = positionals.join(' ').trim();
  if (question === '') {
    process.stderr.write('Usage: workshop-bot faq "<question>" [--json]\n');
    return 2;
  }
  const faq = loadFaq();
  const result = faq.ask(question);
  const answer = answerText(faq, result);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ topic: result.topic?.id ?? null, score: result.score, answer, suggestions: result.suggestions.map((topic) => topic.id) })}\n`,
    );
  } else {
    process.stdout.write(`${answer}\n`);
  }
  return 0;
}
