import { FoundHost } from './aws/host-inventory';

/** How long until an attendee's lab expires, read from the hosts' `expires-at` tag. */
export interface TimeLeft {
  /** `5h 12m`, `12m`, `expired 8m ago`, or `-` (no or unreadable tag). */
  readonly label: string;
  /** Whole minutes left (negative once expired); undefined without a tag. */
  readonly minutes?: number;
  /** The tag's value. */
  readonly expiresAt?: string;
}

/** Minutes left at which the watch and the report mark the time: the hosts stop (or go) soon. */
export const EXPIRY_SOON_MINUTES = 30;

/** `5h 12m`, `12m`, `2d 3h`. */
export function formatDuration(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  const rest = whole % 60;
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  return hours > 0 ? `${hours}h ${String(rest).padStart(2, '0')}m` : `${rest}m`;
}

/**
 * The earliest `expires-at` tag value among some hosts (an attendee's), as
 * written; hosts without the tag, or with one that is no date, are skipped.
 * Of equal times the first host's is taken. Undefined when none has one.
 */
export function earliestExpiry(hosts: readonly FoundHost[]): string | undefined {
  let earliest: { readonly value: string; readonly ms: number } | undefined;
  for (const { expiresAt } of hosts) {
    const ms = expiresAt === undefined ? NaN : Date.parse(expiresAt);
    if (expiresAt !== undefined && !Number.isNaN(ms) && (earliest === undefined || ms < earliest.ms)) {
      earliest = { value: expiresAt, ms };
    }
  }
  return earliest?.value;
}

/** The earliest expiry among some hosts (an attendee's), against the clock. */
export function timeLeft(hosts: readonly FoundHost[], now: number): TimeLeft {
  const expiresAt = earliestExpiry(hosts);
  if (expiresAt === undefined) {
    return { label: '-' };
  }
  const minutes = Math.floor((Date.parse(expiresAt) - now) / 60000);
  const label = minutes >= 0 ? formatDuration(minutes) : `expired ${formatDuration(-minutes)} ago`;
  return { label, minutes, expiresAt };
}
