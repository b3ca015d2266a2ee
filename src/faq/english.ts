import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

let cached: EnglishWords | undefined;

/**
 * The English dictionary (the word-list package: 274,000 words, one a line, sorted): a word in it is
 * not a typo, so it is never "corrected" into a course word ("park" is not "spark"). The text is
 * searched as it is, by bisection, because a Set of every word takes a quarter of a second to build.
 */
export class EnglishWords {
  constructor(private readonly sortedLines: string) {}

  has(word: string): boolean {
    const text = this.sortedLines;
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = text.lastIndexOf('\n', middle - 1) + 1;
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      const line = text.slice(start, end);
      if (line === word) return true;
      if (line < word) low = end + 1;
      else high = start;
    }
    return false;
  }
}

/** The dictionary, read once: it is the same for every FAQ. */
export function englishWords(): EnglishWords {
  cached ??= new EnglishWords(readFileSync(wordListPath, 'utf8'));
  return cached;
}
