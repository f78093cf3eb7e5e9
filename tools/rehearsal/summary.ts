import { crossStepPassed, CrossStepResult, renderCrossStep } from './cross-step';
import { TemplateStep } from './documents';
import { BootedMachine, MIRROR_OUTAGE_SECONDS, ProofOutcome } from './fleet';
import { MachineVersions } from './machines';
import { ACTION_SEQUENCE, stepVariants } from './plan';
import { stepFailure, stepPassed, StepResult } from './report';
import { DockerVariant } from './variants';

/** The figures behind a lab host's size, measured on one machine. */
export interface MachineSizing {
  readonly machine: string;
  /** The lab host's topology kind. */
  readonly topology: string;
  /** Peak working set (memory without droppable page cache) from start to ready signal, in bytes. */
  readonly bootPeakBytes?: number;
  /** Peak working set while steps ran on it, and the step. */
  readonly stepsPeakBytes?: number;
  readonly stepsPeakStep?: string;
  /** What provisioning and the labs wrote to disk, in bytes. */
  readonly diskBytes?: number;
  /** Seconds from start to ready signal. */
  readonly bootSeconds: number;
}

/** What the rehearsal did on one Docker variant. */
export interface VariantResult {
  readonly variant: DockerVariant;
  /** Its machines, in template order. */
  readonly machines: readonly BootedMachine[];
  /** What the first machine runs (undefined when the machines did not become ready). */
  readonly versions?: MachineVersions;
  /** Seconds from the first machine's start until every machine had signalled. */
  readonly bootSeconds: number;
  /** Seconds the steps took (both lanes, side by side). */
  readonly stepsSeconds?: number;
  readonly steps: readonly StepResult[];
  /** The cross-step check (steps 1-3, 5, 7 after step 4's Docker restarts), when the single-host steps ran. */
  readonly crossStep?: CrossStepResult;
  /** Why the steps were not rehearsed at all (a machine not ready, an error that stopped the variant). */
  readonly problem?: string;
  /** Memory and disk per machine (once the steps ran). */
  readonly sizing?: readonly MachineSizing[];
}

/** What the summary is made from. */
export interface SummaryInput {
  readonly results: readonly VariantResult[];
  readonly steps: readonly TemplateStep[];
  /** The failure-path boot, when it ran. */
  readonly failure?: ProofOutcome<{ readonly problem?: string; readonly machine: BootedMachine }>;
  /** The mirror-outage boot, when it ran, with the retries its log shows. */
  readonly mirrorOutage?: ProofOutcome<{ readonly problem?: string; readonly machine: BootedMachine; readonly retries?: { readonly ours: number; readonly apt: number } }>;
  readonly tunnels: readonly string[];
  readonly totalSeconds: number;
}

/**
 * What no rehearsal machine can reach, and what stands in for it. Listed in
 * every summary: never counted as passed.
 */
export const STAND_INS: readonly string[] = [
  'aws-cfn-bootstrap download from S3 (user data step 1): cfn-init and cfn-signal are stand-ins that read the metadata from the synthesized template and record the signal',
  'SSM agent download from S3 (user data step 2, Debian): a stand-in amazon-ssm-agent command; the rehearsal itself runs the documents as the agent would',
  'docker pull debian:trixie-slim from Docker Hub (lab-images): the image, made here with debootstrap, is in every machine\'s Docker before boot',
  'EC2 instance metadata: cloud-init reads the user data from a NoCloud seed',
];

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)];
}

function versionsTable(results: readonly VariantResult[]): string[] {
  return table(['variant', 'what it stands for', 'OS', 'Docker', 'containerd', 'Open vSwitch', 'iptables'], results.map((result) => [
    result.variant.id, result.variant.description, result.versions?.os ?? '?', result.versions?.docker ?? '?',
    result.versions?.containerd ?? '?', result.versions?.openVswitch ?? '?', result.versions?.iptables ?? '?',
  ]));
}

function bootTable(results: readonly VariantResult[], failure: SummaryInput['failure'], outage: SummaryInput['mirrorOutage']): string[] {
  const machines = [...results.flatMap((result) => result.machines.map((machine) => ({ variant: result.variant.id, machine }))),
    ...(failure?.machine ? [{ variant: 'failure path', machine: failure.machine }] : []),
    ...(outage?.machine ? [{ variant: 'mirror outage', machine: outage.machine }] : [])];
  return table(['machine', 'variant', 'lab host', 'signal', 'boot to signal (s)', 'provisioning phases (s)'], machines.map(({ variant, machine }) => [
    machine.name, variant, `${machine.host.topology} ${machine.host.hostIndex} (${machine.host.logicalId})`,
    machine.signal ? `${machine.signal.status}: ${machine.signal.reason}` : 'none',
    machine.seconds.toFixed(0),
    machine.phases.filter((phase) => phase.seconds > 0 || phase.degraded).map((phase) => `${phase.phase} ${phase.seconds}${phase.degraded ? ' DEGRADED' : ''}`).join(', ') || '–',
  ]));
}

/** Memory headroom the hosts' sizes keep above the measured peak. */
export const MEMORY_HEADROOM = 0.3;

function mebibytes(bytes: number | undefined): string {
  return bytes === undefined ? '?' : (bytes / 2 ** 20).toFixed(0);
}

/** The memory a host needs for a measured peak, with the headroom: peak / (1 - headroom), in GiB. */
export function neededGiB(peakBytes: number): number {
  return peakBytes / (1 - MEMORY_HEADROOM) / 2 ** 30;
}

function sizingTable(results: readonly VariantResult[]): string[] {
  const rows = results.flatMap((result) => (result.sizing ?? []).map((sizing) => {
    const peak = Math.max(sizing.bootPeakBytes ?? 0, sizing.stepsPeakBytes ?? 0);
    return [
      result.variant.id, `${sizing.machine} (${sizing.topology})`, mebibytes(sizing.bootPeakBytes),
      sizing.stepsPeakBytes === undefined ? '–' : `${mebibytes(sizing.stepsPeakBytes)} (${sizing.stepsPeakStep})`,
      peak > 0 ? neededGiB(peak).toFixed(2) : '?',
      sizing.diskBytes === undefined ? '?' : (sizing.diskBytes / 2 ** 30).toFixed(2),
      sizing.bootSeconds.toFixed(0),
    ];
  }));
  return table(['variant', 'machine (topology)', 'peak memory, boot (MiB)', 'peak memory, steps (MiB) (step)',
    `memory needed with ${MEMORY_HEADROOM * 100} % headroom (GiB)`, 'disk written by provisioning and labs (GiB)', 'boot to ready (s)'], rows);
}

function stepCell(result: StepResult | undefined): string {
  if (!result) return '–';
  const seconds = result.entries.reduce((sum, entry) => sum + entry.seconds, 0).toFixed(0);
  const failure = stepFailure(result);
  if (failure !== undefined) return `**FAIL** (${seconds} s): ${failure}`;
  return `pass (${seconds} s)${result.notRehearsed.length > 0 ? `, ${result.notRehearsed.length} NOT REHEARSED` : ''}`;
}

function stepsTable(input: SummaryInput): string[] {
  const rows = input.steps.flatMap((step) => stepVariants(step, input.tunnels).map((tunnel) => [
    step.id, tunnel.label || '–',
    ...input.results.map((result) => result.problem !== undefined ? `not run: ${result.problem}`
      : stepCell(result.steps.find((candidate) => candidate.stepId === step.id && candidate.variant === tunnel.label))),
  ]));
  return table(['step', 'tunnel', ...input.results.map((result) => result.variant.id)], rows);
}

function actionsTable(result: VariantResult): string[] {
  const labels = ACTION_SEQUENCE.map((entry) => entry.label);
  return table(['step', 'tunnel', ...labels.map((label) => `${label} (s)`)], result.steps.map((step) => [
    step.stepId, step.variant || '–',
    ...labels.map((label) => {
      const entry = step.entries.find((candidate) => candidate.label === label);
      if (!entry) return '–';
      if (entry.ok && entry.expectedFailure) return `${entry.seconds.toFixed(1)} FAIL (expected)`;
      return entry.ok ? entry.seconds.toFixed(1) : `**${entry.seconds.toFixed(1)} FAIL**`;
    }),
  ]));
}

function notRehearsedLines(results: readonly VariantResult[], extra: readonly BootedMachine[]): string[] {
  const lines = ['NOT REHEARSED (never counted as passed):', ...STAND_INS.map((line) => `- ${line}`)];
  const printed = new Map<string, Set<string>>();
  for (const result of results) {
    for (const step of result.steps) {
      for (const line of step.notRehearsed) {
        const key = line.replace(/^NOT REHEARSED:\s*/, '');
        printed.set(key, new Set([...(printed.get(key) ?? []), `${step.stepId}${step.variant ? ` ${step.variant}` : ''}`]));
      }
    }
  }
  // What the machines' boots could not do (the pipework download: GitHub is out of reach).
  for (const machine of [...results.flatMap((result) => result.machines), ...extra]) {
    for (const line of machine.notRehearsed ?? []) {
      const key = line.replace(/^NOT REHEARSED:\s*/, '');
      printed.set(key, new Set([...(printed.get(key) ?? []), `provisioning of ${machine.name}`]));
    }
  }
  for (const [line, where] of printed) lines.push(`- \`${line}\` (printed by ${[...where].join(', ')})`);
  return lines;
}

/** ` (N of the lab's own retries, M of apt's own)`, from the outage machine's log. */
function retriesText(retries: { readonly ours: number; readonly apt: number } | undefined): string {
  return retries ? ` (${retries.ours} of the lab's own retries, ${retries.apt} of apt's own)` : '';
}

/** Whether everything the input holds passed: every variant's machines ready and every step variant passed, the failure path as expected. */
export function rehearsalPassed(input: SummaryInput): boolean {
  const expected = input.steps.reduce((count, step) => count + stepVariants(step, input.tunnels).length, 0);
  return input.results.length > 0
    && input.results.every((result) => result.problem === undefined && result.steps.length === expected && result.steps.every(stepPassed)
      && (result.crossStep === undefined || result.crossStep.skipped !== undefined || crossStepPassed(result.crossStep)))
    && (input.failure === undefined || input.failure.problem === undefined)
    && (input.mirrorOutage === undefined || input.mirrorOutage.problem === undefined);
}

/** The markdown summary of a rehearsal, and whether it passed. */
export function renderRehearsalSummary(input: SummaryInput): { text: string; passed: boolean } {
  const passed = rehearsalPassed(input);
  const lines = ['## Machines', '', ...versionsTable(input.results), '', ...bootTable(input.results, input.failure, input.mirrorOutage), ''];
  const { failure, mirrorOutage } = input;
  if (failure) {
    lines.push(failure.machine === undefined || failure.problem !== undefined
      ? `Failure path: **FAIL**: ${failure.problem}.`
      : `Failure path: ${failure.machine.name}, booted with its first component broken on purpose, signalled ${failure.machine.signal?.status} "${failure.machine.signal?.reason}": the phase and the end of its log, as expected.`, '');
  }
  if (mirrorOutage) {
    lines.push(mirrorOutage.machine === undefined || mirrorOutage.problem !== undefined
      ? `Mirror outage: **FAIL**: ${mirrorOutage.problem}.`
      : `Mirror outage: ${mirrorOutage.machine.name}, whose package mirror refused it for its first ${MIRROR_OUTAGE_SECONDS} s, retried${retriesText(mirrorOutage.retries)} and became ready after ${mirrorOutage.machine.seconds.toFixed(0)} s, as expected.`, '');
  }
  if (input.results.some((result) => (result.sizing ?? []).length > 0)) {
    lines.push('## Sizing (working set: memory without droppable page cache, sampled every 2 s)', '', ...sizingTable(input.results), '');
  }
  lines.push('## Steps', '', ...stepsTable(input), '');
  for (const result of input.results.filter((candidate) => candidate.steps.length > 0)) {
    lines.push(`### ${result.variant.id}: seconds per action`, '', ...actionsTable(result), '');
    if (result.crossStep) {
      lines.push(renderCrossStep(result.crossStep).replace(/^\n## Cross-step check:/, `### ${result.variant.id}: cross-step check:`));
    }
  }
  lines.push(...notRehearsedLines(input.results, [failure, mirrorOutage].flatMap((extra) => (extra?.machine ? [extra.machine] : []))), '');
  const times = input.results.map((result) => `${result.variant.id}: boot ${result.bootSeconds.toFixed(0)} s, steps ${(result.stepsSeconds ?? 0).toFixed(0)} s`);
  lines.push(`Time: ${times.join('; ')}; whole rehearsal ${input.totalSeconds.toFixed(0)} s.`, '');
  lines.push(passed ? 'REHEARSAL PASSED' : 'REHEARSAL FAILED');
  return { text: `${lines.join('\n')}\n`, passed };
}
