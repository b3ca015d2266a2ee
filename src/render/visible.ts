/**
 * One character that takes no room or reorders the text around it: soft hyphen, bidi marks,
 * overrides and isolates, zero-width spaces, word joiners, BOM, Hangul fillers (a "blank" letter).
 * Joiners (U+200C, U+200D) are not: emoji and several scripts need them.
 */
export const INVISIBLE_CHARACTER =
  /[\u00ad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]/u;

const EVERY_INVISIBLE = new RegExp(INVISIBLE_CHARACTER.source, 'gu');
/** A letter, digit, punctuation or symbol (emoji included): something a reader sees. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** `text` without its invisible or reordering characters. */
export function withoutInvisible(text: string): string {
  return text.replace(EVERY_INVISIBLE, '');
}

/** Whether `text` shows anything: spaces, line breaks and invisible characters alone do not (they look blank). */
export function hasVisibleCharacters(text: string): boolean {
  return VISIBLE.test(withoutInvisible(text));
}
