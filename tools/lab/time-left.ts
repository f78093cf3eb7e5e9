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

/** The earliest expiry among some hosts (an attendee's), against the clock. */
export function timeLeft(hosts: readonly FoundHost[], now: number): TimeLeft {
  const times = hosts
    .map((host) => host.expiresAt)
    .filter((value): value is string => value !== undefined && !Number.isNaN(Date.parse(value)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  if (times.length === 0) {
    return { label: '-' };
  }
  const minutes = Math.floor((Date.parse(times[0]) - now) / 60000);
  const label = minutes >= 0 ? formatDuration(minutes) : `expired ${formatDuration(-minutes)} ago`;
  return { label, minutes, expiresAt: times[0] };
}
