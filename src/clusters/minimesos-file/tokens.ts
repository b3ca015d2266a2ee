import { CURLY_HINT, CURLY_QUOTES, UserError } from '../../errors.js';
import { escapeMrkdwn } from '../../render/mrkdwn.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'symbol' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** The value of a string/number token (strings unquoted, numbers parsed). */
  value?: string | number;
  line: number;
  column: number;
}

/** A minimesosFile mistake: where it is and what was expected, plus minimesos' own words when it has them. */
export class MinimesosFileError extends UserError {
  constructor(
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`minimesosFile line ${line}, column ${column}: ${detail}`, 'Fix that line, or start again from `/cluster init`.');
    this.name = 'MinimesosFileError';
  }
}

/**
 * Splits the Groovy subset minimesosFiles use: identifiers, = { } ;, "…" '…' """…""" strings,
 * numbers, // and /* *\/ comments. Newlines are kept: they end a property like `;` does.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let column = 1;
  const advance = (count: number) => {
    for (let i = 0; i < count; i++) {
      if (source[index] === '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      index++;
    }
  };
  while (index < source.length) {
    const rest = source.slice(index);
    const char = source[index]!;
    const start = { line, column };
    if (char === '\n') {
      tokens.push({ kind: 'newline', text: '\n', ...start });
      advance(1);
    } else if (/\s/.test(char)) {
      advance(1);
    } else if (rest.startsWith('//')) {
      const end = rest.indexOf('\n');
      advance(end === -1 ? rest.length : end);
    } else if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/', 2);
      if (end === -1) throw new MinimesosFileError(start.line, start.column, 'this /* comment is never closed with */');
      advance(end + 2);
    } else if (rest.startsWith('"""') || rest.startsWith("'''")) {
      const quote = rest.slice(0, 3);
      const end = rest.indexOf(quote, 3);
      if (end === -1) throw new MinimesosFileError(start.line, start.column, `this ${quote} string is never closed`);
      tokens.push({ kind: 'string', text: rest.slice(0, end + 3), value: rest.slice(3, end), ...start });
      advance(end + 3);
    } else if (char === '"' || char === "'") {
      let end = 1;
      let value = '';
      while (end < rest.length && rest[end] !== char) {
        if (rest[end] === '\n')
          throw new MinimesosFileError(start.line, start.column, `this string is not closed before the end of the line (missing ${char})`);
        if (rest[end] === '\\' && end + 1 < rest.length) {
          value += unescapeChar(rest[end + 1]!);
          end += 2;
        } else {
          value += rest[end];
          end += 1;
        }
      }
      if (end >= rest.length) throw new MinimesosFileError(start.line, start.column, `this string is never closed (missing ${char})`);
      // A one-line string holds a name, tag or URL: a placeholder there was never filled in (the image would be `…:{{ tag }}`).
      const at = rest.slice(1, end).search(PLACEHOLDER);
      if (at !== -1) throw placeholderError(start.line, start.column + 1 + at, rest.slice(1 + at));
      tokens.push({ kind: 'string', text: rest.slice(0, end + 1), value, ...start });
      advance(end + 1);
    } else if (rest.search(PLACEHOLDER) === 0) {
      throw placeholderError(start.line, start.column, rest);
    } else if (/[-\d]/.test(char) && /^-?\d/.test(rest)) {
      const match = /^-?\d+(\.\d+)?/.exec(rest)!;
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), ...start });
      advance(match[0].length);
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*/.exec(rest)!;
      tokens.push({ kind: 'ident', text: match[0], ...start });
      advance(match[0].length);
    } else if ('{}=;'.includes(char)) {
      tokens.push({ kind: 'symbol', text: char, ...start });
      advance(1);
    } else {
      throw new MinimesosFileError(
        start.line,
        start.column,
        `unexpected character '${escapeMrkdwn(char)}'${CURLY_QUOTES.test(char) ? CURLY_HINT : ''}`,
      );
    }
  }
  tokens.push({ kind: 'eof', text: 'end of file', line, column });
  return tokens;
}

/** A template's or a script's placeholders (Jinja, shell), which minimesos never fills in. */
const PLACEHOLDER = /\{\{|\{%|\$\{/;

function placeholderError(line: number, column: number, from: string): MinimesosFileError {
  return new MinimesosFileError(
    line,
    column,
    `${from.slice(0, 2)} … is a placeholder of a template or script, not minimesosFile syntax: send the file with the placeholders filled in`,
  );
}

function unescapeChar(char: string): string {
  return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[char] ?? char;
}
