import { StepAction } from '../../lib/contract';
import { SettleSettings, settledLeftovers, snapshotDifference } from './verdict';

/**
 * The cross-step check: a step that restarts Docker (step 4, for its daemon
 * settings) must not break the steps an attendee ran before it. With steps 1,
 * 2, 3, 5 and 7 set up, step 4 is run and reset, and every one of them must
 * then pass its check without being run again.
 *
 * Steps 5 and 7 both use the 2015 demo's subnet 192.168.2.0/24 on the host
 * (br1, br-s7), so they cannot be set up at the same time: step 7 gets a
 * second round, after step 5 is reset, with step 4 run and reset again.
 */

/** The step (by number) whose run and reset restart Docker. */
export const DOCKER_RESTART_STEP = '04';
/** The steps (by number) whose setup must survive it. */
export const SURVIVING_STEPS: readonly string[] = ['01', '02', '03', '05', '07'];
/** Pairs of steps (by number) that cannot be set up on one host at the same time. */
export const CONFLICTING_STEPS: ReadonlyArray<readonly [string, string]> = [['05', '07']];

/** One action of the cross-step check. */
export interface CrossStepAction {
  /** The step's id, e.g. `01-docker-on-the-host`. */
  readonly stepId: string;
  readonly action: StepAction;
  /** What the summary calls it, e.g. `check 01-docker-on-the-host after step 4`. */
  readonly label: string;
  /** setup: run a step; restart: step 4's run or reset; verify: a check that must pass; cleanup: a reset at the end. */
  readonly phase: 'setup' | 'restart' | 'verify' | 'cleanup';
}

function numberOf(stepId: string): string {
  return stepId.slice(0, 2);
}

function conflict(a: string, b: string): boolean {
  return CONFLICTING_STEPS.some(([x, y]) => (numberOf(a) === x && numberOf(b) === y) || (numberOf(a) === y && numberOf(b) === x));
}

/**
 * The actions of the cross-step check for these steps (ids), in order; empty
 * when the selection lacks step 4 or every step that must survive it.
 */
export function crossStepPlan(stepIds: readonly string[]): CrossStepAction[] {
  const restart = stepIds.find((id) => numberOf(id) === DOCKER_RESTART_STEP);
  const survivors = stepIds.filter((id) => SURVIVING_STEPS.includes(numberOf(id))).sort();
  if (restart === undefined || survivors.length === 0) {
    return [];
  }
  const first: string[] = [];
  const later: string[] = [];
  for (const id of survivors) {
    (first.some((other) => conflict(id, other)) ? later : first).push(id);
  }
  const plan: CrossStepAction[] = [];
  const restartRound = (round: number): void => {
    const suffix = round > 1 ? ` (round ${round})` : '';
    plan.push({ stepId: restart, action: 'run', label: `run ${restart} (restarts Docker)${suffix}`, phase: 'restart' });
    plan.push({ stepId: restart, action: 'reset', label: `reset ${restart} (restarts Docker)${suffix}`, phase: 'restart' });
  };
  const verify = (ids: readonly string[], round: number): void => {
    const suffix = round > 1 ? ` (round ${round})` : '';
    ids.forEach((id) => plan.push({ stepId: id, action: 'check', label: `check ${id} after step ${DOCKER_RESTART_STEP}${suffix}`, phase: 'verify' }));
  };

  first.forEach((id) => plan.push({ stepId: id, action: 'run', label: `run ${id}`, phase: 'setup' }));
  restartRound(1);
  verify(first, 1);
  let live = [...first];
  if (later.length > 0) {
    const making = live.filter((id) => later.some((other) => conflict(id, other)));
    making.forEach((id) => plan.push({ stepId: id, action: 'reset', label: `reset ${id} (shares an address range with ${later.filter((other) => conflict(id, other)).join(', ')})`, phase: 'setup' }));
    live = live.filter((id) => !making.includes(id));
    later.forEach((id) => plan.push({ stepId: id, action: 'run', label: `run ${id}`, phase: 'setup' }));
    live.push(...later);
    restartRound(2);
    verify([...live].sort(), 2);
  }
  // Step 4's reset again (quick when it has nothing to undo), in case its run failed half-way.
  plan.push({ stepId: restart, action: 'reset', label: `reset ${restart}`, phase: 'cleanup' });
  [...live].sort().reverse().forEach((id) => plan.push({ stepId: id, action: 'reset', label: `reset ${id}`, phase: 'cleanup' }));
  return plan;
}

/** How one action of the cross-step check went. */
export interface CrossStepEntry {
  readonly label: string;
  readonly phase: CrossStepAction['phase'];
  readonly seconds: number;
  readonly ok: boolean;
  readonly reason?: string;
}

/** The outcome of the cross-step check. */
export interface CrossStepResult {
  /** Why it did not run (e.g. step 4 not selected); undefined when it ran. */
  readonly skipped?: string;
  readonly entries: readonly CrossStepEntry[];
  /** What differs on the host after the final resets from before the check (`+` left, `-` removed). */
  readonly leftovers: readonly string[];
}

/** What the cross-step check needs from the rehearsal (print, and pause between looks at the host's state while it settles). */
export interface CrossStepSettings extends SettleSettings {
  /** Runs one action of a step on its hosts (a check must print PASS:); resolves to how it went. */
  readonly runAction: (action: CrossStepAction, index: number) => Promise<{ ok: boolean; seconds: number; reason?: string }>;
  /** The single host's state, one item a line (as StepHosts.snapshot). */
  readonly snapshot: () => Promise<string[]>;
  readonly interrupted: () => boolean;
}

/** Whether the cross-step check passed (a skipped check neither passes nor fails: see `skipped`). */
export function crossStepPassed(result: CrossStepResult): boolean {
  return result.skipped === undefined && result.entries.length > 0
    && result.entries.every((entry) => entry.ok) && result.leftovers.length === 0;
}

/**
 * Runs the cross-step check for these steps (ids): a failing run or reset
 * stops the setup (the cleanup resets still run), a failing check is
 * recorded and the other checks still run. `failedSteps` are steps whose own
 * rehearsal failed: the check is skipped then, and says why.
 */
export async function rehearseCrossStep(stepIds: readonly string[], failedSteps: readonly string[], settings: CrossStepSettings): Promise<CrossStepResult> {
  const plan = crossStepPlan(stepIds);
  if (plan.length === 0) {
    return { skipped: `needs step ${DOCKER_RESTART_STEP} and at least one of steps ${SURVIVING_STEPS.join(', ')} in the selection`, entries: [], leftovers: [] };
  }
  const involved = [...new Set(plan.map((action) => action.stepId))];
  const broken = involved.filter((id) => failedSteps.includes(id));
  if (broken.length > 0) {
    return { skipped: `${broken.join(', ')} failed its own rehearsal`, entries: [], leftovers: [] };
  }
  settings.print(`[cross-step] steps ${involved.filter((id) => !id.startsWith(DOCKER_RESTART_STEP)).join(', ')} set up, step ${DOCKER_RESTART_STEP} run and reset (it restarts Docker), then their checks must pass without running them again`);
  const before = await settings.snapshot();
  const entries: CrossStepEntry[] = [];
  let stopped = false;
  for (const [index, action] of plan.entries()) {
    if (settings.interrupted()) break;
    if (stopped && action.phase !== 'cleanup') continue;
    const outcome = await settings.runAction(action, index + 1);
    entries.push({ label: action.label, phase: action.phase, seconds: outcome.seconds, ok: outcome.ok, ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}) });
    if (!outcome.ok && (action.phase === 'setup' || action.phase === 'restart')) {
      stopped = true;
    }
  }
  const leftovers = settings.interrupted() ? [] : await settledLeftovers(async () => snapshotDifference(before, await settings.snapshot()),
    '[cross-step] after the final resets the host differs from before (+ left behind, - removed):', settings);
  return { entries, leftovers };
}

/** The cross-step check's part of the summary (markdown). */
export function renderCrossStep(result: CrossStepResult): string {
  const lines = ['', `## Cross-step check: steps ${SURVIVING_STEPS.join(', ')} after step ${DOCKER_RESTART_STEP}'s Docker restarts`, ''];
  if (result.skipped !== undefined) {
    lines.push(`Not run: ${result.skipped}.`);
    return lines.join('\n') + '\n';
  }
  lines.push('| action | seconds | result |', '| --- | --- | --- |');
  for (const entry of result.entries) {
    const cell = entry.ok ? 'ok' : `**FAIL**: ${(entry.reason ?? 'failed').replace(/\|/g, '\\|')}`;
    lines.push(`| ${entry.label} | ${entry.seconds.toFixed(1)} | ${cell} |`);
  }
  lines.push('');
  if (result.leftovers.length > 0) {
    lines.push(`After the final resets the host differs from before: ${result.leftovers.join(', ')}.`);
  }
  const checks = result.entries.filter((entry) => entry.phase === 'verify');
  lines.push(crossStepPassed(result)
    ? `Passed: ${checks.length} checks passed after step ${DOCKER_RESTART_STEP}'s run and reset, and the host is as before.`
    : 'FAILED (see the rows marked FAIL).');
  return lines.join('\n') + '\n';
}
