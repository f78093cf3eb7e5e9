/**
 * An attendee lab's expiry as the stacks declare it and the tools read and
 * move it: the stack parameter that holds the time, and the text that time
 * is written in (that of an EventBridge Scheduler `at(...)` expression).
 */

/** The name of the stack parameter holding the expiry time (attendee stacks and the self-contained template). */
export const EXPIRES_AT_PARAMETER = 'ExpiresAt';

/** What an expiry time parameter (ExpiresAt) accepts: the text of an `at(...)` expression. */
export const EXPIRES_AT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$';

/** The text an `at(...)` expression takes: yyyy-mm-ddThh:mm:ss, in UTC, no zone suffix. */
export function atExpressionTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}
