import { unescapeMrkdwn } from '../render/mrkdwn.js';

/**
 * What an attendee pasted from their terminal, read as a question. An error message, a log excerpt or
 * a command's output arrives with or without words around it, in a code block or not, coloured,
 * time-stamped, with stack frames. The FAQ reads the lines that say what went wrong and the
 * attendee's own words, without the noise (timestamps, ids, frames, source references), and knows
 * when a paste shows no problem and asks nothing (a `docker ps` listing, a working `minimesos info`).
 */
export interface Message {
  /** The text to read as the question: the lines that matter, cleaned, at most `budget` characters. */
  text: string;
  /** Whether it is terminal output (several lines, a code block, colour codes or a log line), not a typed question. */
  paste: boolean;
  /** Whether a line reports a failure (an error, an exception, a refused connection, a failed task…). */
  failure: boolean;
  /** Whether the attendee asks or complains about something ("help?", "why", "it never starts"). */
  asks: boolean;
}

/** Beyond this, a message is not read at all: a paste this long is noise past its start. */
const MAX_READ = 200_000;
/** A line is read up to here: past it, a line is a dump (a JSON document, a minified file), not a message. */
const MAX_LINE = 2_000;
// Every pattern below is bounded or anchored, so that a 200,000-character paste is read in milliseconds.
/** Terminal colours and cursor moves: `ESC [ … letter`. */
const ANSI = /\p{Cc}\[[0-?]*[ -/]*[@-~]/gu;
/** Characters that show as nothing and split words: zero-width space, joiners, BOM. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
/** Slack's broadcasts and mentions: nobody's words about the course. */
const SLACK_MENTION = /<!(?:channel|here|everyone|subteam\^[^<>]*)(?:\|[^<>]*)?>|<@[UW][A-Z0-9]+(?:\|[^<>]*)?>/g;
/** A line that only shows where code was: a Java/Scala stack frame or its "... 12 more". */
const STACK_FRAME = /^\s*(?:at\s+[\w$.<>/-]+\(.*\)|\.\.\.\s*\d+\s+more)\s*$/;
/** A line of terminal output, even alone: a log line's timestamp, a shell prompt, a Java exception, a JSON error, a command's own error. */
const OUTPUT_LINE =
  /^\s*(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d|[IWEF]\d{4} \d\d:\d\d:\d\d|(?:\S{0,60}[@~:]\S{0,60})?[$#%] |\[zk: |Exception in thread |\{"message"|[\w.]+Exception: |(?:curl|docker|docker-machine|minimesos|bash|zsh|sh|java): )/;
/** A shell prompt, or ZooKeeper's: the line is a command the attendee ran. */
const PROMPT = /^\s*(?:\[zk: [^\]]{0,120}\]|(?:\S{0,60}[@~:]\S{0,60})?[$#%>])\s+(?=\S)/;

/** What only says where and when: timestamps, glog prefixes, source references, log levels, prompts. */
const NOISE: Array<[RegExp, string]> = [
  [PROMPT, ''],
  [/^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+[\w.-]+:\d+\]/, ' '],
  [/\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?\]?/g, ' '],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, ' '],
  [/\(\s*[\w$./-]{1,200}(?:\.(?:java|scala|cpp|hpp|cc|py|go|js|ts))?:\d+\)|\b[\w$-]{1,80}\.(?:java|scala|cpp|hpp|cc):\d+\]?/g, ' '],
  // A bracketed token with no space in it: a thread, a logger, an id (`[main-SendThread(localhost:2181)…]`, `[myid:]`).
  [/\[(?=[^\]\s]{0,120}[(:@])[^\]\s"']{1,120}\]/g, ' '],
  [/\[?\b(?:INFO|DEBUG|TRACE|WARN|WARNING|NOTICE)\b\]?/g, ' '],
  [/\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/gi, ' '],
];
/** A Java class's full name (`org.newsclub.net.unix.AFUNIXSocketException`): its package and a "class" before it say nothing. */
const QUALIFIED_CLASS = /\b(?:class:?\s+)?(?:[a-z_][\w$]{0,60}\.){2,12}[A-Z][\w$]*/g;
/** An address on Docker's default bridge network (`172.17.0.4`). */
const DOCKER_BRIDGE_ADDRESS = /\b172\.17\.\d{1,3}\.\d{1,3}\b/g;
/** A run of letters and digits that is an id (a cluster id, a task's uuid, an offer id), not a word. */
const ID_RUN = /\b[a-z0-9]*\d[a-z0-9]*/gi;

/** A line that reports something going wrong (a program's own crash too: `KeyError:`, `npm ERR!`, a traceback, an exit status). */
const FAILURE =
  /\berr!|\b(?:\w*errors?|\w*exception|traceback|panic|segmentation fault|segfault|core dumped|out of memory|oom\w*|killed|exit(?:ed)? (?:with )?(?:status|code) [1-9]\d*|failed|failure|fatal|refused|denied|not found|cannot|can't|couldn't|could not|unable|timed out|timeout|no such|not supported|invalid|not valid|rejected|locked|declined offer|declining \d|launched 0 tasks|abort\w*|has been removed|not running|already (?:exists|running)|unknown (?:option|command)|usage:|no leader|unavailable|did not register|waiting|task_(?:failed|lost|error|killed|staging|dropped|unreachable|gone)|missing|malformed)\b/i;
/** A line in the first person: the attendee's own words ("ps worked until I deployed elasticsearch"), not the machine's. */
const PERSONAL = /\b(?:i|i'm|im|i've|ive|my|me|we|our)\b/i;
/** The attendee asking, or saying something does not work. */
const ASKING =
  /\?|\b(?:help|why|what|whats|how|where|which|who|when|anyone|any idea|pls|please|plz|stuck|broken|wrong|normal|never|doesn'?t|does not|don'?t|won'?t|isn'?t|not work\w*|supposed|expected|should|bug|issue|problem|crash\w*|keeps? (?:restarting|failing|dying|crashing)|restart loop)\b/i;

/** The message as the FAQ reads it; `budget`: how many characters of it are read. */
export function readMessage(message: string, budget: number): Message {
  const raw = message.slice(0, MAX_READ);
  const coloured = raw.search(ANSI) !== -1;
  const fenced = raw.includes('```');
  const text = unescapeMrkdwn(raw.replace(ANSI, '').replace(INVISIBLE, '').replace(SLACK_MENTION, ' ').replace(/```/g, '\n'));
  const rawLines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const paste = coloured || fenced || rawLines.length > 1 || rawLines.some((line) => OUTPUT_LINE.test(line));
  if (!paste) {
    const line = text.trim().slice(0, budget);
    return { text: line, paste, failure: FAILURE.test(line), asks: ASKING.test(line) };
  }
  const seen = new Set<string>();
  const lines: Line[] = [];
  for (const rawLine of rawLines) {
    const cut = rawLine.slice(0, MAX_LINE);
    if (STACK_FRAME.test(cut)) continue;
    const line = clean(cut);
    // A log repeats itself: one line of each kind is enough (its numbers aside).
    const kind = line.replace(/\d+/g, '#');
    if (line === '' || seen.has(kind)) continue;
    seen.add(kind);
    const asks = ASKING.test(line);
    lines.push({ line, failure: FAILURE.test(line), asks, own: asks || PERSONAL.test(line), command: PROMPT.test(cut) });
  }
  const failure = lines.some((entry) => entry.failure);
  // Where something failed, that line says what the paste is about, with the command that was run and the
  // attendee's words; the rest of the output (tables, JSON, markup) only adds words the answer is not about.
  const telling = failure ? lines.filter((entry) => entry.failure || entry.own || entry.command) : lines;
  return { text: selected(telling, budget), paste, failure, asks: lines.some((entry) => entry.asks) };
}

interface Line {
  line: string;
  failure: boolean;
  asks: boolean;
  /** The attendee's words: a question, a complaint, a sentence in the first person. */
  own: boolean;
  command: boolean;
}

/** A line without its noise, a qualified class name as its own name. */
function clean(line: string): string {
  let cleaned = line;
  for (const [pattern, replacement] of NOISE) cleaned = cleaned.replace(pattern, replacement);
  if (/[a-z_]\.[A-Z]/.test(cleaned)) cleaned = cleaned.replace(QUALIFIED_CLASS, ' ');
  cleaned = cleaned.replace(ID_RUN, (run) => ((run.match(/\d/g)?.length ?? 0) >= 6 ? '' : run));
  // Docker's bridge, where every minimesos container has its address: the subnet is what the topics talk about.
  cleaned = cleaned.replace(DOCKER_BRIDGE_ADDRESS, '172.17');
  return cleaned.replace(/\s+/g, ' ').trim();
}

/**
 * The lines that fit in `budget`: first the failures and the attendee's own words, then the first
 * and last lines (where a question before or after the paste is), then the rest; in their order.
 */
function selected(lines: Line[], budget: number): string {
  const rank = (entry: (typeof lines)[number], index: number) =>
    entry.failure || entry.own ? 0 : index === 0 || index === lines.length - 1 ? 1 : 2;
  const order = lines.map((entry, index) => ({ index, rank: rank(entry, index) })).sort((a, b) => a.rank - b.rank || a.index - b.index);
  const kept = new Set<number>();
  let length = 0;
  for (const { index } of order) {
    const size = lines[index]!.line.length + 1;
    if (length + size > budget) continue;
    kept.add(index);
    length += size;
  }
  // One line longer than the whole budget: its start.
  if (kept.size === 0) return (lines[0]?.line ?? '').slice(0, budget);
  return lines
    .filter((_entry, index) => kept.has(index))
    .map((entry) => entry.line)
    .join('\n');
}
