import { describe, expect, it } from 'vitest';
import { fragments, normalised, TopicClassifier } from '../../src/faq/classifier.js';
import { Faq } from '../../src/faq/faq.js';
import type { FaqSection } from '../../src/faq/topics-loader.js';

function features(text: string) {
  const weights = new Map<string, number>();
  for (const word of text.split(' ')) {
    weights.set(`w:${word}`, 1);
    for (const fragment of fragments(word)) weights.set(`f:${fragment}`, (weights.get(`f:${fragment}`) ?? 0) + 1);
  }
  return normalised(weights);
}

describe('TopicClassifier', () => {
  const classifier = new TopicClassifier(2, [
    { features: features('master dies leader gone'), topic: 0 },
    { features: features('leading master crashed'), topic: 0 },
    { features: features('scheduler dies framework gone'), topic: 1 },
    { features: features('framework scheduler crashed'), topic: 1 },
  ]);

  it('tells two topics apart by the words their examples use, and its probabilities add up to one', () => {
    const master = classifier.probabilities(features('what if the leading master crashed'));
    expect(master[0]).toBeGreaterThan(0.9);
    expect(master[0]! + master[1]!).toBeCloseTo(1, 10);
    expect(classifier.probabilities(features('my scheduler dies'))[1]).toBeGreaterThan(0.9);
  });

  it('still recognises a misspelt word from the fragments it shares', () => {
    expect(classifier.probabilities(features('schedulr'))[1]).toBeGreaterThan(0.5);
  });

  it('never picks a class that no example taught', () => {
    const untaught = new TopicClassifier(3, [
      { features: features('leader gone'), topic: 0 },
      { features: features('scheduler gone'), topic: 1 },
    ]);
    const unknown = untaught.probabilities(features('lunch'));
    expect(unknown[2]).toBe(0);
    expect(unknown[0]).toBeCloseTo(0.5, 5);
  });

  it('has no opinion on words no example used', () => {
    const unknown = classifier.probabilities(features('lunch'));
    expect(unknown[0]).toBeCloseTo(0.5, 5);
  });
});

describe('Faq taught by labelled questions', () => {
  const sections: FaqSection[] = [
    {
      id: 'ops',
      title: 'Ops',
      order: 1,
      topics: [
        topic('restart-agent', 'How do I restart an agent?', ['Bring an agent back after it stopped']),
        topic('drain-agent', 'How do I drain an agent?', ['Move tasks off an agent before maintenance']),
      ],
    },
  ];

  it("answers a question in attendees' own words with the topic their labelled questions point to", () => {
    const question = 'bring the agent down for patching, evacuate it';
    const untaught = new Faq(sections);
    const taught = new Faq(sections, undefined, undefined, [
      { q: 'we patch the kernel on that agent tonight, evacuate it', topic: 'drain-agent' },
      { q: 'patching an agent: get its workloads off it first', topic: 'drain-agent' },
      { q: 'agent stopped after a reboot, start it again', topic: 'restart-agent' },
      { q: 'a question about a topic this FAQ does not have', topic: 'elsewhere' },
    ]);
    // Without them, "bring" and "agent" are all retrieval has to go on.
    expect(untaught.explain(question).ranked[0]!.id).toBe('restart-agent');
    expect(taught.explain(question).ranked[0]!.id).toBe('drain-agent');
  });
});

function topic(id: string, title: string, phrasings: string[]) {
  return {
    id,
    title,
    section: 'ops',
    sectionTitle: 'Ops',
    phrasings,
    keywords: ['agent'],
    related: [],
    links: [],
    answer: `${title} Like this.`,
  };
}
