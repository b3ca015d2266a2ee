import { SIMULATOR_NOTE } from './about.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (app ids, task names: user input) made safe inside HTML text and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** A tagged template whose `${}` values are escaped; nest `html` results (or arrays of them) to keep them as markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0]!;
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1]!;
  });
  return new Markup(out);
}

export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

function render(value: unknown): string {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** A plain page of the simulator: its heading says what it is, and a line says what a simulator is not. */
export function simPage(title: string, body: Markup): string {
  return html`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
.note { background: #fff6d6; padding: 0.5em; border: 1px solid #e6d38c; }
</style>
</head>
<body>
<h1>${title}</h1>
<p class="note">${SIMULATOR_NOTE}</p>
${body}
</body>
</html>
`.text;
}

/** A table with a header row; an empty list says so instead. */
export function table(headers: string[], rows: unknown[][], empty: string): Markup {
  if (rows.length === 0) return html`<p><em>${empty}</em></p>`;
  return html`<table>
<tr>${headers.map((header) => html`<th>${header}</th>`)}</tr>
${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>\n`)}</table>`;
}
