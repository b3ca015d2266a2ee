import type { Faq, FaqResult } from './faq.js';

/** What a paste of output with nothing wrong in it, and no question, gets: what was seen, and how to ask. */
export const OUTPUT_ONLY = {
  said: 'That looks like output from your terminal, and nothing in it says something went wrong.',
  todo: 'What would you like to know about it? Ask in words, with the output after your question if it helps.',
};

/** The answer as one text, the same words the Slack message shows (for the CLI and JSON output). */
export function answerText(faq: Faq, result: FaqResult): string {
  if (result.outputOnly) return `${OUTPUT_ONLY.said}\n${OUTPUT_ONLY.todo}`;
  if (!result.topic) {
    const closest = result.suggestions.map((topic) => `• ${topic.title}`).join('\n');
    return `I don't know that one yet.${closest ? `\nClosest topics:\n${closest}` : ''}\nAsk the instructor, or try other words.`;
  }
  const titles = faq.related(result.topic).map((topic) => topic.title);
  const related = titles.length ? `\nRelated: ${titles.join(' · ')}` : '';
  const alternatives =
    !result.sure && result.suggestions.length ? `\nDid you mean… ${result.suggestions.map((topic) => topic.title).join(' · ')}` : '';
  return `*${result.topic.title}*\n${result.topic.answer}${related}${alternatives}`;
}
