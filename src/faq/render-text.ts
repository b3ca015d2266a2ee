import type { Faq, FaqResult } from './faq.js';

/** What a paste of output with nothing wrong in it, and no question, gets: what was seen, and how to ask. */
export const OUTPUT_ONLY = {
  said: 'That looks like output from your terminal, and nothing in it says something went wrong.',
  todo: 'What would you like to know about it? Ask in words, with the output after your question if it helps.',
};

/** What a question in another language gets: an answer in English that says so, or the honest reason for none. */
export const IN_ENGLISH = {
  answer: 'I answer in English:',
  unclear: (language: string) =>
    `I answer course questions in English, and I could not tell for sure what this question in ${language} asks.`,
  todo: 'Ask again in English, or ask the instructor.',
};

/** The answer as one text, the same words the Slack message shows (for the CLI and JSON output). */
export function answerText(faq: Faq, result: FaqResult): string {
  if (result.outputOnly) return `${OUTPUT_ONLY.said}\n${OUTPUT_ONLY.todo}`;
  if (!result.topic) {
    const closest = result.suggestions.map((topic) => `• ${topic.title}`).join('\n');
    const [said, todo] = result.language
      ? [IN_ENGLISH.unclear(result.language), IN_ENGLISH.todo]
      : ["I don't know that one yet.", 'Ask the instructor, or try other words.'];
    return `${said}${closest ? `\nClosest topics:\n${closest}` : ''}\n${todo}`;
  }
  const titles = faq.related(result.topic).map((topic) => topic.title);
  const related = titles.length ? `\nRelated: ${titles.join(' · ')}` : '';
  const alternatives =
    !result.sure && result.suggestions.length ? `\nDid you mean… ${result.suggestions.map((topic) => topic.title).join(' · ')}` : '';
  const inEnglish = result.language ? `${IN_ENGLISH.answer}\n` : '';
  return `${inEnglish}*${result.topic.title}*\n${result.topic.answer}${related}${alternatives}`;
}
