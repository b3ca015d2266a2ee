/** A question's features and how much each one weighs; the list is scaled to unit length. */
export type Features = Array<[feature: string, weight: number]>;

/** How much a feature seen in no example of a topic still counts there: small, so that rare words decide. */
const SMOOTHING = 0.01;

/**
 * A multinomial naive Bayes classifier over the topics, taught by labelled questions (every topic's
 * title and phrasings, and the tuning sets' questions). It learns which words, word pairs and word
 * fragments go with which topic as a whole, where retrieval only sees one phrasing at a time: it tells
 * neighbouring topics apart ("the master dies" vs "the scheduler dies") from how attendees ask each.
 * One pass over the examples teaches it, so it is built with the FAQ at start-up.
 */
export class TopicClassifier {
  /**
   * Feature → the topics whose examples have it, with how much more likely it is there than a
   * feature the topic never saw (log ratio). Sparse: most features belong to one or two topics.
   */
  private readonly evidence = new Map<string, Array<{ topic: number; logRatio: number }>>();
  /** Per topic: log P(a feature it never saw | topic). */
  private readonly unseen: Float64Array;

  constructor(
    private readonly topicCount: number,
    examples: Iterable<{ features: Features; topic: number }>,
  ) {
    const counts = new Map<string, Map<number, number>>();
    const totals = new Float64Array(topicCount);
    for (const { features, topic } of examples)
      for (const [feature, weight] of features) {
        const byTopic = counts.get(feature) ?? new Map<number, number>();
        counts.set(feature, byTopic);
        byTopic.set(topic, (byTopic.get(topic) ?? 0) + weight);
        totals[topic]! += weight;
      }
    const vocabulary = counts.size;
    // A class no example taught (no off-topic questions given) is never the answer.
    this.unseen = totals.map((total) =>
      total === 0 ? Number.NEGATIVE_INFINITY : Math.log(SMOOTHING) - Math.log(total + SMOOTHING * vocabulary),
    );
    for (const [feature, byTopic] of counts)
      this.evidence.set(
        feature,
        [...byTopic].map(([topic, count]) => ({ topic, logRatio: Math.log((count + SMOOTHING) / SMOOTHING) })),
      );
  }

  /** P(topic | question) for every topic, in topic order; features no example had say nothing. */
  probabilities(features: Features): Float64Array {
    const scores = new Float64Array(this.topicCount);
    let known = 0;
    for (const [feature, weight] of features) {
      const found = this.evidence.get(feature);
      if (!found) continue;
      known += weight;
      for (const { topic, logRatio } of found) scores[topic]! += weight * logRatio;
    }
    for (let topic = 0; topic < this.topicCount; topic++) {
      const unseen = this.unseen[topic]!;
      scores[topic] = unseen === Number.NEGATIVE_INFINITY ? unseen : scores[topic]! + known * unseen;
    }
    const top = Math.max(...scores);
    if (top === Number.NEGATIVE_INFINITY) return new Float64Array(this.topicCount);
    let sum = 0;
    for (let topic = 0; topic < this.topicCount; topic++) {
      scores[topic] = Math.exp(scores[topic]! - top);
      sum += scores[topic]!;
    }
    return scores.map((score) => score / sum);
  }
}

/** Four-letter fragments of each word, with its edges marked: "scael" still shares "<sca" and "ael>"'s neighbours with "scale". */
export function fragments(word: string): string[] {
  const marked = `<${word}>`;
  const found: string[] = [];
  for (let start = 0; start + 4 <= marked.length; start++) found.push(marked.slice(start, start + 4));
  return found;
}

/** The features scaled to unit length, so that long questions weigh no more than short ones. */
export function normalised(weights: ReadonlyMap<string, number>): Features {
  let squares = 0;
  for (const weight of weights.values()) squares += weight * weight;
  const length = Math.sqrt(squares) || 1;
  return Array.from(weights, ([feature, weight]): [string, number] => [feature, weight / length]);
}
