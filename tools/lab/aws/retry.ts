import { setTimeout as sleepFor } from 'timers/promises';

/** Waits for the given number of milliseconds, or until the signal aborts (then rejects). Injected so tests do not wait. */
export type Sleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/** Current time in milliseconds. Injected so tests control the clock. */
export type Clock = () => number;

export const realSleep: Sleep = (milliseconds, signal) => sleepFor(milliseconds, undefined, signal ? { signal } : undefined);
export const realClock: Clock = () => Date.now();

/** Error names (or codes) by which AWS services say "slow down". */
const THROTTLING_ERROR_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyUpdates',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Whether an error from an AWS SDK call means the caller was throttled. */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const candidate = error as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return [candidate.name, candidate.Code, candidate.code].some((name) => typeof name === 'string' && THROTTLING_ERROR_NAMES.has(name)) ||
    candidate.$metadata?.httpStatusCode === 429 ||
    candidate.$retryable?.throttling === true;
}

/** How {@link withBackoff} retries. */
export interface BackoffOptions {
  readonly sleep: Sleep;
  /** Attempts in all, the first included. @default 6 */
  readonly maxAttempts?: number;
  /** Delay cap of the first retry. @default 1000 */
  readonly baseDelayMs?: number;
  /** Largest delay between attempts. @default 20000 */
  readonly maxDelayMs?: number;
  /** Random number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * Calls `operation`, retrying when it is throttled, with exponential backoff
 * and full jitter (delay uniformly random in [0, min(max, base * 2^attempt)]).
 * This sits on top of the SDK's own retries: when the SDK gives up on a
 * throttled call, the lab command waits longer and tries again. Any other
 * error is thrown at once.
 */
export async function withBackoff<T>(operation: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 20000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isThrottlingError(error) || attempt >= maxAttempts) {
        throw error;
      }
      const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await options.sleep(Math.floor(random() * cap));
    }
  }
}

/**
 * `items` cut into consecutive batches of `size` (the last may be shorter), in
 * order: the id lists of AWS calls that take a limited number of ids each.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`chunks: the batch size must be a whole number of at least 1, not ${size}`);
  }
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}

/**
 * Maps `items` through `worker` with at most `limit` calls in flight; results
 * keep the order of `items`.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}
