import { FuzzyVocabulary } from './fuzzy.js';
import { isStopWord, terms, termsOfWord, words } from './text.js';
import { type FaqSection, type FaqTopic, loadSections } from './topics-loader.js';

export interface FaqResult {
  /** null when no topic is a confident match ("I don't know that one yet"). */
  topic: FaqTopic | null;
  /** Confidence from 0 to 1. */
  score: number;
  /** The closest other topics (the best three when `topic` is null). */
  suggestions: FaqTopic[];
}

/** Field weights: how a term in each field counts towards a topic matching. */
const WEIGHTS = { title: 3, phrasings: 2.5, keywords: 2, answer: 0.6 } as const;
const K1 = 1.2;
const B = 0.4;
/** Calibrated on src/faq/eval/questions.yaml (see bench/faq-eval.ts). */
export const CONFIDENCE_THRESHOLD = 0.2;

interface IndexedTopic {
  topic: FaqTopic;
  tf: Map<string, number>;
  /** Terms of the title, phrasings and keywords: what the topic is *about*, not just mentions. */
  strong: Set<string>;
  length: number;
}

/** A query term: corrected typos count half, so a lone misspelt word cannot make a confident answer. */
interface QueryTerm {
  term: string;
  weight: number;
}

/** Only the start of a question is read: a pasted log or a flood of words costs no more than a long question. */
export const MAX_QUESTION_LENGTH = 1000;

/** At least this share of the question (by idf) must be what the topic is about. */
const STRONG_COVERAGE = 0.55;

/**
 * Retrieval over the course topics: BM25 over weighted fields, with the course's synonyms, a light
 * stemmer and typo correction; answers only above a calibrated confidence.
 */
export class Faq {
  readonly topics: FaqTopic[];
  private readonly indexed: IndexedTopic[];
  private readonly idf = new Map<string, number>();
  private readonly averageLength: number;
  private readonly vocabulary: FuzzyVocabulary;
  private readonly termSet: Set<string>;

  constructor(private readonly sectionList: FaqSection[]) {
    this.topics = sectionList.flatMap((section) => section.topics);
    this.indexed = this.topics.map((topic) => indexTopic(topic));
    const documentFrequency = new Map<string, number>();
    for (const entry of this.indexed)
      for (const term of entry.tf.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    const count = this.indexed.length;
    for (const [term, frequency] of documentFrequency) this.idf.set(term, Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5)));
    this.averageLength = this.indexed.reduce((sum, entry) => sum + entry.length, 0) / Math.max(1, count);
    this.termSet = new Set(documentFrequency.keys());
    const surface = new Set<string>();
    for (const topic of this.topics)
      for (const word of words([topic.title, ...topic.phrasings, ...topic.keywords, topic.answer].join(' ')))
        if (!isStopWord(word)) surface.add(word);
    this.vocabulary = new FuzzyVocabulary(surface);
  }

  topic(id: string): FaqTopic | undefined {
    return this.topics.find((topic) => topic.id === id);
  }

  /** The topics `topic` points to as related, in its order. */
  related(topic: FaqTopic): FaqTopic[] {
    return topic.related.map((id) => this.topic(id)).filter((entry): entry is FaqTopic => entry !== undefined);
  }

  sections(): FaqSection[] {
    return this.sectionList;
  }

  ask(question: string): FaqResult {
    const match = this.explain(question);
    const confident = match.ranked.length > 0 && match.confidence >= CONFIDENCE_THRESHOLD && match.strong >= STRONG_COVERAGE;
    const suggestions = match.ranked.slice(confident ? 1 : 0, confident ? 4 : 3);
    return { topic: confident ? match.ranked[0]! : null, score: Math.round(match.confidence * 1000) / 1000, suggestions };
  }

  /**
   * The signals behind an answer: topics by BM25, the best one's confidence (its score over what a
   * topic matching every word would score) and how much of the question its title, phrasings and
   * keywords cover. The evaluation calibrates the thresholds on these.
   */
  explain(question: string): { ranked: FaqTopic[]; confidence: number; strong: number } {
    const query = this.queryTerms(question);
    if (query.known.length === 0) return { ranked: [], confidence: 0, strong: 0 };
    const idf = (term: string) => this.idf.get(term) ?? 0;
    const best = Math.max(...query.known.map((entry) => idf(entry.term)));
    // Unknown words count as the rarest known one: a question about something else scores low.
    const total = query.known.reduce((sum, entry) => sum + idf(entry.term), 0) + query.unknown * best;
    const ranked = this.indexed
      .map((entry) => ({ entry, score: this.bm25(entry, query.known) }))
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score);
    const top = ranked[0];
    if (!top || total === 0) return { ranked: [], confidence: 0, strong: 0 };
    const strong =
      query.known.reduce((sum, entry) => sum + (top.entry.strong.has(entry.term) ? idf(entry.term) * entry.weight : 0), 0) / total;
    return { ranked: ranked.map((candidate) => candidate.entry.topic), confidence: Math.min(1, top.score / (total * (K1 + 1))), strong };
  }

  /** Known terms (misspellings corrected, at half weight) and how many words matched nothing at all. */
  private queryTerms(question: string): { known: QueryTerm[]; unknown: number } {
    const known = new Map<string, number>();
    let unknown = 0;
    for (const word of words(question.slice(0, MAX_QUESTION_LENGTH))) {
      if (isStopWord(word)) continue;
      let matched = termsOfWord(word).filter((term) => this.termSet.has(term));
      let weight = 1;
      if (matched.length === 0) {
        const corrected = this.vocabulary.correct(word);
        matched = corrected ? termsOfWord(corrected).filter((term) => this.termSet.has(term)) : [];
        weight = 0.5;
      }
      if (matched.length === 0) unknown++;
      for (const term of matched) known.set(term, Math.max(known.get(term) ?? 0, weight));
    }
    return { known: [...known].map(([term, weight]) => ({ term, weight })), unknown };
  }

  private bm25(entry: IndexedTopic, query: QueryTerm[]): number {
    let score = 0;
    for (const { term, weight } of query) {
      const tf = entry.tf.get(term);
      if (!tf) continue;
      const idf = this.idf.get(term) ?? 0;
      score += (weight * idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * entry.length) / this.averageLength));
    }
    return score;
  }
}

function indexTopic(topic: FaqTopic): IndexedTopic {
  const tf = new Map<string, number>();
  const add = (text: string, weight: number, cap: number) => {
    const counts = new Map<string, number>();
    for (const term of terms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) tf.set(term, (tf.get(term) ?? 0) + weight * Math.min(count, cap));
  };
  add(topic.title, WEIGHTS.title, 1);
  add(topic.phrasings.join(' '), WEIGHTS.phrasings, 2);
  add(topic.keywords.join(' '), WEIGHTS.keywords, 1);
  add(topic.answer, WEIGHTS.answer, 3);
  const length = [...tf.values()].reduce((sum, value) => sum + value, 0);
  return { topic, tf, strong: new Set(terms([topic.title, ...topic.phrasings, ...topic.keywords].join(' '))), length };
}

/** Reads the course's topics (src/faq/topics, or `dir`) and builds the FAQ: once per app, in createApp. */
export function loadFaq(dir?: string): Faq {
  return new Faq(loadSections(dir));
}
