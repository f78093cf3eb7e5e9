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

/** Times of the rehearsal's parts, in seconds. */
export interface RehearsalTimings {
  readonly synth?: number;
  readonly baseImage: number;
  readonly imageBuild: number;
  readonly hostSetup: number;
  readonly steps: number;
  readonly total: number;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown summary: a row per step variant, the totals, and the NOT REHEARSED lines. */
export function renderSummary(results: readonly StepResult[], timings: RehearsalTimings, notes: readonly string[] = []): string {
  const labels = ACTION_SEQUENCE.map((entry) => entry.label);
  const header = ['step', 'variant', 'hosts', ...labels.map((label) => `${label} (s)`), 'result', 'not rehearsed'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
  ];
  for (const result of results) {
    const cells = labels.map((label) => {
      const entry = result.entries.find((candidate) => candidate.label === label);
      if (!entry) return '–';
      if (entry.ok && entry.expectedFailure) return `${entry.seconds.toFixed(1)} FAIL (expected)`;
      return entry.ok ? entry.seconds.toFixed(1) : `**${entry.seconds.toFixed(1)} FAIL**`;
    });
    const failure = stepFailure(result);
    lines.push(`| ${[
      result.stepId,
      result.variant || '–',
      result.hosts.join(',') || '–',
      ...cells,
      failure !== undefined ? `**FAIL**: ${escapeCell(failure)}`
        : result.notRehearsed.length > 0 ? 'pass, except what was NOT REHEARSED' : 'pass',
      String(result.notRehearsed.length),
    ].join(' | ')} |`);
  }
  const passed = results.filter(stepPassed).length;
  const format = (seconds: number): string => `${seconds.toFixed(1)} s`;
  lines.push('');
  const partly = results.filter((result) => stepPassed(result) && result.notRehearsed.length > 0).length;
  lines.push(`${passed} of ${results.length} step rehearsals passed${partly > 0 ? ` (${partly} of them with commands NOT REHEARSED, listed below)` : ''}.`);
  lines.push('');
  lines.push('| part | time |');
  lines.push('| --- | --- |');
  if (timings.synth !== undefined) lines.push(`| cdk synth | ${format(timings.synth)} |`);
  lines.push(`| base image | ${format(timings.baseImage)} |`);
  lines.push(`| lab image build (one-time) | ${format(timings.imageBuild)} |`);
  lines.push(`| emulated hosts up, images loaded | ${format(timings.hostSetup)} |`);
  lines.push(`| steps | ${format(timings.steps)} |`);
  lines.push(`| **total** | ${format(timings.total)} |`);
  lines.push(`| **total without the image build** | ${format(timings.total - timings.imageBuild)} |`);

  const withNotRehearsed = results.filter((result) => result.notRehearsed.length > 0);
  if (withNotRehearsed.length > 0) {
    lines.push('');
    lines.push('NOT REHEARSED (printed by the scripts where a tool is missing here; never counted as passed):');
    for (const result of withNotRehearsed) {
      lines.push(`- ${result.stepId}${result.variant ? ` ${result.variant}` : ''}:`);
      for (const line of result.notRehearsed) {
        lines.push(`  - \`${line.replace(/^NOT REHEARSED:\s*/, '')}\``);
      }
    }
  }
  if (notes.length > 0) {
    lines.push('');
    lines.push(...notes.map((note) => `Note: ${note}`));
  }
  return lines.join('\n') + '\n';
}
