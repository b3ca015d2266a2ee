import { MAX_BODY_BYTES } from '../../src/clients/http.js';
import { Prng } from '../fuzz/prng.js';

/**
 * Seeded mutations of JSON captures, for property-style tests of the cluster parsers: the same seed
 * always gives the same broken input, so a failure names the seed that reproduces it.
 */

/** Nested `depth` levels deep, built without recursion (a parser that recurses over it would overflow the stack). */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = kind === 'array' ? [value] : { nested: value };
  return value;
}

/** 100k characters, in shapes that make careless regular expressions backtrack or spread calls overflow. */
const LONG_STRINGS = [
  'x'.repeat(100_000),
  `cpus: 1${' '.repeat(100_000)}x`,
  `ports(*):[${'1-2, '.repeat(25_000)}]`,
  `[${'31000-31001,'.repeat(8_000)}]`,
  '9'.repeat(100_000),
  `master@${'a'.repeat(100_000)}:5050`,
];

const ODD_TEXT = [
  '',
  ' ',
  '\u0000\u0007\n\r\t',
  'name\nwith newline',
  '\u202eevil\u202c',
  '😀\ud800',
  '<!channel> *bold* `code`',
  '__proto__',
];
const ODD_NUMBERS = [-1, -1e308, 1e308, 0.5, 2 ** 53 + 1, 0, 65536, 99_999_999];
const NUMBER_STRINGS = ['12', ' 7 ', '1e400', 'NaN', '-1', 'Infinity', '0x10', '', '1.5'];

/** A value of another JSON type than `value`: string↔number↔object↔array and friends. */
function otherType(random: Prng, value: unknown): unknown {
  if (typeof value === 'number') return random.pick([String(value), [value], { value }, true]);
  if (typeof value === 'string') return random.pick([Number.isNaN(Number(value)) ? 42 : Number(value), [value], { value }, false]);
  if (Array.isArray(value)) return random.pick([{ ...value }, value.length, `[${value.length} items]`]);
  if (value !== null && typeof value === 'object') return random.pick([Object.values(value), 'object', 1]);
  return random.pick([{}, [], 'text', 3]);
}

type Mutation = (random: Prng, value: unknown) => unknown;

/** Each replaces a value by a broken one; `DROP` (below) removes it. */
const MUTATIONS: Record<string, Mutation> = {
  null: () => null,
  otherType,
  empty: (_random, value) =>
    Array.isArray(value) ? [] : typeof value === 'string' ? '' : value !== null && typeof value === 'object' ? {} : [],
  // The same object twice, not a copy: a copy of deep junk overflows structuredClone, and a parser that edits its input shows up.
  duplicate: (random, value) => (Array.isArray(value) && value.length > 0 ? [...value, random.pick(value)] : [value, value]),
  longString: (random) => random.pick(LONG_STRINGS),
  oddText: (random, value) => `${typeof value === 'string' ? value : ''}${random.pick(ODD_TEXT)}`,
  deepJunk: (random) => deeplyNested(2_000 + random.int(8_000), random.chance(0.5) ? 'array' : 'object'),
  numberString: (random, value) => (typeof value === 'number' ? String(value) : random.pick(NUMBER_STRINGS)),
  oddNumber: (random) => random.pick(ODD_NUMBERS),
  hugeArray: (random, value) => {
    const item = Array.isArray(value) && value.length > 0 ? random.pick(value) : value;
    // 10k entries, or as many of this one as a 16 MB body holds (10k frameworks of 18 KB could never arrive).
    const count = Math.min(10_000, Math.floor(MAX_BODY_BYTES / Math.max(1, jsonText(item, MAX_BODY_BYTES).length)));
    return Array.from({ length: count }, () => item);
  },
};
const DROP = 'drop';
const BIG = ['hugeArray', 'longString', 'deepJunk'];
export const MUTATION_NAMES = [DROP, ...Object.keys(MUTATIONS)];

export interface Mutated {
  value: unknown;
  /** What was done where, for the failure message: `drop /frameworks/0/tasks`. */
  steps: string[];
}

/**
 * `count` mutations at random places of a deep copy of `input`. A place is found by walking down from
 * the root, stopping at each level with probability 1/4, so shallow and deep fields both get hit.
 */
export function mutate(input: unknown, seed: number, count = 1 + (seed % 4)): Mutated {
  const random = new Prng(seed);
  const root = { value: structuredClone(input) as unknown };
  const steps: string[] = [];
  for (let step = 0; step < count; step++) {
    let parent: Record<string, unknown> | unknown[] = root;
    let key: string | number = 'value';
    const path: string[] = [];
    for (;;) {
      const current: unknown = (parent as Record<string | number, unknown>)[key];
      if (current === null || typeof current !== 'object' || random.chance(0.25)) break;
      const keys: Array<string | number> = Array.isArray(current) ? current.map((_, index) => index) : Object.keys(current);
      if (keys.length === 0) break;
      parent = current as Record<string, unknown> | unknown[];
      key = random.pick(keys);
      path.push(String(key));
      // Long strings or a huge array inserted earlier: do not walk 10k-deep junk.
      if (path.length > 40) break;
    }
    // One big mutation an input: a huge array holds one value 10k times, so with a long string or deep junk
    // it would be 10k of them, more than the 16 MB a body may have (the HTTP client refuses bigger ones).
    let name = random.pick(MUTATION_NAMES);
    if (BIG.includes(name) && steps.some((done) => BIG.includes(done.split(' ')[0]!))) name = 'oddText';
    steps.push(`${name} /${path.join('/')}`);
    if (name === DROP && parent !== root) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
    } else {
      const mutation = MUTATIONS[name] ?? MUTATIONS.null!;
      (parent as Record<string | number, unknown>)[key] = mutation(random, (parent as Record<string | number, unknown>)[key]);
    }
  }
  return { value: root.value, steps };
}

/**
 * JSON text of `value` without recursion (JSON.stringify overflows on deep junk), cut at `maxChars`
 * like a store that keeps only so much (ZooKeeper: 1 MB a znode).
 */
export function jsonText(value: unknown, maxChars = 1_000_000): string {
  const out: string[] = [];
  let length = 0;
  const stack: unknown[] = [value];
  const emit = (text: string) => {
    out.push(text);
    length += text.length;
  };
  while (stack.length > 0 && length < maxChars) {
    const item = stack.pop();
    if (item instanceof Close) emit(item.text);
    else if (Array.isArray(item)) {
      emit('[');
      stack.push(new Close(']'));
      for (let index = item.length - 1; index >= 0; index--) stack.push(item[index], ...(index > 0 ? [new Close(',')] : []));
    } else if (item !== null && typeof item === 'object') {
      emit('{');
      stack.push(new Close('}'));
      const entries = Object.entries(item);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, field] = entries[index]!;
        stack.push(field, new Close(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`));
      }
    } else emit(JSON.stringify(item) ?? 'null');
  }
  return out.join('').slice(0, maxChars);
}

class Close {
  constructor(readonly text: string) {}
}
