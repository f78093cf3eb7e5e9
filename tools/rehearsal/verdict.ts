import { StepAction } from '../../lib/contract';

/** How an action's process ended (see process.ts). */
export interface ActionExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
}

/** Whether an action passed, and why not. */
export interface ActionVerdict {
  readonly ok: boolean;
  /** Why it failed; undefined when ok. */
  readonly reason?: string;
  /** For a check that had to fail and did: its `FAIL:` line. */
  readonly expectedFailure?: string;
}

const PASS_LINE = /^PASS:/;
const FAIL_LINE = /^FAIL:/;
const NOT_REHEARSED_LINE = /^NOT REHEARSED:/;

function outputLines(output: string): string[] {
  return output.replace(/\r/g, '').split('\n');
}

/**
 * The verdict on one action: it must exit 0 within its time; a check must
 * also print a line starting `PASS:` (its verdict), as lab.sh's `pass` does.
 * A check expected to fail (`expect` = `fail`: the step is not set up on the
 * host) must instead exit non-zero, within its time, with a line starting
 * `FAIL:`, as lab.sh's `fail` does.
 */
export function judgeAction(action: StepAction, exit: ActionExit, output: string, expect?: 'fail'): ActionVerdict {
  if (exit.timedOut) {
    return { ok: false, reason: 'timed out' };
  }
  if (exit.exitCode === null) {
    return { ok: false, reason: `killed by ${exit.signal ?? 'a signal'}` };
  }
  const lines = outputLines(output);
  const failLine = lines.find((line) => FAIL_LINE.test(line));
  if (expect === 'fail') {
    if (exit.exitCode === 0) {
      const passLine = lines.find((line) => PASS_LINE.test(line));
      return { ok: false, reason: `exit 0 on a host where the step is not set up: the ${action} must fail here${passLine ? ` (it said ${passLine})` : ''}` };
    }
    if (!failLine) {
      return { ok: false, reason: `exit ${exit.exitCode} but no line starting FAIL: saying what is missing` };
    }
    return { ok: true, expectedFailure: failLine };
  }
  if (exit.exitCode !== 0) {
    return { ok: false, reason: `exit ${exit.exitCode}${failLine ? `, ${failLine}` : ''}` };
  }
  if (action === 'check' && !lines.some((line) => PASS_LINE.test(line))) {
    return { ok: false, reason: 'exit 0 but no line starting PASS:' };
  }
  return { ok: true };
}

/** The `NOT REHEARSED: ...` lines of an action's output: commands a tool missing here kept from running. */
export function notRehearsedLines(output: string): string[] {
  return outputLines(output).filter((line) => NOT_REHEARSED_LINE.test(line));
}

/**
 * What differs between a host's state before a step and after its final
 * reset (see StepHosts.snapshot): `+ item` left behind, `- item` removed
 * although the step found it there.
 */
export function snapshotDifference(before: readonly string[], after: readonly string[]): string[] {
  const count = (items: readonly string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    items.forEach((item) => counts.set(item, (counts.get(item) ?? 0) + 1));
    return counts;
  };
  const was = count(before);
  const is = count(after);
  const added = [...is].filter(([item, n]) => n > (was.get(item) ?? 0)).map(([item]) => `+ ${item}`);
  const removed = [...was].filter(([item, n]) => n > (is.get(item) ?? 0)).map(([item]) => `- ${item}`);
  return [...added, ...removed].sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : 1));
}

/** How many times {@link settledLeftovers} looks, a second apart, before reporting leftovers. */
export const SETTLE_ATTEMPTS = 10;

/** How {@link settledLeftovers} tells and waits. */
export interface SettleSettings {
  readonly print: (line: string) => void;
  /** Waits between looks (tests pass a no-op); default: a timer. */
  readonly pause?: (milliseconds: number) => Promise<void>;
}

/**
 * What is left behind once things settle: the kernel frees a removed
 * container's namespace (and so its veth pairs) a moment later, so
 * `differences` (e.g. {@link snapshotDifference} against the state before) is
 * looked at up to {@link SETTLE_ATTEMPTS} times, a second apart, until it is
 * empty. Leftovers are printed under `heading`, one an indented line, and returned.
 */
export async function settledLeftovers(differences: () => Promise<string[]>, heading: string, settings: SettleSettings): Promise<string[]> {
  const pause = settings.pause ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  let leftovers: string[] = [];
  for (let attempt = 1; attempt <= SETTLE_ATTEMPTS; attempt += 1) {
    leftovers = await differences();
    if (leftovers.length === 0 || attempt === SETTLE_ATTEMPTS) break;
    await pause(1000);
  }
  if (leftovers.length > 0) {
    settings.print(heading);
    leftovers.forEach((item) => settings.print(`  ${item}`));
  }
  return leftovers;
}
