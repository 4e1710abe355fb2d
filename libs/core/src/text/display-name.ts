/**
 * One rule for every name and label a person types (users, tokens, customers, pools,
 * servers, images, and whatever comes next): it is shown back in lists, logs, terminals,
 * invoices and e-mails, so it may hold any visible character of any script, but nothing
 * that moves a cursor, rings a bell, reverses text or hides itself.
 */
export interface DisplayNameRule {
  maxLength: number;
}

/**
 * Refused anywhere in a name: controls (Cc: newline, ESC, BEL...), format characters
 * (Cf: bidi overrides such as U+202E, zero-width joiners, the BOM), lone surrogates (Cs),
 * private-use and unassigned code points, line and paragraph separators, and every space
 * but the plain one (U+0020). The Hangul fillers are letters that render as nothing.
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u115f\u1160\u3164\uffa0]/u;

export function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

/** Why `value` is not an acceptable display name, or undefined when it is. */
export function displayNameProblem(value: unknown, rule: DisplayNameRule): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  const length = [...value].length;
  if (length === 0) return 'must not be empty';
  if (length > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
  if (INVISIBLE_OR_CONTROL.test(value)) return 'must not contain control, format or invisible characters (newlines, escapes, bidi overrides, zero-width or special spaces)';
  if (value.trim() === '') return 'must not be only spaces';
  if (value !== value.trim()) return 'must not start or end with a space';
  if (/\p{M}/u.test(value[0]!)) return 'must not start with a combining mark';
  return undefined;
}
