/**
 * Longest word corrected. A word's deletions grow with the square of its length (each as long as the
 * word), so an unbounded word would block the event loop; no one misspells a longer word expecting a fix.
 */
export const MAX_CORRECTED_LENGTH = 24;

/**
 * Finds the vocabulary word a misspelt word meant, by symmetric deletes (SymSpell): every word's
 * deletions are indexed once, so a lookup costs a few map reads instead of a scan.
 */
export class FuzzyVocabulary {
  private readonly deletes = new Map<string, string[]>();
  private readonly known: Set<string>;

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    for (const word of this.known) {
      if (word.length < 4 || word.length > MAX_CORRECTED_LENGTH) continue;
      for (const variant of deletions(word, maxDistance(word.length))) {
        const list = this.deletes.get(variant);
        if (list) list.push(word);
        else this.deletes.set(variant, [word]);
      }
    }
  }

  has(word: string): boolean {
    return this.known.has(word);
  }

  /** The closest known word within the allowed distance (1 for 4–7 letters, 2 for 8–24), or undefined. */
  correct(word: string): string | undefined {
    if (this.known.has(word)) return word;
    if (word.length < 4 || word.length > MAX_CORRECTED_LENGTH) return undefined;
    const limit = maxDistance(word.length);
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const variant of deletions(word, limit)) {
      for (const candidate of this.deletes.get(variant) ?? []) {
        if (Math.abs(candidate.length - word.length) > limit) continue;
        const distance = damerauLevenshtein(word, candidate, limit);
        if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
          best = candidate;
          bestDistance = distance;
        }
      }
    }
    return bestDistance <= limit ? best : undefined;
  }
}

function maxDistance(length: number): number {
  return length >= 8 ? 2 : 1;
}

/** The word itself and every string made by deleting up to `depth` letters. */
function deletions(word: string, depth: number): Set<string> {
  const result = new Set<string>([word]);
  let frontier = [word];
  for (let level = 0; level < depth; level++) {
    const next: string[] = [];
    for (const current of frontier) {
      for (let i = 0; i < current.length; i++) {
        const shorter = current.slice(0, i) + current.slice(i + 1);
        if (!result.has(shorter)) {
          result.add(shorter);
          next.push(shorter);
        }
      }
    }
    frontier = next;
  }
  return result;
}

/** Optimal string alignment distance, with adjacent swaps counting as one edit ("messo" → "meso"). */
export function damerauLevenshtein(a: string, b: string, limit = Infinity): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(table[i - 1]![j]! + 1, table[i]![j - 1]! + 1, table[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, table[i - 2]![j - 2]! + 1);
      table[i]![j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return rowMin;
  }
  return table[rows - 1]![cols - 1]!;
}
