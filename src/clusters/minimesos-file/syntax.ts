import { quote } from '../../errors.js';
import { MinimesosFileError, type Token, tokenize } from './tokens.js';

export type Scalar = string | number | boolean | null;

export interface PropertyNode {
  kind: 'property';
  name: string;
  value: Scalar;
  /** The value as written: `0.25` for the number 0.25. */
  text: string;
  line: number;
  column: number;
}

export interface BlockNode {
  kind: 'block';
  name: string;
  entries: Array<PropertyNode | BlockNode>;
  line: number;
  column: number;
}

/** Deeper than any minimesosFile nests (4), shallow enough for any stack. */
const MAX_BLOCK_DEPTH = 8;

/** Parses the file into blocks and properties: `minimesos { name = value … block { … } }`. */
export function parseSyntax(source: string): BlockNode {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const skipSeparators = () => {
    while (peek().kind === 'newline' || (peek().kind === 'symbol' && peek().text === ';')) position++;
  };
  const expected = (token: Token, what: string): never => {
    throw new MinimesosFileError(token.line, token.column, `expected ${what}, found ${describe(token)}`);
  };

  skipSeparators();
  if (peek().kind === 'ident' && peek().text === 'package') {
    next();
    if (peek().kind !== 'ident') expected(peek(), 'a package name after "package"');
    next();
    skipSeparators();
  }
  const root = peek();
  if (root.kind !== 'ident' || root.text !== 'minimesos') expected(root, 'the file to start with "minimesos {"');
  next();
  if (peek().kind === 'symbol' && peek().text === '=') {
    throw new MinimesosFileError(
      peek().line,
      peek().column,
      'this is the old "minimesos = {" syntax (minimesos before 0.8); write "minimesos {" instead',
    );
  }
  const block = parseBlockBody(root, 1);
  skipSeparators();
  if (peek().kind !== 'eof') expected(peek(), 'nothing after the closing } of minimesos');
  return block;

  function parseBlockBody(opening: Token, depth: number): BlockNode {
    // minimesos nests 4 deep (minimesos > agent > resources > cpu); recursion must not meet a hostile file's 30,000.
    if (depth > MAX_BLOCK_DEPTH)
      throw new MinimesosFileError(opening.line, opening.column, `blocks nest at most ${MAX_BLOCK_DEPTH} deep here`);
    skipNewlines();
    const brace = next();
    if (brace.kind !== 'symbol' || brace.text !== '{') expected(brace, `"{" after "${opening.text}"`);
    const node: BlockNode = { kind: 'block', name: opening.text, entries: [], line: opening.line, column: opening.column };
    for (;;) {
      skipSeparators();
      const token = next();
      if (token.kind === 'symbol' && token.text === '}') return node;
      if (token.kind === 'eof')
        throw new MinimesosFileError(opening.line, opening.column, `the block "${opening.text} {" is never closed with "}"`);
      if (token.kind !== 'ident') expected(token, `a property or block name inside "${opening.text}"`);
      skipNewlines();
      const after = peek();
      if (after.kind === 'symbol' && after.text === '=') {
        next();
        const text = peek().text;
        node.entries.push({ kind: 'property', name: token.text, value: parseValue(token), text, line: token.line, column: token.column });
        const end = peek();
        if (!(end.kind === 'newline' || end.kind === 'eof' || (end.kind === 'symbol' && (end.text === ';' || end.text === '}'))))
          expected(end, `the end of the line after "${token.text} = …"`);
      } else if (after.kind === 'symbol' && after.text === '{') {
        node.entries.push(parseBlockBody(token, depth + 1));
      } else {
        expected(after, `"=" or "{" after "${token.text}"`);
      }
    }
  }

  function parseValue(name: Token): Scalar {
    const token = next();
    if (token.kind === 'string' || token.kind === 'number') return token.value!;
    if (token.kind === 'ident' && (token.text === 'true' || token.text === 'false')) return token.text === 'true';
    if (token.kind === 'ident' && token.text === 'null') return null;
    return expected(token, `a value (a "string", a number, true, false or null) for "${name.text}"`);
  }

  function skipNewlines(): void {
    while (peek().kind === 'newline') position++;
  }
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the file';
  if (token.kind === 'newline') return 'the end of the line';
  return quote(token.text, 30);
}
