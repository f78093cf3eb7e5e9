/**
 * Quoting what a person typed in an error message: as JSON (so spaces and
 * control characters show), cut to a readable length. A 100 KB value is
 * echoed as its first characters and its length, not in full.
 */

/** Longest input echoed in full. */
export const QUOTED_INPUT_LIMIT = 80;

/** `"value"`, or `"first 80 characters…" (100000 characters)` for a long one. */
export function quoteInput(value: unknown, limit: number = QUOTED_INPUT_LIMIT): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= limit) {
    return JSON.stringify(text);
  }
  return `${JSON.stringify(`${text.slice(0, limit)}…`)} (${text.length} characters)`;
}
