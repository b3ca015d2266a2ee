import { quote, UserError } from '../errors.js';

/**
 * Splits command text like a shell would: words, "double" or 'single' quoted strings, and
 * Slack's smart quotes (clients replace " with “ ”), plus `--flag value`, `--flag=value`, `key=value`.
 */
export function tokenize(text: string): string[] {
  const normalised = plainQuotes(text);
  const tokens: string[] = [];
  let current = '';
  let quote: string | null = null;
  let hasToken = false;
  for (const char of normalised) {
    if (quote) {
      if (char === quote) quote = null;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      hasToken = true;
    } else if (/\s/.test(char)) {
      if (hasToken) tokens.push(current);
      current = '';
      hasToken = false;
    } else {
      current += char;
      hasToken = true;
    }
  }
  if (quote) throw new UserError(`A quote (${quote}) is not closed.`, 'Close the quote, or leave quotes out.');
  if (hasToken) tokens.push(current);
  return tokens;
}

/** Slack clients turn " and ' into typographic quotes; commands and pasted files mean the plain ones. */
export function plainQuotes(text: string): string {
  return text.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
}

/**
 * Phones and macOS's smart punctuation turn a typed `--` into an em or en dash: `—dm`, `–agents 3`
 * mean the option. Only a word that starts with one, followed by a letter, is read so.
 */
export function plainDashes(word: string): string {
  return word.replace(/^[—–]-?(?=[a-zA-Z])/, '--');
}

export interface FlagSpec {
  /** `boolean` flags take no value. */
  type: 'string' | 'integer' | 'boolean';
  min?: number;
  max?: number;
  description?: string;
}

export interface ParsedArgs {
  positional: string[];
  /** Null-prototype: only the flags the spec declares are ever set. */
  flags: Record<string, string | number | boolean>;
  /** key=value pairs (e.g. `master=http://…`); null-prototype, so `__proto__=x` is an ordinary key. */
  pairs: Record<string, string>;
}

/** Parses tokens against the flags a command accepts; anything unknown or malformed is a UserError naming it. */
export function parseArgs(text: string, spec: Record<string, FlagSpec>, usage: string): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], flags: Object.create(null), pairs: Object.create(null) };
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const token = plainDashes(tokens[i]!);
    if (token.startsWith('--')) {
      const [rawName, inlineValue] = splitOnce(token.slice(2), '=');
      // Own properties only: `--constructor` or `--__proto__` must not find Object.prototype's.
      const flag = Object.hasOwn(spec, rawName) ? spec[rawName] : undefined;
      if (!flag) {
        const known =
          Object.keys(spec)
            .map((name) => `--${name}`)
            .join(', ') || 'none';
        throw new UserError(`Unknown option ${quote(`--${rawName}`)}. Options here: ${known}.`, `Usage: ${usage}`);
      }
      if (flag.type === 'boolean') {
        if (inlineValue !== undefined) throw new UserError(`--${rawName} takes no value.`, `Usage: ${usage}`);
        parsed.flags[rawName] = true;
        continue;
      }
      const value = inlineValue ?? tokens[++i];
      if (value === undefined || value === '') throw new UserError(`--${rawName} needs a value.`, `Usage: ${usage}`);
      parsed.flags[rawName] = flag.type === 'integer' ? parseInteger(rawName, value, flag, usage) : value;
    } else if (/^[a-zA-Z][\w-]*=/.test(token)) {
      const [key, value] = splitOnce(token, '=');
      parsed.pairs[key] = value ?? '';
    } else {
      parsed.positional.push(token);
    }
  }
  return parsed;
}

function parseInteger(name: string, value: string, flag: FlagSpec, usage: string): number {
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw new UserError(`--${name} must be a whole number, not ${quote(value)}.`, `Usage: ${usage}`);
  }
  if ((flag.min !== undefined && number < flag.min) || (flag.max !== undefined && number > flag.max)) {
    throw new UserError(`--${name} must be between ${flag.min} and ${flag.max}; you gave ${number}.`, `Usage: ${usage}`);
  }
  return number;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
