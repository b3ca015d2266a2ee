/**
 * CSV as RFC 4180 has it (CRLF line ends; a cell with a comma, quote or line break is quoted, its
 * quotes doubled), safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or
 * a carriage return would be read as a formula there, so it gets a leading `'` (OWASP's advice).
 */
export function csvTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  return [header, ...rows]
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
