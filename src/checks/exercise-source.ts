import { readFileSync, statSync } from 'node:fs';
import { type Document, LineCounter, parseDocument, type YAMLError } from 'yaml';

/** An exercise file is a few KB (the shipped ones are 3–6 KB); past this it is refused before it is parsed. */
export const MAX_EXERCISE_FILE_BYTES = 256 * 1024;

/** Deepest bracket nesting read; the YAML parser recurses per level, so a file of brackets would take seconds, then overflow. */
const MAX_NESTING = 100;

/** Most times the aliases (`*name`) of one file may be expanded: enough for any reuse, far short of a "billion laughs". */
const MAX_ALIAS_COUNT = 200;

export interface ParsedSource {
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The file as plain data (what the schema validates). */
  raw: unknown;
}

/**
 * Reads one exercise file as an instructor wrote it: UTF-8 (a BOM and CRLF line ends are fine), one
 * YAML document, anchors, aliases and `<<` merge keys allowed. Anything else becomes problems that
 * say what to do (`source:line:col: …`), and `undefined`: nothing is thrown, nothing hangs.
 */
export function readExerciseSource(path: string, source: string, problems: string[]): ParsedSource | undefined {
  const text = readText(path, source, problems, EXERCISE);
  if (text === undefined) return undefined;
  const tooDeep = nestingPast(text, MAX_NESTING);
  if (tooDeep !== undefined) {
    problems.push(
      `${source}:${lineOf(text, tooDeep)}: not valid YAML: brackets nested more than ${MAX_NESTING} deep: an exercise needs a few levels`,
    );
    return undefined;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: true });
  const errors = [...document.errors, ...document.warnings.filter((warning) => warning.code === 'TAG_RESOLVE_FAILED')];
  if (errors.length > 0) {
    // The first error is the one to fix: the others often only follow from it (one tab makes eight).
    const first = errors.sort((a, b) => a.pos[0] - b.pos[0])[0]!;
    const at = first.linePos?.[0];
    problems.push(`${source}${at ? `:${at.line}:${at.col}` : ''}: ${describeYamlError(first, text)}`);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    problems.push(`${source}: its aliases (*name) expand to too much data: reuse an anchor a few times at most, or write the text out`);
    return undefined;
  }
  return { document, lineCounter, raw };
}

/** What a refusal says about the kind of file: an exercise, or a file an exercise names (`files:`). */
interface FileKind {
  folder: string;
  tooBig: string;
}
const EXERCISE: FileKind = {
  folder: 'an exercise is one NN-name.yaml file (its files go under files/)',
  tooBig: 'an exercise file is a few KB',
};
const NAMED_FILE: FileKind = { folder: 'name a file in it', tooBig: "an exercise's minimesosFile or Marathon JSON is a few KB" };

/**
 * A file an exercise names (`files:`), read with the same care as the exercise: a folder, a huge
 * file or one not in UTF-8 is a problem that says so (`shown` starts it), never a crash or garbled text.
 */
export function readNamedFile(path: string, shown: string, problems: string[]): string | undefined {
  return readText(path, shown, problems, NAMED_FILE);
}

function readText(path: string, shown: string, problems: string[], kind: FileKind): string | undefined {
  const bytes = readBytes(path, shown, problems, kind);
  return bytes && decode(bytes, shown, problems);
}

function readBytes(path: string, source: string, problems: string[], kind: FileKind): Buffer | undefined {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      problems.push(`${source}: is a folder, not a file: ${kind.folder}`);
      return undefined;
    }
    if (stat.size > MAX_EXERCISE_FILE_BYTES) {
      problems.push(
        `${source}: is ${kilobytes(stat.size)}; ${kind.tooBig} (at most ${kilobytes(MAX_EXERCISE_FILE_BYTES)})${kind === EXERCISE ? ': split it into several exercises' : ''}`,
      );
      return undefined;
    }
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ELOOP' ? 'it is a symbolic link that points at itself' : code === 'ENOENT' ? 'it is a broken symbolic link' : code;
    problems.push(`${source}: cannot be read (${why})`);
    return undefined;
  }
}

function kilobytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The file's text; `undefined` (with a problem naming the line) when it is not UTF-8. */
function decode(bytes: Buffer, source: string, problems: string[]): string | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    problems.push(`${source}: is saved as UTF-16: save it as UTF-8 (in most editors: Save with Encoding → UTF-8)`);
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const line = firstInvalidLine(bytes);
    problems.push(
      `${source}:${line}: is not UTF-8 (line ${line} has a character in another encoding, such as Latin-1 or Windows-1252): save the file as UTF-8`,
    );
    return undefined;
  }
}

/** Where `[`/`{` first open past `limit` levels (counting brackets in text too: no real file comes close). */
function nestingPast(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '[' || char === '{') {
      if (++depth > limit) return index;
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return undefined;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

function firstInvalidLine(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index < bytes.length && bytes[index] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(start, index));
    } catch {
      return line;
    }
    line++;
    start = index + 1;
  }
  return line;
}

/** The YAML library's message, with what to write instead for the mistakes people make by hand. */
function describeYamlError(error: YAMLError, text: string): string {
  const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return 'not valid YAML: a tab indents this line; YAML indents with spaces only';
    case 'MULTIPLE_DOCS':
      return 'not valid YAML: a second document starts here (---): one exercise per file, so put it in its own NN-name.yaml';
    case 'DUPLICATE_KEY': {
      const key = /^[^\s:]+/.exec(text.slice(error.pos[0]))?.[0];
      return `not valid YAML: ${key ? `${key} is` : 'a field is'} given twice at this level: keep one`;
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return `not valid YAML: ${message}; a value with ": " or "#" in it needs quotes, like title: "Step 1: start"`;
    case 'TAG_RESOLVE_FAILED':
      return `${message.replace('Unresolved tag: ', 'the tag ')} is not something exercise files understand: write the value itself`;
    default:
      // The parser recurses per level: `- - - - …` thousands deep overflows it.
      return /Maximum call stack/.test(message) ? 'not valid YAML: lists nested too deeply for an exercise' : `not valid YAML: ${message}`;
  }
}
