import { LabContext } from './aws/context';
import { isThrottlingError } from './aws/retry';
import { EXIT_CODES, LabInputError } from './errors';
import { collectProgress, ProgressRequest, ProgressSnapshot } from './progress';
import { gridPassed } from './results';
import { clockTime, formatWatchFrame, WatchRound } from './watch-format';

/** How `lab check --watch` runs. */
export interface WatchOptions {
  readonly request: Omit<ProgressRequest, 'knownReady'>;
  /** Seconds from the start of one round to the start of the next. */
  readonly intervalSeconds: number;
  /** Aborted by Ctrl-C: the watch stops at once, between or inside a round. */
  readonly signal: AbortSignal;
  /** A terminal: each frame clears the screen. Otherwise frames follow one another. */
  readonly interactive: boolean;
  readonly write: (text: string) => void;
  /** Called with each snapshot (e.g. to write the report page); part of the round. */
  readonly onSnapshot?: (snapshot: ProgressSnapshot) => Promise<unknown> | void;
}

/** Least rest between two rounds, even when a round took longer than the interval. */
export const MIN_REST_SECONDS = 5;
/** Rounds in a row that may fail (other than throttled) before the watch gives up. */
export const MAX_FAILED_ROUNDS = 3;
/** Longest wait after throttled rounds (the interval doubles per throttled round, up to this). */
export const MAX_THROTTLED_WAIT_SECONDS = 600;

const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/**
 * Redraws the attendee x step grid every interval until the signal aborts.
 * One round at a time: the next starts only after the previous one ended and
 * a rest (the interval less the round's time, at least {@link MIN_REST_SECONDS}).
 * A round throttled by AWS (retries ran out) keeps the previous grid, says so,
 * and doubles the wait; retried throttling is counted in the round's line.
 * Hosts found READY are not asked again. Resolves with the exit code of the
 * last complete round (0 when every graded cell passed).
 */
export async function watchProgress(context: LabContext, options: WatchOptions): Promise<number> {
  const knownReady = new Set<string>();
  const throttled = { retries: 0 };
  const watched = watchContext(context, options.signal, throttled);
  let last: ProgressSnapshot | undefined;
  let lastRound = 0;
  let round = 0;
  let failedInARow = 0;
  let throttledInARow = 0;
  while (!options.signal.aborted) {
    round += 1;
    throttled.retries = 0;
    const startedAt = context.now();
    if (options.interactive) {
      options.write(`${round === 1 ? `${CLEAR_SCREEN}lab check --watch: workshop ${context.workshop}: ` : '\n'}round ${round} running since ${clockTime(startedAt)} ...`);
    }
    let outcome: WatchRound['outcome'];
    try {
      last = await untilAborted(collectProgress(watched, { ...options.request, knownReady }), options.signal);
      last.readiness.filter(({ readiness }) => readiness === 'READY').forEach(({ host }) => knownReady.add(host.instanceId));
      lastRound = round;
      await options.onSnapshot?.(last);
      outcome = { kind: 'done', throttledRetries: throttled.retries };
      failedInARow = 0;
      throttledInARow = 0;
    } catch (error) {
      if (options.signal.aborted) {
        break;
      }
      outcome = roundFailure(error, round, ++failedInARow);
      throttledInARow = outcome.kind === 'throttled' ? throttledInARow + 1 : 0;
    }
    const tookMs = context.now() - startedAt;
    const waitSeconds = nextWait(options.intervalSeconds, tookMs / 1000, throttledInARow);
    const frame = formatWatchFrame({ workshop: context.workshop, round, outcome, tookMs, startedAt, snapshot: last, snapshotRound: lastRound, intervalSeconds: options.intervalSeconds, nextRoundAt: context.now() + waitSeconds * 1000 });
    options.write(options.interactive ? `${CLEAR_SCREEN}${frame}\n` : `${frame}\n\n`);
    try {
      await watched.sleep(waitSeconds * 1000, options.signal);
    } catch {
      break;
    }
  }
  options.write(`watch stopped after ${round} round(s)${last ? `; the last complete round started ${new Date(last.takenAt).toISOString()}` : ''}\n`);
  return last !== undefined && gridPassed(last.grid) ? EXIT_CODES.ok : EXIT_CODES.failed;
}

/**
 * The promise's value, or a rejection as soon as the signal aborts: a round
 * waiting on a call that hangs (no answer from an endpoint) still stops at Ctrl-C.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('watch stopped'));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Seconds to rest before the next round. */
export function nextWait(intervalSeconds: number, roundSeconds: number, throttledInARow: number): number {
  if (throttledInARow > 0) {
    return Math.min(MAX_THROTTLED_WAIT_SECONDS, intervalSeconds * 2 ** throttledInARow);
  }
  return Math.max(MIN_REST_SECONDS, Math.ceil(intervalSeconds - roundSeconds));
}

/** A failed round: throttled, or failed with a message. The first round's errors and too many in a row end the watch (thrown). */
function roundFailure(error: unknown, round: number, failedInARow: number): WatchRound['outcome'] {
  if (isThrottlingError(error)) {
    return { kind: 'throttled', message: errorMessage(error) };
  }
  if (round === 1 || error instanceof LabInputError || failedInARow >= MAX_FAILED_ROUNDS) {
    throw error;
  }
  return { kind: 'failed', message: errorMessage(error) };
}

function errorMessage(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string };
  return [name && name !== 'Error' ? name : undefined, message].filter(Boolean).join(': ') || String(error);
}

/**
 * The context a round runs in: its sleeps end when the watch is stopped (so a
 * round in flight unwinds at once), backoff sleeps on throttled calls are
 * counted, and the per-step progress lines are left out (the frame has them).
 */
function watchContext(context: LabContext, signal: AbortSignal, throttled: { retries: number }): LabContext {
  const sleep = async (milliseconds: number): Promise<void> => {
    if (signal.aborted) {
      throw new Error('watch stopped');
    }
    await context.sleep(milliseconds, signal);
    if (signal.aborted) {
      throw new Error('watch stopped');
    }
  };
  const backoffSleep = async (milliseconds: number): Promise<void> => {
    throttled.retries += 1;
    await sleep(milliseconds);
  };
  return { ...context, sleep, backoff: { ...context.backoff, sleep: backoffSleep }, progress: () => undefined };
}
