/**
 * A light suffix stripper: enough to make "scaling", "scaled", "scales" meet "scale". It keeps "-er":
 * a scheduler is not scheduling, a container is not to contain.
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  for (const [suffix, replacement] of [
    ['ational', 'ate'],
    ['ization', 'ize'],
    ['ations', 'ate'],
    ['ation', 'ate'],
    ['iness', 'y'],
    ['ments', ''],
    ['ment', ''],
    ['ings', ''],
    ['ing', ''],
    ['ies', 'y'],
    ['ied', 'y'],
    ['ed', ''],
    ['es', ''],
    ['ly', ''],
    ['s', ''],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, word.length - suffix.length) + replacement;
      // "scal" → "scale", "runn" → "run" (but "call" stays): undo what the suffix took.
      return base
        .replace(/([^aeiouslz])\1$/, '$1')
        .replace(/(at|bl|iz|al|ag|ur|iv)$/, '$1e')
        .replace(/ee$/, 'e');
    }
  }
  return word;
}

/** What an inflected word may have been before its ending: "required" → "require", "requiring" → "require". */
export function baseForms(word: string): string[] {
  const forms: string[] = [];
  for (const [ending, replacements] of [
    ['ies', ['y']],
    ['ied', ['y']],
    ['ing', ['', 'e']],
    ['ed', ['', 'e']],
    ['es', ['', 'e']],
    ['s', ['']],
    ['d', ['']],
  ] as const) {
    if (word.length > ending.length + 2 && word.endsWith(ending))
      for (const replacement of replacements) forms.push(word.slice(0, word.length - ending.length) + replacement);
  }
  return forms;
}

/**
 * A word, with inner dots and hyphens kept (`state.json`, `1.5`, `mesos-ha`) and a dotfile's leading
 * dot (`.minimesos`); one pass, no backtracking.
 */
const WORD = /(?<![a-z0-9_$])\.?[a-z0-9_$]+(?:[.-][a-z0-9_$]+)*/g;

/** Lower-case words, with the course's `$VARIABLES`, `state.json` and flags kept whole. */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[’']/g, '').match(WORD) ?? [];
}
