import type { z } from 'zod';
import { damerauLevenshtein } from '../faq/fuzzy.js';

/**
 * What a schema issue means to the person who wrote the file, said in their terms (fields, text,
 * lists) and with what to write instead: the closest field name for a typo, the check types or
 * values allowed, quotes for a number meant as text.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, schema: z.ZodType): string {
  const value = valueAt(raw, issue.path);
  if (issue.path.length === 0) return describeFile(value);
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(objectShape(schemaAt(schema, issue.path, raw)) ?? {});
    return issue.keys
      .map((key) => `unknown field ${key}${guessOf(key, known)}${known.length > 0 ? ` (fields here: ${known.join(', ')})` : ''}`)
      .join('; ');
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'type') {
    const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
    if (value === undefined) return `missing: a check starts with its type, one of ${options.join(', ')}`;
    return `unknown check type ${JSON.stringify(value)}${guessOf(String(value), options)} (types: ${options.join(', ')})`;
  }
  if (value === undefined) {
    if (issue.path.at(-1) === 'check') return 'missing: every step has one check, like check: {type: cluster}';
    return issue.code === 'invalid_type' ? `missing (${KINDS[issue.expected] ?? issue.expected} expected)` : 'missing';
  }
  if (issue.code === 'invalid_value' && typeof value === 'string') {
    const values = issue.values.map(String);
    return `${JSON.stringify(value)} is not one of ${values.join(', ')}${guessOf(value, values)}`;
  }
  if (issue.code === 'invalid_type') return describeType(issue.expected, value, issue.path);
  return issue.message;
}

/** `steps[2] (scale-to-3).check.count` */
export function describePath(path: PropertyKey[], raw: unknown): string {
  if (path.length === 0) return '(the file)';
  let text = '';
  let value: unknown = raw;
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const id = typeof key === 'number' && value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    if (typeof id === 'string') text += ` (${id})`;
  }
  return text;
}

function describeFile(value: unknown): string {
  if (value === null || value === undefined)
    return 'the file is empty: an exercise has id, title, goal and steps (README, "Writing an exercise")';
  return `expected the exercise's fields (id, title, goal, steps), found ${kindOf(value)}`;
}

function describeType(expected: string, value: unknown, path: PropertyKey[]): string {
  const found = kindOf(value);
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    return `expected text, found ${found}: put it in quotes, like "${String(value)}"`;
  if (expected === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return `expected a number, found the text "${value}": write it without quotes`;
  if (expected === 'object' && path.at(-1) === 'check')
    return Array.isArray(value)
      ? 'one check per step, found a list: give each check its own step (the later one with after: <earlier step>)'
      : `expected the check's fields, like {type: cluster}, found ${found}`;
  if (expected === 'array' && typeof value === 'string') return `expected a list, found text: write it as [${value}]`;
  if (expected === 'array' && path.at(-1) === 'steps')
    return `expected a list, found ${found}: start each step with "- id: …" (steps run in the list's order)`;
  return `expected ${KINDS[expected] ?? expected}, found ${found}`;
}

const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'fields (name: value)',
};

function kindOf(value: unknown): string {
  if (value === null) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'fields (name: value)';
  return `${typeof value === 'number' ? 'the number' : ''} ${String(value)}`.trim();
}

/**
 * The issues worth showing: when a field is misspelled (`hints:` for `hint:`), "unknown field hints:
 * did you mean hint?" says it all, so the same object's "hint: missing" (or a rule it breaks only for
 * lack of that field, like a count's "give atLeast, atMost or both") is dropped.
 */
export function withoutMisspelledMissing(issues: z.core.$ZodIssue[], raw: unknown, schema: z.ZodType): z.core.$ZodIssue[] {
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = Object.keys(objectShape(schemaAt(schema, issue.path, raw)) ?? {});
    for (const key of issue.keys) {
      const guess = likelyMeant(key, known);
      if (guess) meant.add(JSON.stringify([...issue.path, guess])).add(JSON.stringify(issue.path));
    }
  }
  const explained = (issue: z.core.$ZodIssue) =>
    meant.has(JSON.stringify(issue.path)) && (issue.code === 'custom' || valueAt(raw, issue.path) === undefined);
  return issues.filter((issue) => !explained(issue));
}

/** Which of `known` `typed` likely means: a typo, another case, a missing prefix (RUNNING for TASK_RUNNING). */
function likelyMeant(typed: string, known: string[]): string | undefined {
  const lower = typed.toLowerCase();
  return (
    known.find((name) => name.toLowerCase() === lower) ??
    known.find((name) => damerauLevenshtein(name.toLowerCase(), lower, 3) <= 2) ??
    known.find((name) => lower.length >= 3 && name.toLowerCase().endsWith(`_${lower}`))
  );
}

function guessOf(typed: string, known: string[]): string {
  const guess = likelyMeant(typed, known);
  return guess ? `: did you mean ${guess}?` : '';
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema that validates the value at `path` (through optionals, defaults, transforms and unions). */
function schemaAt(schema: z.ZodType, path: PropertyKey[], raw: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema, raw);
  let value = raw;
  for (const key of path) {
    if (!current) return undefined;
    const def = defOf(current);
    current = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : undefined;
    value = valueAt(value, [key]);
    current = current && unwrap(current, value);
  }
  return current;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType, value);
  if (def.type === 'pipe' && def.in) return unwrap(def.in, value);
  if (def.type !== 'union') return schema;
  const options = def.options ?? [];
  const discriminator = def.discriminator;
  const kind = Array.isArray(value) ? 'array' : value !== null && typeof value === 'object' ? 'object' : undefined;
  const chosen = discriminator
    ? options.find((option) => defOf(objectShape(option)?.[discriminator] ?? option).values?.includes(valueAt(value, [discriminator])))
    : options.find((option) => defOf(unwrap(option, value) ?? option).type === kind);
  return chosen && unwrap(chosen, value);
}

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  return schema && defOf(schema).type === 'object' ? defOf(schema).shape : undefined;
}
