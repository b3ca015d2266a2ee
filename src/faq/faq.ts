import { type Features, fragments, normalised, TopicClassifier } from './classifier.js';
import { type EnglishWords, englishWords } from './english.js';
import { FuzzyVocabulary } from './fuzzy.js';
import { type LabelledQuestion, trainingQuestions } from './labelled.js';
import { type ForeignQuestion, type Languages, loadLanguages, type WordKnowledge } from './language.js';
import { type DomainClass, type Lexicon, loadLexicon, questionWords } from './lexicon.js';
import { readMessage } from './paste.js';
import { words } from './text.js';
import { type FaqSection, type FaqTopic, loadSections } from './topics-loader.js';

export interface FaqResult {
  /** The answer; null when the question is not about the course ("I don't know that one yet"). */
  topic: FaqTopic | null;
  /** How well the answer matches, from 0 to 1. */
  score: number;
  /** Whether the answer matches well; when not, the suggestions are "did you mean" alternatives. */
  sure: boolean;
  /** The closest other topics (the best three when `topic` is null). */
  suggestions: FaqTopic[];
  /** Terminal output that shows nothing wrong and asks nothing: not answered, and told why. */
  outputOnly?: boolean;
  /** The language the question was asked in, when not English ("German"): the answer is in English, and says so. */
  language?: string;
}

/** Field weights: how a term in each field counts towards a topic matching. */
const WEIGHTS = { title: 3, phrasings: 2.5, keywords: 2, answer: 0.6 } as const;
const K1 = 1.2;
const VARIANT_WEIGHT = 3;
const SECOND_VARIANT_WEIGHT = 0.3;
const B = 0.4;
/** How much the classifier's probability counts next to retrieval's score (scaled to the best topic's). */
const CLASSIFIER_WEIGHT = 1;
/** A topic that retrieval does not match at all is ranked only when the classifier is at least this sure of it. */
const CLASSIFIER_ALONE = 0.05;
/** A word is an attendee's word for course things once this many labelled questions use it. */
const ASKED_WORD_QUESTIONS = 2;
/** Classifier features: a word pair counts a little less than each of its words. */
const PAIR_WEIGHT = 0.7;

/** A term of the question and how much it counts: a corrected typo or a related term counts less. */
interface QueryTerm {
  term: string;
  weight: number;
}
const CORRECTED_WEIGHT = 0.5;
const RELATED_WEIGHT = 0.4;
/**
 * How much a word counts in ranking, by what it is: words that name course things decide between
 * topics; everyday verbs, words that are no course term ("inside", "completely"), question words and
 * numbers only tip the balance.
 */
const RANK_WEIGHT = {
  specific: 1.2,
  general: 0.6,
  everyday: 0.6,
  foreign: 0.6,
  question: 1,
  number: 0.5,
  topicWord: 0.6,
  unknown: 0.6,
} as const;

/**
 * Evidence that a question is about the course, per word (see lexicon.yaml, `domain`). A question is
 * on topic when its evidence reaches one course word's, plus a margin for each word that speaks
 * against the course: a lone "destroy?" is a course question, "destroy the zoo" is not.
 */
const EVIDENCE: Record<DomainClass | 'topicWord' | 'related' | 'unknown', number> = {
  specific: 3,
  ambiguous: 1,
  general: 0,
  question: 0,
  everyday: -0.5,
  foreign: -1,
  topicWord: 0.5,
  related: 0.5,
  unknown: -0.5,
};
/** Each word against the course (up to two) asks for this much more evidence. */
const AGAINST_MARGIN = 0.5;
/**
 * When retrieval and the classifier pick the same topic and the classifier is this sure, only other
 * products' names ask for more evidence: "credentials file for framework registration" is about one
 * topic however many everyday words it has, "deploy a container on aws ecs" is still about AWS.
 */
const AGREEMENT = 0.99;
/** The evidence such an agreed answer needs: none against the course, on balance. */
const AGREED_EVIDENCE = 0;
/**
 * The classifier's off-topic class vetoes an answer once it is this likely next to the best topic's: an
 * answer to an off-topic question is worse than a refusal of an on-topic one (which still offers topics).
 */
const OFF_COURSE = 0.2;
/** How many more margins another product's name asks for than an everyday word. */
const FOREIGN_EXTRA = 1;
const LONE_WORD_CONFIDENCE = 0.3;

/** "Sure" answers: calibrated on src/faq/eval (see bench/faq-eval.ts); below them the answer offers alternatives. */
const SURE_CONFIDENCE = 0.2;
const SURE_COVERAGE = 0.55;

/** Only the start of a question is read: a pasted log or a flood of words costs no more than a long question. */
export const MAX_QUESTION_LENGTH = 1000;
/** Where a chatty message's sentences end: `.`, `!`, `?`, `:` or `;` before a space ("state.json" stays whole), or a line break. */
const SENTENCE_BREAK = /(?<=[.!?:;])\s+|\n+/;
/** How many closing sentences of a message are tried on their own: small talk comes first, the question last. */
const MAX_CLOSING_SENTENCES = 4;
/** Typos corrected per question: beyond a few, the words were never course words. */
const MAX_CORRECTIONS = 6;

interface IndexedTopic {
  topic: FaqTopic;
  tf: Map<string, number>;
  /** Terms of the title, phrasings and keywords: what the topic is *about*, not just mentions. */
  strong: Set<string>;
  /** The title and each phrasing, as sets of terms: a question close to one of them is close to the topic. */
  variants: Array<{ terms: Set<string>; norm: number }>;
  length: number;
}

/** What a question says: its terms, its course evidence, and the words that speak against the course. */
export interface Reading {
  terms: QueryTerm[];
  evidence: number;
  /** Words known nowhere. */
  unknown: number;
  /** Words of everyday life (your laptop, a password) and names of other products (kubernetes, postgres). */
  everyday: number;
  /** Of those, the names of other products: the question may be about them, however sure the classifier is. */
  foreign: number;
  /** Names of other products, also those read as a comparison next to a course product ("yarn … does it use zk?"). */
  products: number;
  /** Whether a course word is shown to be meant in its everyday sense ("marathon training"). */
  otherSense: boolean;
  /** Words that say nothing either way ("start", "new"), question words aside. */
  neutral: number;
  /** The terms of the words that speak for the course: an answer must be about one of them. */
  course: Set<string>;
  /** Whether it was read as a terminal's output (see `read`). */
  output: boolean;
}

/**
 * Retrieval over the course topics: BM25 over weighted fields, read through the course lexicon
 * (synonyms, phrases, related terms), a light stemmer and typo correction. Whether to answer at all
 * is decided from the question's course vocabulary, not from the best topic's score.
 */
export class Faq {
  readonly topics: FaqTopic[];
  private readonly indexed: IndexedTopic[];
  private readonly idf = new Map<string, number>();
  private readonly averageLength: number;
  private readonly vocabulary: FuzzyVocabulary;
  /** Every indexed term → whether it is a topic's title/phrasing/keyword term (else answer-only). */
  private readonly termKind = new Map<string, 'topic' | 'answer'>();
  private readonly byId: Map<string, FaqTopic>;
  /** Term → the variants (topic index, variant's norm) that contain it: a question only visits the variants it shares a term with. */
  private readonly postings = new Map<string, Array<{ topic: number; variant: number; norm: number }>>();
  private readonly classifier: TopicClassifier;
  /** Words that several labelled questions use: attendees' words, known though no topic uses them. */
  private readonly askedWords = new Set<string>();
  /** What the FAQ knows of a word, for reading a question in another language. */
  private readonly wordKnowledge: WordKnowledge = {
    isEnglish: (word) => this.english.has(word),
    isCourse: (word) => !this.lexicon.isIgnored(word) && this.knows(word),
    knows: (word) => this.knows(word),
  };

  /** `examples`: labelled questions that teach the classifier beyond the topics' own titles and phrasings. */
  constructor(
    private readonly sectionList: FaqSection[],
    private readonly lexicon: Lexicon = loadLexicon(),
    private readonly english: EnglishWords = englishWords(),
    examples: readonly LabelledQuestion[] = [],
    private readonly languages: Languages = loadLanguages(),
  ) {
    this.topics = sectionList.flatMap((section) => section.topics);
    this.byId = new Map(this.topics.map((topic) => [topic.id, topic]));
    this.indexed = this.topics.map((topic) => this.indexTopic(topic));
    const documentFrequency = new Map<string, number>();
    for (const entry of this.indexed)
      for (const term of entry.tf.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    const count = this.indexed.length;
    for (const [term, frequency] of documentFrequency) this.idf.set(term, Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5)));
    this.averageLength = this.indexed.reduce((sum, entry) => sum + entry.length, 0) / Math.max(1, count);
    for (const variant of this.indexed.flatMap((entry) => entry.variants))
      variant.norm = Math.sqrt([...variant.terms].reduce((sum, term) => sum + (this.idf.get(term) ?? 0) ** 2, 0));
    for (const term of documentFrequency.keys()) this.termKind.set(term, 'answer');
    for (const entry of this.indexed) for (const term of entry.strong) this.termKind.set(term, 'topic');
    const surface = lexicon.surfaceWords();
    for (const topic of this.topics)
      for (const word of words([topic.title, ...topic.phrasings, ...topic.keywords, topic.answer].join(' ')))
        if (!lexicon.isIgnored(word)) surface.add(word);
    this.vocabulary = new FuzzyVocabulary(surface);
    let variantId = 0;
    this.indexed.forEach((entry, topic) => {
      for (const variant of entry.variants) {
        for (const term of variant.terms) {
          const list = this.postings.get(term) ?? [];
          list.push({ topic, variant: variantId, norm: variant.norm });
          this.postings.set(term, list);
        }
        variantId++;
      }
    });
    const topicIndex = new Map(this.topics.map((topic, index) => [topic.id, index]));
    // Pasted terminal output teaches nothing: it is read by its failing line and the attendee's words, which the topics'
    // phrasings carry, and its length would weigh the few topics pastes are about against every typed question.
    // Nor does a question in another language: it is read through its English words, not learnt word by word.
    const typed = examples.filter(
      ({ q }) =>
        !readMessage(q, MAX_QUESTION_LENGTH).paste && !this.languages.detect(q, this.wordKnowledge.isEnglish, this.wordKnowledge.isCourse),
    );
    const questionsWith = new Map<string, number>();
    for (const { q, topic } of typed)
      if (topic !== null) for (const word of new Set(words(q))) questionsWith.set(word, (questionsWith.get(word) ?? 0) + 1);
    for (const [word, count] of questionsWith) if (count >= ASKED_WORD_QUESTIONS) this.askedWords.add(word);
    const taught = [
      ...this.topics.flatMap((topic) => [topic.title, ...topic.phrasings, topic.keywords.join(' ')].map((q) => ({ q, topic: topic.id }))),
      ...typed,
    ].flatMap(({ q, topic }) => {
      // Off-topic questions teach one more class: what attendees ask that the course does not answer.
      const index = topic === null ? this.topics.length : topicIndex.get(topic);
      return index === undefined ? [] : [{ features: this.features(q, this.read(q)), topic: index }];
    });
    this.classifier = new TopicClassifier(this.topics.length + 1, taught);
  }

  topic(id: string): FaqTopic | undefined {
    return this.byId.get(id);
  }

  /** The topics `topic` points to as related, in its order. */
  related(topic: FaqTopic): FaqTopic[] {
    return topic.related.map((id) => this.byId.get(id)).filter((entry): entry is FaqTopic => entry !== undefined);
  }

  sections(): FaqSection[] {
    return this.sectionList;
  }

  ask(message: string): FaqResult {
    const { text: question, paste, failure, asks } = readMessage(message, MAX_QUESTION_LENGTH);
    // Output that shows nothing wrong and asks nothing (a `docker ps` listing, a working `minimesos info`) is no question.
    if (paste && !failure && !asks) return { topic: null, score: 0, sure: false, suggestions: [], outputOnly: true };
    const foreign = paste ? undefined : this.languages.read(question.slice(0, MAX_QUESTION_LENGTH), this.wordKnowledge);
    if (foreign) return this.askForeign(foreign);
    // Typed English in a hurry is read spelled out (as far as it is read at all); a paste is the machine's words, as they are.
    const typed = paste ? question : this.languages.texting(question.slice(0, MAX_QUESTION_LENGTH)) + question.slice(MAX_QUESTION_LENGTH);
    // A failure pasted from a terminal is read as the machine's words: its ids, paths and hostnames say nothing against the course.
    const whole = this.explain(typed, paste && failure);
    const match = isOnTopic(whole) ? whole : (this.closingQuestion(typed, whole) ?? whole);
    const onTopic = isOnTopic(match);
    const sure = onTopic && match.confidence >= SURE_CONFIDENCE && match.coverage >= SURE_COVERAGE;
    return {
      topic: onTopic ? match.ranked[0]! : null,
      score: Math.round(match.confidence * 1000) / 1000,
      sure,
      suggestions: match.ranked.slice(onTopic ? 1 : 0, onTopic ? 4 : 3),
    };
  }

  /**
   * A question in another language, read through its English words: answered (in English) only when
   * every word of it is understood and its English names one topic clearly (a sure match, or one that retrieval
   * and the classifier agree on). Otherwise
   * no answer, but the closest topics: a wrong answer is worse than an honest "ask in English".
   */
  private askForeign({ language, english, unclear }: ForeignQuestion): FaqResult {
    const match = this.explain(english);
    const sure = match.confidence >= SURE_CONFIDENCE && match.coverage >= SURE_COVERAGE;
    const clear = unclear.length === 0 && isOnTopic(match) && (sure || match.agreed);
    return {
      topic: clear ? match.ranked[0]! : null,
      score: Math.round(match.confidence * 1000) / 1000,
      sure: clear,
      suggestions: match.ranked.slice(clear ? 1 : 0, clear ? 4 : 3),
      language,
    };
  }

  /**
   * Whether a word of a message in another language is one the FAQ reads as its own: a course word,
   * a word the lexicon classes as neither everyday nor another product's, or one it ignores. Exact, no
   * typo correction: a word of another language is no misspelt course word.
   */
  private knows(word: string): boolean {
    // A phrase only when it is one of the lexicon's ("docker daemon"), not a run of words that holds a course word.
    if (word.includes(' ') && this.lexicon.phrases(word.split(' ')).length > 1) return false;
    if (this.lexicon.isIgnored(word) || this.known(this.lexicon.related(word)).length > 0) return true;
    const terms = this.known(this.lexicon.termsOf(word));
    const domainClass = terms.length > 0 ? this.domainOf(word, terms) : this.lexicon.domain(word);
    return domainClass !== undefined && domainClass !== 'unknown' && domainClass !== 'everyday' && domainClass !== 'foreign';
  }

  /**
   * A chatty message ("came in late because of the train, I'm on a Mac. Quick one: what does minimesos
   * init create?"): when the whole of it is not read as a course question, its closing question may be,
   * without the small talk before it (which alone can tip the off-topic class or ask for more evidence):
   * the last sentence alone, else with the one before it, and so on. Only when the message ends with a
   * question ("is there coffee? i'm dying" is no course question), and never when it names another
   * product or shows a course word meant in another sense ("I'm training for a race. Which marathon?").
   */
  private closingQuestion(question: string, whole: Match): Match | undefined {
    if (whole.reading.products > 0 || whole.reading.otherSense || !question.trimEnd().endsWith('?')) return undefined;
    const sentences = question
      .slice(0, MAX_QUESTION_LENGTH)
      .split(SENTENCE_BREAK)
      .filter((sentence) => /[a-z0-9]/i.test(sentence));
    // The last sentence first, then one more each time: the question closes the message, its context may precede it.
    for (let start = sentences.length - 1; start >= Math.max(1, sentences.length - MAX_CLOSING_SENTENCES); start--) {
      const match = this.explain(sentences.slice(start).join(' '));
      if (isOnTopic(match)) return match;
    }
    return undefined;
  }

  /**
   * The signals behind an answer: the question as read, topics by BM25, the best one's confidence
   * (its score over what a topic matching every word would score) and how much of the question its
   * title, phrasings and keywords cover.
   */
  explain(question: string, output = false): Match {
    const reading = this.read(question, output);
    const idf = (term: string) => this.idf.get(term) ?? 0;
    const nothing = { reading, ranked: [], confidence: 0, coverage: 0, grounded: false, agreed: false, offCourse: false };
    if (reading.terms.length === 0) return nothing;
    // What the question is about: "how do I" and "what is" only tell topics of the same kind apart.
    const content = reading.terms.filter((entry) => this.lexicon.termDomain(entry.term) !== 'question');
    const best = Math.max(0, ...content.map((entry) => idf(entry.term)));
    // Unknown words count as the rarest known one: a question about something else scores low. A
    // corrected or related term covers less of the question than a word that was typed right.
    const total = content.reduce((sum, entry) => sum + idf(entry.term), 0) + reading.unknown * best;
    const closest = this.closestVariants(reading.terms);
    const probabilities = this.classifier.probabilities(this.features(question, reading));
    const scored = this.indexed.map((entry, index) => ({
      entry,
      score: this.bm25(entry, reading.terms) + VARIANT_WEIGHT * closest[index]!,
      probability: probabilities[index]!,
    }));
    const bestScore = Math.max(...scored.map((candidate) => candidate.score));
    const fused = (candidate: (typeof scored)[number]) => candidate.score / bestScore + CLASSIFIER_WEIGHT * candidate.probability;
    const ranked = scored
      .filter((candidate) => candidate.score > 0 || candidate.probability >= CLASSIFIER_ALONE)
      .sort((a, b) => fused(b) - fused(a));
    const top = ranked[0];
    if (!top || total === 0 || bestScore <= 0) return nothing;
    const coverage =
      content.reduce((sum, entry) => sum + (top.entry.strong.has(entry.term) ? idf(entry.term) * entry.weight : 0), 0) / total;
    return {
      reading,
      ranked: ranked.map((candidate) => candidate.entry.topic),
      confidence: Math.min(1, top.score / (total * (K1 + 1))),
      coverage,
      // "how high is the mesosphere": a course word, but the best topic only matched "high".
      grounded: [...reading.course].some((term) => top.entry.tf.has(term)),
      agreed: top.probability >= AGREEMENT && scored.every((candidate) => candidate.score <= top.score),
      offCourse: probabilities[this.topics.length]! > OFF_COURSE * top.probability,
    };
  }

  /**
   * The question's terms (typos corrected, related terms added) and how much it says it is about the
   * course. `output`: the text is a terminal's output (an error, a log), where words the course does
   * not know (ids, hostnames, paths, "operation", "socket") and course words in their everyday sense
   * ("running") are the machine's, not the attendee's: they do not speak against the course. Other
   * products' names still do (a Python traceback, an npm error).
   */
  read(question: string, output = false): Reading {
    const weights = new Map<string, number>();
    const add = (term: string, weight: number) => {
      if (this.idf.has(term)) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    };
    let unknown = 0;
    let everyday = 0;
    let foreign = 0;
    let products = 0;
    let neutral = 0;
    let evidence = 0;
    let corrections = 0;
    const counted = new Map<string, number>();
    const course = new Set<string>();
    const tokens = words(question.slice(0, MAX_QUESTION_LENGTH));
    const keys = this.lexicon.phrases(tokens);
    // "marathon training", "a zookeeper at the zoo": once one course word is shown to be meant in its
    // everyday sense, the question's other course words are read in theirs too ("docker container ship").
    const context = questionWords(tokens);
    const otherSense = !output && keys.some((key) => this.lexicon.otherSense([key, ...this.lexicon.termsOf(key)], context));
    // "kubectl scale equivalent in marathon": next to one of the course's own products, another
    // product's name is a comparison, not the subject.
    const comparing = !otherSense && keys.some((key) => this.lexicon.isProduct(key));
    const reclass = (domainClass: keyof typeof EVIDENCE) => (comparing && domainClass === 'foreign' ? 'general' : domainClass);
    for (const key of keys) {
      if (this.lexicon.isIgnored(key)) continue;
      let terms = this.known(this.lexicon.termsOf(key));
      const related = this.known(this.lexicon.related(key));
      let weight = 1;
      let surface = key;
      // A misspelling is corrected; a real English word that the course does not use is not one, and
      // a word the lexicon classes (another product's name: "systemd") is no misspelling either.
      const typo = !key.includes(' ') && !this.english.has(key) && this.lexicon.domain(key) === undefined;
      if (terms.length === 0 && related.length === 0 && typo && corrections < MAX_CORRECTIONS) {
        corrections++;
        const corrected = this.vocabulary.correct(key);
        if (corrected !== undefined && corrected !== key) {
          terms = this.known(this.lexicon.termsOf(corrected));
          weight = CORRECTED_WEIGHT;
          surface = corrected;
        }
      }
      // A word that points at a concept shares its weight among the concept's terms.
      for (const term of related) add(term, RELATED_WEIGHT / related.length);
      for (const term of related) course.add(term);
      if (terms.length > 0) {
        let domainClass = this.domainOf(surface, terms);
        // A typo is believed only when it lands on a course word: "linkedin" is not "linked".
        if (weight < 1 && domainClass !== 'specific' && domainClass !== 'ambiguous') domainClass = 'unknown';
        if (otherSense && (domainClass === 'ambiguous' || this.lexicon.otherSense([surface, ...terms], context))) domainClass = 'everyday';
        if (domainClass === 'foreign') products++;
        domainClass = reclass(domainClass);
        if (domainClass === 'unknown') unknown++;
        if (domainClass === 'everyday' || domainClass === 'foreign') everyday++;
        if (domainClass === 'foreign') foreign++;
        if (domainClass === 'general') neutral++;
        if (domainClass === 'unknown') evidence += EVIDENCE.unknown;
        else {
          // A course term counts once, at its best: "crashed and lost" is one failure.
          const value = weight * EVIDENCE[domainClass];
          const before = Math.max(0, ...terms.map((term) => counted.get(term) ?? 0));
          if (value > before) evidence += value - before;
          for (const term of terms) counted.set(term, Math.max(counted.get(term) ?? 0, value));
          if (value > 0) for (const term of terms) course.add(term);
        }
        const rank = /\d/.test(key) ? RANK_WEIGHT.number : (RANK_WEIGHT[domainClass as keyof typeof RANK_WEIGHT] ?? 1);
        for (const term of terms) add(term, weight * rank);
      } else if (related.length > 0) evidence += EVIDENCE.related;
      else {
        // A word no topic uses: the lexicon may still say what it is (your laptop); numbers say nothing.
        // Attendees' own words for course things ("credentials", "leftover") are in the labelled questions, not the topics.
        const own = this.lexicon.domain(key) ?? (/\d/.test(key) || key.length < 2 || this.askedWords.has(key) ? 'general' : 'unknown');
        if (own === 'foreign') products++;
        const domainClass = reclass(own);
        if (domainClass === 'unknown') unknown++;
        if (domainClass === 'everyday' || domainClass === 'foreign') everyday++;
        if (domainClass === 'foreign') foreign++;
        if (domainClass === 'general' && !/\d/.test(key)) neutral++;
        evidence += EVIDENCE[domainClass];
      }
    }
    if (output) {
      // Unknown and everyday words each took EVIDENCE.unknown or EVIDENCE.everyday (the same) from the evidence: give it back.
      evidence -= EVIDENCE.everyday * (unknown + everyday - foreign);
      unknown = 0;
      everyday = foreign;
    }
    return {
      terms: [...weights].map(([term, weight]) => ({ term, weight })),
      evidence,
      unknown,
      everyday,
      foreign,
      products,
      otherSense,
      neutral,
      course,
      output,
    };
  }

  /**
   * How much a known word or phrase says about the course: its own class, its synonym group's, a
   * phrase's most telling word's, or else where the topics use it.
   */
  private domainOf(surface: string, terms: string[]): keyof typeof EVIDENCE {
    const own =
      this.lexicon.domain(surface) ??
      terms.map((term) => this.lexicon.termDomain(term)).find((found) => found !== undefined) ??
      surface
        .split(' ')
        .map((word) => this.lexicon.domain(word))
        .filter((found) => found !== undefined)
        .sort((a, b) => EVIDENCE[b] - EVIDENCE[a])[0];
    if (own) return own;
    if (/^[\d.]+$/.test(surface)) return 'general';
    // A flag, a variable or a file name (`gc_delay`, `$MINIMESOS_MASTER`, `es.json`) is nobody's everyday word.
    if (/[_$]|\.[a-z]+$/.test(surface) && !surface.includes(' ')) return 'specific';
    // A word the topics only mention in passing, in an answer, says nothing for the course ("react").
    return terms.some((term) => this.termKind.get(term) === 'topic') ? 'topicWord' : 'unknown';
  }

  /**
   * What the classifier reads: the question's course terms as retrieval reads them, its words as the
   * lexicon spells them, pairs of those words, and fragments of the words as typed (typos and
   * inflections still share most of them) unless it is a terminal's output.
   */
  private features(question: string, reading: Reading): Features {
    const text = question.slice(0, MAX_QUESTION_LENGTH);
    // A terminal's output is read by the words the course knows: its ids, hosts and identifiers (`resourceOffers`)
    // would only be noise, and it has no typos for fragments to catch.
    const spelled = this.lexicon.terms(text).filter((term) => !reading.output || this.idf.has(term));
    const weights = new Map<string, number>();
    for (const { term, weight } of reading.terms) weights.set(`t:${term}`, weight);
    for (const term of spelled) weights.set(`w:${term}`, 1);
    for (let index = 1; index < spelled.length; index++) weights.set(`p:${spelled[index - 1]}_${spelled[index]}`, PAIR_WEIGHT);
    if (!reading.output)
      for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
        for (const fragment of fragments(word)) weights.set(`f:${fragment}`, (weights.get(`f:${fragment}`) ?? 0) + 1);
    return normalised(weights);
  }

  private known(terms: readonly string[]): string[] {
    return terms.filter((term) => this.idf.has(term));
  }

  /**
   * Per topic: the cosine similarity (idf-weighted) of the question with its closest title or phrasing,
   * and a little of the next closest. Only the variants that share a term with the question are visited.
   */
  private closestVariants(query: QueryTerm[]): number[] {
    const idf = (term: string) => this.idf.get(term) ?? 0;
    const best = new Array<number>(this.indexed.length).fill(0);
    const second = new Array<number>(this.indexed.length).fill(0);
    const queryNorm = Math.sqrt(query.reduce((sum, { term, weight }) => sum + (weight * idf(term)) ** 2, 0));
    if (queryNorm === 0) return best;
    const dots = new Map<number, { topic: number; norm: number; dot: number }>();
    for (const { term, weight } of query)
      for (const posting of this.postings.get(term) ?? []) {
        const found = dots.get(posting.variant);
        if (found) found.dot += weight * idf(term) ** 2;
        else dots.set(posting.variant, { topic: posting.topic, norm: posting.norm, dot: weight * idf(term) ** 2 });
      }
    for (const { topic, norm, dot } of dots.values()) {
      const similarity = dot / (queryNorm * norm);
      if (similarity > best[topic]!) [best[topic], second[topic]] = [similarity, best[topic]!];
      else if (similarity > second[topic]!) second[topic] = similarity;
    }
    // A second close variant confirms the first: a topic asked about this way in several words wins ties.
    return best.map((value, topic) => value + SECOND_VARIANT_WEIGHT * second[topic]!);
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

  private indexTopic(topic: FaqTopic): IndexedTopic {
    const tf = new Map<string, number>();
    // Each phrasing and keyword is read alone, so that no phrase spans two of them.
    const termsOf = (texts: string[]) => texts.flatMap((text) => this.lexicon.terms(text));
    const add = (texts: string[], weight: number, cap: number) => {
      const counts = new Map<string, number>();
      for (const term of termsOf(texts)) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, count] of counts) tf.set(term, (tf.get(term) ?? 0) + weight * Math.min(count, cap));
    };
    add([topic.title], WEIGHTS.title, 1);
    add(topic.phrasings, WEIGHTS.phrasings, 2);
    add(topic.keywords, WEIGHTS.keywords, 1);
    add([topic.answer], WEIGHTS.answer, 3);
    const length = [...tf.values()].reduce((sum, value) => sum + value, 0);
    const strong = new Set(termsOf([topic.title, ...topic.phrasings, ...topic.keywords]));
    const variants = [topic.title, ...topic.phrasings].map((text) => ({ terms: new Set(termsOf([text])), norm: 0 }));
    return { topic, tf, strong, variants, length };
  }
}

/** The signals behind an answer (see `Faq.explain`). */
export interface Match {
  reading: Reading;
  ranked: FaqTopic[];
  /** The best topic's retrieval score over what a topic matching every word would score. */
  confidence: number;
  /** How much of the question the best topic's title, phrasings and keywords cover. */
  coverage: number;
  /** Whether the best topic is about one of the question's course words. */
  grounded: boolean;
  /** Whether retrieval ranks the best topic first on its own, and the classifier is sure of it. */
  agreed: boolean;
  /** Whether the classifier finds the question nearly as much like the off-topic ones it was taught as like the best topic. */
  offCourse: boolean;
}

function isOnTopic({ reading, ranked, confidence, grounded, agreed, offCourse }: Match): boolean {
  // A pasted failure reads unlike anything attendees type; one clear course word in it outweighs the off-topic class.
  const vetoed = offCourse && !(reading.output && reading.evidence >= EVIDENCE.specific);
  if (ranked.length === 0 || !grounded || vetoed) return false;
  const against = reading.unknown + reading.everyday;
  // Sure of its topic, a question needs no more than no evidence against the course, unless it names
  // another product or uses a course word in another sense.
  const lenient = agreed && reading.foreign === 0 && !reading.otherSense;
  const needed = lenient ? AGREED_EVIDENCE : EVIDENCE.ambiguous + AGAINST_MARGIN * Math.min(against + FOREIGN_EXTRA * reading.foreign, 2);
  if (reading.evidence < needed) return false;
  // One course word among neutral ones ("linux command to find large files") must also match a topic well.
  return against > 0 || reading.evidence > EVIDENCE.ambiguous || confidence >= LONE_WORD_CONFIDENCE;
}

/** The course's own FAQ, built once per process: teaching its classifier takes a second or two. */
let courseFaq: Faq | undefined;

/**
 * Reads the course's topics (src/faq/topics, or `dir`) and lexicon, and builds the FAQ: in createApp.
 * The course's own topics are also taught by the labelled questions of src/faq/eval, but for the
 * held-out sets; that FAQ is shared by every app of the process (it never changes once built).
 */
export function loadFaq(dir?: string, lexicon?: Lexicon): Faq {
  if (dir !== undefined || lexicon !== undefined) return new Faq(loadSections(dir), lexicon);
  courseFaq ??= new Faq(loadSections(), undefined, undefined, trainingQuestions());
  return courseFaq;
}
