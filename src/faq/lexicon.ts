import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../package-root.js';
import { baseForms, stem, words } from './text.js';

/** How much a word says that a question is about the course (see lexicon.yaml, `domain`). */
export type DomainClass = 'specific' | 'ambiguous' | 'general' | 'everyday' | 'foreign' | 'question';
const DOMAIN_CLASSES: readonly DomainClass[] = ['specific', 'ambiguous', 'general', 'everyday', 'foreign', 'question'];

/**
 * The course's vocabulary as data (src/faq/lexicon.yaml): words to ignore, synonyms (words and
 * phrases read as one term), related terms (a question's word that points at a concept it does not
 * name), and how specific each word is to the course. Every lookup is a Map: keys are user input.
 */
export class Lexicon {
  private readonly ignored: Set<string>;
  /** A variant as written (a word, or a phrase of words joined by spaces) → its group's term. */
  private readonly synonyms = new Map<string, string>();
  /** A variant's stem → its group's term: "scaling" finds "scale" though only "scale" is listed. */
  private readonly stemSynonyms = new Map<string, string>();
  /** A word or phrase → the terms of the concept it points at. */
  private readonly relatedTerms = new Map<string, string[]>();
  private readonly domainClass = new Map<string, DomainClass>();
  private readonly termClass = new Map<string, DomainClass>();
  /** Longest phrase, in words: how far ahead the reader looks. */
  private readonly longestPhrase: number;
  /** First words of phrases: only there does the reader look ahead. */
  private readonly phraseStarts = new Set<string>();
  /** A course word or term → the words and phrases that say it is meant in another sense. */
  private readonly senses = new Map<string, SenseCue[]>();
  private readonly products: Set<string>;

  constructor(source: LexiconSource) {
    const keyOf = (text: string) => words(text).join(' ');
    this.products = new Set(source.products.map(keyOf));
    this.ignored = new Set([...source.ignore, ...source.ignorePhrases.map(keyOf)]);
    const phrases = [...Object.values(source.synonyms).flat(), ...Object.keys(source.related), ...source.ignorePhrases].map(keyOf);
    this.longestPhrase = Math.max(1, ...phrases.map((key) => key.split(' ').length));
    for (const key of phrases) if (key.includes(' ')) this.phraseStarts.add(key.slice(0, key.indexOf(' ')));
    for (const [term, variants] of Object.entries(source.synonyms)) {
      for (const key of [term, ...variants].map(keyOf)) {
        const other = this.synonyms.get(key);
        if (other !== undefined && other !== term) throw new Error(`lexicon: "${key}" is a synonym of both "${other}" and "${term}"`);
        this.synonyms.set(key, term);
        if (!key.includes(' ') && !this.stemSynonyms.has(stem(key))) this.stemSynonyms.set(stem(key), term);
      }
    }
    for (const [phrase, concepts] of Object.entries(source.related)) {
      const key = keyOf(phrase);
      const terms = concepts.flatMap((concept) => this.terms(concept));
      this.relatedTerms.set(key, terms);
      if (!key.includes(' ')) this.relatedTerms.set(stem(key), terms);
    }
    // A cue that stems to the word itself ("mastering" for "master") would veto every use of it.
    for (const [word, cues] of Object.entries(source.senses))
      this.senses.set(
        keyOf(word),
        cues
          .map(keyOf)
          .filter((cue) => stem(cue) !== stem(keyOf(word)))
          .map((cue) => ({ cue, stemmed: cue.split(' ').map(stem).join(' '), phrase: cue.includes(' ') })),
      );
    // An entry is the word or phrase as typed ("zk" is specific though it reads as "zookeeper"). An
    // entry that names a synonym group also classes the group's other variants, unless it is specific:
    // "teardown" is unmistakable, "shut down" is not.
    for (const domainClass of DOMAIN_CLASSES)
      for (const entry of source.domain[domainClass]) {
        const key = keyOf(entry);
        const other = this.domainClass.get(key);
        if (other !== undefined && other !== domainClass) throw new Error(`lexicon: "${entry}" is both ${other} and ${domainClass}`);
        this.domainClass.set(key, domainClass);
        if (domainClass !== 'specific' && this.synonyms.get(key) === key) this.termClass.set(key, domainClass);
      }
  }

  isProduct(key: string): boolean {
    return this.products.has(key);
  }

  isIgnored(key: string): boolean {
    return this.ignored.has(key);
  }

  /**
   * Groups words into the lexicon's phrases, longest first ("tear down" before "tear"): each key is a
   * word or a phrase. Linear in the number of words.
   */
  phrases(tokens: readonly string[]): string[] {
    const keys: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      let length = this.phraseStarts.has(tokens[i]!) ? Math.min(this.longestPhrase, tokens.length - i) : 1;
      while (length > 1 && !this.hasPhrase(tokens.slice(i, i + length).join(' '))) length--;
      keys.push(tokens.slice(i, i + length).join(' '));
      i += length;
    }
    return keys;
  }

  /** The terms of a text, read through the lexicon (phrases, synonyms, stems); no related terms. */
  terms(text: string): string[] {
    return this.phrases(words(text))
      .filter((key) => !this.ignored.has(key))
      .flatMap((key) => this.termsOf(key));
  }

  /**
   * What a word or phrase is read as: its synonym group's term, or the word's stem; a phrase that is
   * only a related entry as its words; a dotted or hyphenated word (`state.json`, `mesos-ha`) also as
   * its parts.
   */
  termsOf(key: string): string[] {
    const synonym = this.synonym(key);
    if (synonym !== undefined) return [synonym];
    if (key.includes(' '))
      return key
        .split(' ')
        .filter((word) => !this.ignored.has(word))
        .flatMap((word) => this.termsOf(word));
    const parts = /^\d/.test(key) ? [] : key.split(/[.-]/).filter((part) => part.length > 1 && !this.ignored.has(part));
    if (parts.length <= 1) return [stem(key.replace(/^\./, ''))];
    return [key, ...parts.map((part) => this.synonym(part) ?? stem(part))];
  }

  /** The terms of the concept a word or phrase points at without naming it. */
  related(key: string): readonly string[] {
    return this.relatedTerms.get(key) ?? (key.includes(' ') ? [] : (this.relatedTerms.get(stem(key)) ?? []));
  }

  /** How specific a word or phrase is to the course, when the lexicon says. */
  domain(key: string): DomainClass | undefined {
    if (key.includes(' ')) return this.domainClass.get(key);
    // "re-registration" is "reregistration", "ip-per-container" is "ip_per_container".
    const joined = key.includes('-') ? [key.replaceAll('-', ''), key.replaceAll('-', '_')] : [];
    for (const form of [key, stem(key), ...baseForms(key), ...joined.flatMap((form) => [form, stem(form)])]) {
      const found = this.domainClass.get(form);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** How specific a term (a synonym group) is to the course, when the lexicon names the group. */
  termDomain(term: string): DomainClass | undefined {
    return this.termClass.get(term);
  }

  /**
   * Whether a course word is meant in another sense here: one of the question's words or phrases is
   * a cue of that other sense ("marathon" next to "race", "master" next to "degree"). `keys` are
   * the word as typed and the terms it reads as; `question` holds the question's words and stems.
   */
  otherSense(keys: readonly string[], question: QuestionWords): boolean {
    for (const key of keys)
      for (const { cue, stemmed, phrase } of this.senses.get(key) ?? [])
        if (
          phrase
            ? question.text.includes(` ${cue} `) || question.stemmed.includes(` ${stemmed} `)
            : question.words.has(cue) || question.words.has(stemmed)
        )
          return true;
    return false;
  }

  /** Every word the lexicon knows: what a misspelling may be corrected to. */
  surfaceWords(): Set<string> {
    const surface = new Set<string>();
    for (const key of [...this.synonyms.keys(), ...this.relatedTerms.keys()])
      for (const word of key.split(' ')) if (!this.ignored.has(word)) surface.add(word);
    return surface;
  }

  private hasPhrase(key: string): boolean {
    return this.synonyms.has(key) || this.relatedTerms.has(key) || this.ignored.has(key);
  }

  private synonym(key: string): string | undefined {
    if (key.includes(' ')) return this.synonyms.get(key);
    const stemmed = stem(key);
    return this.synonyms.get(key) ?? this.synonyms.get(stemmed) ?? this.stemSynonyms.get(stemmed);
  }
}

/**
 * A question's words, their stems, and its text as ` word word `, as typed and stemmed: what sense
 * cues are looked up in ("job offers" shows the cue "job offer").
 */
export interface QuestionWords {
  words: ReadonlySet<string>;
  text: string;
  /** The text with every word stemmed: made on first use, as few questions have a phrase cue to look for. */
  readonly stemmed: string;
}

export function questionWords(tokens: readonly string[]): QuestionWords {
  const stems = tokens.map(stem);
  let stemmed: string | undefined;
  return {
    words: new Set([...tokens, ...stems]),
    text: ` ${tokens.join(' ')} `,
    get stemmed() {
      stemmed ??= ` ${stems.join(' ')} `;
      return stemmed;
    },
  };
}

/** A cue of another sense, with its words stemmed once. */
interface SenseCue {
  cue: string;
  stemmed: string;
  phrase: boolean;
}

export interface LexiconSource {
  ignore: string[];
  /** Phrases that carry no topic ("for instance"). */
  ignorePhrases: string[];
  synonyms: Record<string, string[]>;
  related: Record<string, string[]>;
  /** A course word (or term) → cues that it is meant in another sense. */
  senses: Record<string, string[]>;
  domain: Record<DomainClass, string[]>;
  /** The course's own products by name (mesos, marathon): next to them, other products are comparisons. */
  products: string[];
}

/**
 * A word-list YAML file of the FAQ (lexicon.yaml, languages.yaml), parsed, with checks whose mistakes name
 * the file and the entry: `list` (a list of words) and `table` (words → lists of words).
 */
export function wordFile(path: string) {
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  const fail = (detail: string): never => {
    throw new Error(`${path}: ${detail}`);
  };
  const list = (value: unknown, where: string): string[] =>
    Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')
      ? value.map(String)
      : fail(`${where} must be a list of words`);
  const table = (value: unknown, where: string): Record<string, string[]> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must map words to lists of words`);
    return Object.fromEntries(Object.entries(value as object).map(([key, entries]) => [key, list(entries, `${where}.${key}`)]));
  };
  return { raw, fail, list, table };
}

/** Reads and checks src/faq/lexicon.yaml (or `path`): a mistake names the file and the entry. */
export function loadLexicon(path = join(packageRoot(), 'src/faq/lexicon.yaml')): Lexicon {
  const { raw, fail, list, table } = wordFile(path);
  const ignore = typeof raw?.ignore === 'string' ? raw.ignore.split(/\s+/).filter(Boolean) : list(raw?.ignore, 'ignore');
  const domain = table(raw?.domain, 'domain');
  for (const key of Object.keys(domain))
    if (!(DOMAIN_CLASSES as readonly string[]).includes(key)) fail(`domain.${key}: the classes are ${DOMAIN_CLASSES.join(', ')}`);
  return new Lexicon({
    ignore,
    ignorePhrases: raw?.['ignore phrases'] === undefined ? [] : list(raw['ignore phrases'], 'ignore phrases'),
    synonyms: table(raw?.synonyms, 'synonyms'),
    related: table(raw?.related, 'related'),
    senses: raw?.senses === undefined ? {} : table(raw.senses, 'senses'),
    products: raw?.products === undefined ? [] : list(raw.products, 'products'),
    domain: Object.fromEntries(DOMAIN_CLASSES.map((domainClass) => [domainClass, domain[domainClass] ?? []])) as LexiconSource['domain'],
  });
}
