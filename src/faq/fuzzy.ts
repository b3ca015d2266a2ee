/**
 * Longest word corrected. The work of a correction grows with the word's length, and no one
 * misspells a longer word expecting a fix.
 */
export const MAX_CORRECTED_LENGTH = 24;

/**
 * Finds the vocabulary word a misspelt word meant: the closest word of about the same length, by a
 * distance computation that stops as soon as a candidate is out of reach. Costs nothing to build;
 * a correction compares against the few hundred words of similar length.
 */
export class FuzzyVocabulary {
  /** Words of 4–24 letters by length, sorted: of two equally close words the first wins, every time. */
  private readonly byLength = new Map<number, Array<{ word: string; letters: Uint8Array }>>();
  private readonly known: Set<string>;

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    for (const word of [...this.known].sort()) {
      if (word.length < 4 || word.length > MAX_CORRECTED_LENGTH) continue;
      const entry = { word, letters: letterCounts(word) };
      const list = this.byLength.get(word.length);
      if (list) list.push(entry);
      else this.byLength.set(word.length, [entry]);
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
    const rows = distanceRows(MAX_CORRECTED_LENGTH + limit + 1);
    const letters = letterCounts(word);
    for (let length = word.length - limit; length <= word.length + limit; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        // Each edit changes at most two letter counts: a cheap bound that skips most candidates.
        if (letterDifference(letters, candidate.letters) > 2 * (bestDistance - 1)) continue;
        const distance = damerauLevenshtein(word, candidate.word, bestDistance - 1, rows);
        if (distance < bestDistance) {
          best = candidate.word;
          bestDistance = distance;
        }
      }
    }
    return best;
  }
}

/** How often each letter a–z occurs (other characters count together as one more letter). */
function letterCounts(word: string): Uint8Array {
  const counts = new Uint8Array(27);
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i) - 97;
    counts[code >= 0 && code < 26 ? code : 26]!++;
  }
  return counts;
}

function letterDifference(a: Uint8Array, b: Uint8Array): number {
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference += Math.abs(a[i]! - b[i]!);
  return difference;
}

function maxDistance(length: number): number {
  return length >= 8 ? 2 : 1;
}

/** Three rows of a distance table, reused across the candidates of one correction. */
function distanceRows(length: number): [Int32Array, Int32Array, Int32Array] {
  return [new Int32Array(length), new Int32Array(length), new Int32Array(length)];
}

/**
 * Optimal string alignment distance, with adjacent swaps counting as one edit ("messo" → "meso").
 * Stops once every alignment is past `limit` and returns limit + 1 then.
 */
export function damerauLevenshtein(
  a: string,
  b: string,
  limit = Number.POSITIVE_INFINITY,
  [row0, row1, row2] = distanceRows(b.length + 1),
): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  let previous2 = row0;
  let previous = row1;
  let current = row2;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    [previous2, previous, current] = [previous, current, previous2];
  }
  return Math.min(previous[cols - 1]!, limit + 1);
}
