import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type FaqResult, loadFaq } from '../../src/faq/faq.js';

const faq = loadFaq();
// A bot that has answered a few questions: what is measured is the question, not the first compilation.
for (const question of ['how do i scale my app', 'whats the ip of my nginx contianer', 'qwzx vbnm plkj where is zkCli.sh'])
  faq.ask(question);

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

function randomWord(next: () => number, length: number): string {
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
}

/** Random words of 2–14 letters until the question is `length` characters long. */
function randomWords(length: number, seed: number): string {
  const next = random(seed);
  let question = '';
  while (question.length < length) question += `${randomWord(next, 2 + Math.floor(next() * 13))} `;
  return question.slice(0, length);
}

/**
 * Asks while the event loop is watched: how long the answer took and the longest the loop was
 * blocked (what every other attendee waits). Best of three: a busy machine can pause the process
 * once, a question that blocks the loop blocks it every time.
 */
async function askWatched(question: string): Promise<{ result: FaqResult; ms: number; blockedMs: number }> {
  const runs: Array<{ result: FaqResult; ms: number; blockedMs: number }> = [];
  for (let run = 0; run < 3; run++) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    await nextTurn();
    const start = performance.now();
    const result = faq.ask(question);
    const ms = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 30));
    histogram.disable();
    runs.push({ result, ms, blockedMs: histogram.max / 1e6 });
  }
  return runs.reduce((best, run) => (run.ms + run.blockedMs < best.ms + best.blockedMs ? run : best));
}

describe('FAQ answers any input in milliseconds', () => {
  it('a question of one unknown word of 1,000, then 10,000 letters', async () => {
    for (const length of [1_000, 10_000]) {
      const { result, ms, blockedMs } = await askWatched(randomWord(random(length), length));
      expect(result.topic, `${length} letters`).toBeNull();
      expect(ms, `${length} letters answered in`).toBeLessThan(50);
      expect(blockedMs, `${length} letters blocked the event loop for`).toBeLessThan(100);
    }
  });

  it('a 40,000-character question of random words', async () => {
    const question = randomWords(40_000, 7);
    expect(question).toHaveLength(40_000);
    const { ms, blockedMs } = await askWatched(question);
    expect(ms).toBeLessThan(50);
    expect(blockedMs).toBeLessThan(100);
  });

  it('a 40,000-character word of dots and letters, and one long misspelling of a topic word', async () => {
    for (const question of [
      `a${'.'.repeat(39_998)}a`,
      `${'elasticsearch'.repeat(3_000)}`,
      `scael ${'x'.repeat(30)} ${'.-'.repeat(20_000)}`,
    ]) {
      const { ms, blockedMs } = await askWatched(question);
      expect(ms, question.slice(0, 20)).toBeLessThan(50);
      expect(blockedMs, question.slice(0, 20)).toBeLessThan(100);
    }
  });

  it('still reads an on-topic question at the start of a long message', () => {
    expect(faq.ask(`how do i scale my app? ${randomWords(20_000, 3)}`).suggestions.map((topic) => topic.id)).toContain('marathon-scale');
  });
});

describe('FAQ with words that are names of JavaScript object properties', () => {
  const words = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', '__defineGetter__'];

  it.each(words)('"%s" alone is an honest "I don\'t know"', (word) => {
    expect(faq.ask(word).topic).toBeNull();
  });

  it.each(words)('"%s" inside a real question does not stop its answer', (word) => {
    expect(faq.ask(`how do i scale my marathon app ${word}`).topic?.id).toBe('marathon-scale');
  });
});
