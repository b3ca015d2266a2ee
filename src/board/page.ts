import type { ClusterStatus } from '../clusters/cluster-record.js';
import type { BoardRow, RoomSnapshot, StepMark } from './room.js';

/** Rows per table: a room of any size flows into side-by-side tables that fit a projector. */
const ROWS_PER_TABLE = 25;
/**
 * Past this many attendees the grid is dense (smaller rows, longer tables): a 1920×1080 projector
 * shows about 200 of them at once instead of 70, and the page turns through the rest by itself.
 */
export const DENSE_AFTER = 100;
const DENSE_ROWS_PER_TABLE = 40;
/** How many of the longest-stuck attendees the board names. */
const STUCK_SHOWN = 8;

const MARKS: Record<StepMark, { icon: string; label: string }> = {
  pass: { icon: '✅', label: 'passed' },
  fail: { icon: '❌', label: 'not passing yet' },
  todo: { icon: '⏳', label: 'not checked yet' },
};

const CLUSTER_WORDS: Record<ClusterStatus | 'none', string> = {
  ready: 'ready',
  provisioning: 'building',
  queued: 'queued',
  failed: 'failed',
  removing: 'removing',
  none: 'no cluster',
};

/** Every character HTML could read as markup, as an entity: names are whatever people set in Slack. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The whole page: the board (as boardFragment renders it) and a small script that replaces it with
 * each version the server sends over server-sent events. The script and style carry the response's
 * nonce: the page's Content-Security-Policy runs nothing else.
 */
export function boardPage(snapshot: RoomSnapshot, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Workshop board</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="board">${boardFragment(snapshot)}</main>
<footer><span id="status" data-state="connecting">Connecting…</span></footer>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The board in parts, so a change can be sent as the parts it changed: `head` (exercise, totals,
 * counts per step, who is stuck longest) and one `rows` entry per attendee; `keys` say whose each
 * row is (user ids: compared on the server, never sent) and `layout` how the grid is laid out.
 */
export interface BoardParts {
  head: string;
  rows: string[];
  keys: string[];
  layout: { dense: boolean; steps: number };
}

/** The board itself: the exercise and totals, who is stuck longest, and the grid of attendees × steps. */
export function boardFragment(snapshot: RoomSnapshot): string {
  return joinParts(boardParts(snapshot));
}

export function boardParts(snapshot: RoomSnapshot): BoardParts {
  const { exercise, rows } = snapshot;
  const source = snapshot.source === 'started' ? 'started by the instructor' : 'where most attendees are';
  const totals = (Object.keys(CLUSTER_WORDS) as Array<ClusterStatus | 'none'>)
    .filter((status) => snapshot.clusters[status] > 0 || status === 'ready')
    .map((status) => `<li class="cluster-${status}"><b>${snapshot.clusters[status]}</b> ${CLUSTER_WORDS[status]}</li>`)
    .join('');
  const head = `<header>
<h1><span class="number">${exercise.number}.</span> ${escapeHtml(exercise.title)}</h1>
<p class="source">${source}</p>
<ul class="totals"><li class="finished"><b>${snapshot.finished}</b> of ${rows.length} finished</li>${totals}</ul>
</header>
<ol class="legend">${exercise.steps.map((step, index) => `<li><b>${index + 1}</b> ${escapeHtml(step.title)} ${stepCount(rows, index)}</li>`).join('')}</ol>
${stuckSection(snapshot)}`;
  return {
    head,
    rows: rows.map(gridRow),
    keys: rows.map((row) => row.user),
    layout: { dense: rows.length > DENSE_AFTER, steps: exercise.steps.length },
  };
}

/** The whole board from its parts. */
export function joinParts({ head, rows, layout }: BoardParts): string {
  return `<div id="board-head">${head}</div>
<section class="grid${layout.dense ? ' dense' : ''}" aria-label="Attendees and steps">${
    rows.length === 0
      ? '<p class="empty">Nobody has used the bot yet: attendees appear here with their first command.</p>'
      : chunk(rows, layout.dense ? DENSE_ROWS_PER_TABLE : ROWS_PER_TABLE)
          .map((part) => gridTable(part, layout.steps))
          .join('')
  }</section>`;
}

/**
 * What changed from `before` to `after`, when only the head and rows in place did (the same people
 * in the same order and layout): the head if it changed, and each changed row by its index.
 * Undefined when the grid itself changed (someone came, a name moved in the order): send it whole.
 */
export function partsChange(before: BoardParts, after: BoardParts): { head?: string; rows: Array<[number, string]> } | undefined {
  const sameGrid =
    before.layout.dense === after.layout.dense &&
    before.layout.steps === after.layout.steps &&
    before.keys.length === after.keys.length &&
    before.keys.every((key, index) => key === after.keys[index]);
  if (!sameGrid) return undefined;
  const rows = after.rows.flatMap((row, index): Array<[number, string]> => (row === before.rows[index] ? [] : [[index, row]]));
  return { ...(after.head === before.head ? {} : { head: after.head }), rows };
}

/** How many passed a step, the room at a glance: what a big room's grid is too long to show on one screen. */
function stepCount(rows: BoardRow[], index: number): string {
  const passed = rows.filter((row) => row.marks[index] === 'pass').length;
  return `<span class="count" title="passed this step">${passed}&#8201;✅</span>`;
}

function stuckSection(snapshot: RoomSnapshot): string {
  if (snapshot.stuck.length === 0) return '';
  const items = snapshot.stuck
    .slice(0, STUCK_SHOWN)
    .map(
      (row) =>
        `<li><bdi class="name">${escapeHtml(row.name)}</bdi> <span class="step">on “${escapeHtml(row.stuck!.step)}”</span> <span class="for">${duration(snapshot.takenAt - row.stuck!.since)}</span></li>`,
    )
    .join('');
  const more = snapshot.stuck.length > STUCK_SHOWN ? `<p class="more">and ${snapshot.stuck.length - STUCK_SHOWN} more</p>` : '';
  return `<section class="stuck"><h2>Stuck longest</h2><ol>${items}</ol>${more}</section>`;
}

function gridTable(rows: string[], steps: number): string {
  const head = Array.from({ length: steps }, (_unused, index) => `<th scope="col">${index + 1}</th>`).join('');
  return `<table><thead><tr><th scope="col">Attendee</th><th scope="col">Cluster</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function gridRow(row: BoardRow): string {
  const cluster = row.cluster ?? 'none';
  const marks = row.marks.map((mark) => `<td class="mark ${mark}" title="${MARKS[mark].label}">${MARKS[mark].icon}</td>`).join('');
  return `<tr><th scope="row" class="name"><bdi>${escapeHtml(row.name)}</bdi></th><td class="cluster cluster-${cluster}">${CLUSTER_WORDS[cluster]}</td>${marks}</tr>`;
}

/** "just now", "4 min", "1 h 05 min". */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

const STYLE = `
:root { color-scheme: dark; --bg: #10161d; --fg: #e8eef4; --dim: #8a99a8; --line: #243140; --ready: #3fb950; --building: #d29922; --failed: #f85149; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem 2rem 3rem; background: var(--bg); color: var(--fg); font: 18px/1.35 system-ui, sans-serif; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.5rem; }
h1 { margin: 0; font-size: 2.2rem; }
h1 .number, .source, .more, .empty { color: var(--dim); }
.source { margin: 0; }
.totals { display: flex; gap: 1.25rem; margin: 0 0 0 auto; padding: 0; list-style: none; font-size: 1.2rem; }
.totals b { font-size: 1.6rem; }
.cluster-ready b, td.cluster-ready { color: var(--ready); }
.cluster-provisioning b, .cluster-queued b, td.cluster-provisioning, td.cluster-queued { color: var(--building); }
.cluster-failed b, td.cluster-failed { color: var(--failed); }
.legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 1rem 0; padding: 0; list-style: none; color: var(--dim); }
.legend b { color: var(--fg); }
.stuck { margin: 1rem 0; padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 8px; }
.stuck h2 { margin: 0 0 0.5rem; font-size: 1.1rem; color: var(--building); }
.stuck ol { display: flex; flex-wrap: wrap; gap: 0.25rem 2rem; margin: 0; padding-left: 1.25rem; }
.stuck .name { display: inline-block; max-width: 14rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
.stuck .step { color: var(--dim); }
.stuck .for { font-weight: bold; }
.grid { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 1rem 2rem; }
table { border-collapse: collapse; }
th, td { padding: 0.15rem 0.45rem; border-bottom: 1px solid var(--line); text-align: center; white-space: nowrap; }
th.name { text-align: left; max-width: 14rem; overflow: hidden; text-overflow: ellipsis; font-weight: normal; }
thead th { color: var(--dim); font-weight: normal; }
td.cluster { font-size: 0.85rem; }
td.mark { font-size: 1.25rem; line-height: 1.2; }
.legend .count { color: var(--fg); font-weight: bold; margin-left: 0.25rem; }
.grid.dense { gap: 0.75rem 1.25rem; font-size: 14px; }
.grid.dense th, .grid.dense td { padding: 0 0.3rem; }
.grid.dense th.name { max-width: 10rem; }
.grid.dense td.cluster { font-size: 0.75rem; }
.grid.dense td.mark { font-size: 0.95rem; line-height: 1.25; }
footer { position: fixed; right: 1rem; bottom: 0.5rem; color: var(--dim); font-size: 0.9rem; }
#status[data-state="live"]::before { content: "● "; color: var(--ready); }
#status[data-state="closed"] { color: var(--failed); }
`;

/** How long each screen of a board longer than the screen stays before the page turns. */
export const PAGE_TURN_MS = 10_000;

/**
 * Replaces the board with each version the server sends. EventSource reconnects by itself after a
 * dropped connection; an answer other than 200 stops it, so the script asks the page itself: a 404
 * means the link was replaced (said so, and it stops), anything else is tried again shortly.
 */
const SCRIPT = `
(() => {
  const board = document.getElementById('board');
  const status = document.getElementById('status');
  const show = (state, text) => { status.dataset.state = state; status.textContent = text; };
  const eventsUrl = location.pathname.replace(/\\/+$/, '') + '/events';
  const connect = () => {
    const events = new EventSource(eventsUrl);
    const updated = () => show('live', 'Live · updated ' + new Date().toLocaleTimeString());
    events.addEventListener('board', (event) => {
      board.innerHTML = JSON.parse(event.data).html;
      updated();
    });
    // Only what changed: the head, and rows in place (by their index in the grid).
    events.addEventListener('rows', (event) => {
      const change = JSON.parse(event.data);
      if (change.head !== undefined) document.getElementById('board-head').innerHTML = change.head;
      const rows = board.querySelectorAll('tbody tr');
      for (const [index, html] of change.rows) rows[index].outerHTML = html;
      updated();
    });
    events.addEventListener('problem', (event) => show('reconnecting', JSON.parse(event.data).message));
    events.addEventListener('error', () => {
      if (events.readyState !== EventSource.CLOSED) { show('reconnecting', 'Reconnecting…'); return; }
      fetch(location.href, { method: 'HEAD', cache: 'no-store' }).then(
        (answer) => answer.status === 404
          ? show('closed', 'This link no longer works: the instructor made a new one (/workshop board).')
          : retry(),
        retry,
      );
    });
  };
  const retry = () => { show('reconnecting', 'Reconnecting…'); setTimeout(connect, 5000); };
  connect();
  // A room longer than the screen: the page turns by itself, as a board at a station does; anyone
  // scrolling or pressing a key holds it where they are for a minute.
  let heldUntil = 0;
  for (const type of ['wheel', 'keydown', 'mousedown', 'touchstart'])
    addEventListener(type, () => { heldUntil = Date.now() + 60000; }, { passive: true });
  setInterval(() => {
    const last = document.documentElement.scrollHeight - innerHeight;
    if (last <= 0 || Date.now() < heldUntil) return;
    scrollTo({ top: scrollY >= last - 2 ? 0 : Math.min(last, scrollY + innerHeight - 80), behavior: 'smooth' });
  }, ${PAGE_TURN_MS});
})();
`;
