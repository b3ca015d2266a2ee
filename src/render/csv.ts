/**
 * CSV as RFC 4180 has it (CRLF line ends; a cell with a comma, quote or line break is quoted, its
 * quotes doubled), safe to open in a spreadsheet (OWASP's CSV injection advice): a text cell whose
 * first visible character is `=`, `+`, `-` or `@` (or their full-width forms, to be safe), or that starts with a tab or a carriage return, would be read as a formula there,
 * so it gets a leading `'`. A cell holding a semicolon or a tab is quoted too: Excel in most of Europe
 * splits a .csv on semicolons, and `Ann;=HYPERLINK(…)` must stay one cell there, not become a formula.
 */
export function csvTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  return [header, ...rows]
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

const FORMULA_START = /^(?:\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r])/;
const NEEDS_QUOTES = /[",;\t\r\n]/;

export function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // A number is a value, never a formula (a negative count stays a number).
  const safe = typeof value === 'string' && FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
