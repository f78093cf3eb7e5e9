import { ACTION_SEQUENCE } from './plan';

/** One action of a step's sequence, over all the step's hosts. */
export interface SequenceEntryResult {
  readonly label: string;
  /** Wall-clock seconds (the hosts run the action at the same time, as SSM sends it to all). */
  readonly seconds: number;
  readonly ok: boolean;
  /** Why it failed, with the host. */
  readonly reason?: string;
  /** True for a check that had to fail (the step not set up) and did, on every host. */
  readonly expectedFailure?: boolean;
}

/** The rehearsal of one step variant. */
export interface StepResult {
  readonly stepId: string;
  /** e.g. `gre`; empty when the step has one variant. */
  readonly variant: string;
  readonly hosts: readonly string[];
  /** The actions that ran, in sequence order (a failure ends the sequence). */
  readonly entries: readonly SequenceEntryResult[];
  /** A problem that kept the step from running at all (e.g. missing documents). */
  readonly problem?: string;
  /** The distinct `NOT REHEARSED:` lines of the step's output. */
  readonly notRehearsed: readonly string[];
  /** What the final reset left behind or removed, per host (`rh1: + container x`); empty when the host is as before. */
  readonly leftovers?: readonly string[];
}

/** Whether a step variant passed: no problem, the whole sequence ran, every action ok. */
export function stepPassed(result: StepResult): boolean {
  return result.problem === undefined
    && result.entries.length === ACTION_SEQUENCE.length
    && result.entries.every((entry) => entry.ok)
    && (result.leftovers ?? []).length === 0;
}

/** The one-line reason a step variant failed. */
export function stepFailure(result: StepResult): string | undefined {
  if (result.problem !== undefined) return result.problem;
  const failed = result.entries.find((entry) => !entry.ok);
  if (failed) return `${failed.label}: ${failed.reason ?? 'failed'}`;
  if (result.entries.length < ACTION_SEQUENCE.length) return 'interrupted';
  if ((result.leftovers ?? []).length > 0) return `the host is not as before the step after its final reset: ${(result.leftovers ?? []).join(', ')}`;
  return undefined;
}

/** `[06-across-hosts gre]` */
export function stepLabel(stepId: string, variant: string): string {
  return `[${stepId}${variant ? ` ${variant}` : ''}]`;
}

/**
 * One progress line: `[06-across-hosts gre] rh1 run ... ok 12.3s`; for a
 * check that had to fail and did, `[01-docker-on-the-host] rh1 check before
 * run: FAIL (expected) 0.2s, FAIL: ...` with the check's own FAIL line.
 */
export function progressLine(stepId: string, variant: string, host: string, label: string, ok: boolean, seconds: number, reason?: string, expectedFailure?: string): string {
  if (ok && expectedFailure !== undefined) {
    return `${stepLabel(stepId, variant)} ${host} ${label}: FAIL (expected) ${seconds.toFixed(1)}s, ${expectedFailure}`;
  }
  return `${stepLabel(stepId, variant)} ${host} ${label} ... ${ok ? 'ok' : `FAILED (${reason ?? 'failed'})`} ${seconds.toFixed(1)}s`;
}
