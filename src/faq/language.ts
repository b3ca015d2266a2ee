import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { wordFile } from './lexicon.js';

/** A question in another language, read word by word into English (see `Languages.read`). */
export interface ForeignQuestion {
  /** The language's name in English ("German"). */
  language: string;
  /** The question in English words: its question and action words translated, its course words as typed. */
  english: string;
  /** Words that are neither the language's known words nor words the course knows: the topic may hide in them. */
  unclear: string[];
}

/** Longest phrase looked up, in words ("que se passe t il"). */
const LONGEST_PHRASE = 6;
/** A message is read as another language only when at least this many of its words are that language's. */
const MIN_WORDS = 2;
/** Course words inflected in another language ("Marathonie", "Zookeepera"): at most this many letters are an ending. */
const MAX_ENDING = 3;
const MIN_STEM = 4;

interface Language {
  name: string;
  letters: string;
  /** Words and phrases that only carry grammar: dropped. */
  function: Set<string>;
  /** A word or phrase → its English. */
  words: Map<string, string>;
  longest: number;
}

/**
 * The languages other than English that attendees ask in (src/faq/languages.yaml): which one a message
 * is in, by its function words and letters, and what it asks, in English words. Everything is a Map or a
 * Set lookup per word: a message costs a few microseconds.
 */
export class Languages {
  private readonly english: Set<string>;
  private readonly languages: Language[];
  /** A texting form → its English word ("wher" → "where"). */
  private readonly textingForms = new Map<string, string>();

  constructor(source: LanguagesSource) {
    this.english = new Set(source.english.map(normalise));
    for (const [word, forms] of Object.entries(source.texting)) for (const form of forms) this.textingForms.set(form.toLowerCase(), word);
    this.languages = Object.entries(source.languages).map(([code, entry]) => {
      const words = new Map<string, string>();
      for (const [english, variants] of Object.entries(entry.words))
        for (const variant of variants.map(key)) {
          const other = words.get(variant);
          if (other !== undefined && other !== english)
            throw new Error(`languages: ${code} "${variant}" is both "${other}" and "${english}"`);
          words.set(variant, english);
        }
      const functionWords = new Set(entry.function.map(key));
      const longest = Math.max(1, ...[...words.keys(), ...functionWords].map((phrase) => phrase.split(' ').length));
      return { name: entry.name, letters: (entry.letters ?? '').toLowerCase(), function: functionWords, words, longest };
    });
  }

  /**
   * The message's language when it is not English: the language most of its words belong to, when at
   * least two do and more than are English's function words. A word counts for a language only when it
   * is no English word ("configure", "agent" and "start" are French or Dutch too), but for the language's
   * own function words ("de", "dans", "est"); a letter only that language uses counts as one of its words.
   * Typed English, however short or misspelt, has its own function words ("hw do i scal").
   * `isEnglish`: whether a word is in the English dictionary; `isCourse`: whether it is one of the course's words.
   */
  detect(message: string, isEnglish: (word: string) => boolean, isCourse: (word: string) => boolean): Language | undefined {
    // One letter alone says too little ("w/o", "python -m"), and a course word alone is every language's ("es" is Elasticsearch)...
    const tokens = tokenise(message);
    // Asked once per word: every language below asks again, and isCourse is the costly part of a message.
    const alone = new Set(tokens.filter((token) => token.length < 2 || isCourse(token)));
    const englishCount = tokens.filter((token) => this.english.has(token) && !alone.has(token)).length;
    const lowered = message.toLowerCase();
    let best: Language | undefined;
    let bestCount = 0;
    for (const language of this.languages) {
      let count = 0;
      // ...but a phrase of the language counts as all its words ("wat gebeurt er"), though some are English,
      // course words or single letters ("qué es", "o que é": what is).
      for (const phrase of phrasesOf(language, tokens, () => false)) {
        const size = phrase.split(' ').length;
        if (size > 1) count += size;
        else if (alone.has(phrase) || this.english.has(phrase)) continue;
        else if (language.function.has(phrase) || (language.words.has(phrase) && !isEnglish(phrase))) count++;
      }
      for (const letter of language.letters) if (lowered.includes(letter)) count++;
      if (count > bestCount) [best, bestCount] = [language, count];
    }
    return best && bestCount >= MIN_WORDS && bestCount > englishCount ? best : undefined;
  }

  /** English typed in a hurry, with its texting forms spelled out ("cant c my app" → "cant see my app"); nothing else changes. */
  texting(message: string): string {
    return message.replace(
      /(?<![\w$./-])[a-z]+(?:\/[a-z]+)?(?![\w$/-]|\.\w)/gi,
      (word) => this.textingForms.get(word.toLowerCase()) ?? word,
    );
  }

  /**
   * A question in another language, in English words: the language's known words (longest phrase first)
   * translated, its function words dropped, and every other word kept as typed when the course knows it,
   * also with an ending ("Zookeepera" is "zookeeper"). A word the course does not know stays, and is unclear.
   * `words.knows`: whether the FAQ reads a word as one of its own (a course word or a word it ignores).
   */
  read(message: string, words: WordKnowledge): ForeignQuestion | undefined {
    const language = this.detect(message, words.isEnglish, words.isCourse);
    const knows = words.knows;
    if (!language) return undefined;
    const tokens = tokenise(message);
    const english: string[] = [];
    const unclear: string[] = [];
    for (const phrase of phrasesOf(language, tokens, knows)) {
      const translated = language.words.get(phrase);
      if (translated !== undefined) english.push(translated);
      else if (language.function.has(phrase)) continue;
      else if (/^\d+$/.test(phrase) || knows(phrase)) english.push(phrase);
      else {
        const stem = courseStem(phrase, knows);
        if (stem !== undefined) english.push(stem);
        else {
          english.push(phrase);
          unclear.push(phrase);
        }
      }
    }
    return { language: language.name, english: english.join(' '), unclear };
  }
}

/** The words of a message grouped into the language's phrases, and the course's own (`known`), longest first. */
function* phrasesOf(language: Language, tokens: readonly string[], known: (phrase: string) => boolean): Generator<string> {
  for (let i = 0; i < tokens.length; ) {
    let length = Math.min(language.longest, LONGEST_PHRASE, tokens.length - i);
    for (; length > 1; length--) {
      const phrase = tokens.slice(i, i + length).join(' ');
      if (language.words.has(phrase) || language.function.has(phrase) || known(phrase)) break;
    }
    yield tokens.slice(i, i + length).join(' ');
    i += length;
  }
}

/** A course word with another language's ending: the longest known word it starts with, up to a short ending. */
function courseStem(word: string, knows: (word: string) => boolean): string | undefined {
  for (let cut = 1; cut <= MAX_ENDING && word.length - cut >= MIN_STEM; cut++)
    if (knows(word.slice(0, word.length - cut))) return word.slice(0, word.length - cut);
  return undefined;
}

/** Lower case, accents off, and the letters that have no accent to take off ("ł", "ß"). */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o');
}

/** A word or phrase of the data, as the message's words are read. */
function key(text: string): string {
  return tokenise(text).join(' ');
}

/**
 * Words as the languages' data is matched: apostrophes and hyphens between words split them ("qu'est-ce",
 * "l'app"), but dots, `$` and `_` keep the course's names whole (`state.json`, `$MINIMESOS_MASTER`).
 */
function tokenise(text: string): string[] {
  return normalise(text).match(/[\p{L}\p{N}_$]+(?:\.[\p{L}\p{N}_$]+)*/gu) ?? [];
}

/** What the FAQ knows of a word, for reading a message in another language. */
export interface WordKnowledge {
  /** A word of the English dictionary. */
  isEnglish: (word: string) => boolean;
  /** One of the course's own words ("marathon", "es"). */
  isCourse: (word: string) => boolean;
  /** A word the FAQ reads as its own: a course word, or one it ignores. */
  knows: (word: string) => boolean;
}

export interface LanguagesSource {
  english: string[];
  texting: Record<string, string[]>;
  languages: Record<string, { name: string; letters?: string; function: string[]; words: Record<string, string[]> }>;
}

let cached: Languages | undefined;

/** Reads and checks src/faq/languages.yaml (or `path`): a mistake names the file and the entry. */
export function loadLanguages(path?: string): Languages {
  if (path === undefined && cached) return cached;
  const file = path ?? join(packageRoot(), 'src/faq/languages.yaml');
  const { raw, fail, list, table } = wordFile(file);
  const english = list(raw?.english, 'english');
  const texting = table(raw?.texting, 'texting');
  if (typeof raw?.languages !== 'object' || raw.languages === null) fail('needs "languages", one entry per language code');
  const languages: LanguagesSource['languages'] = {};
  for (const [code, entry] of Object.entries(raw!.languages as Record<string, Record<string, unknown> | null>)) {
    if (typeof entry?.name !== 'string') fail(`${code}.name must be the language's name`);
    languages[code] = {
      name: entry!.name as string,
      letters: typeof entry!.letters === 'string' ? entry!.letters : '',
      function: list(entry!.function, `${code}.function`),
      words: table(entry!.words, `${code}.words`),
    };
  }
  const loaded = new Languages({ english, texting, languages });
  if (path === undefined) cached = loaded;
  return loaded;
}
