import { StepAction, TopologyKind } from '../../lib/contract';
import { HostCommandResult } from './aws/command-runner';
import { FoundHost } from './aws/host-inventory';

// What the verbs produce and format.ts prints: data only, so neither imports the other's code.

/** A host and what its command did. */
export interface HostStepResult {
  readonly host: FoundHost;
  readonly result: HostCommandResult;
}

/** Whether a host's result counts as a success. */
export function succeeded(result: HostCommandResult): boolean {
  return result.outcome === 'Success';
}

/** Where a host stands: READY to take lab steps, or why not. */
export type Readiness = 'READY' | 'NOT READY' | 'OFFLINE' | 'ONLINE';

/** A host with its readiness. `ONLINE` means only the agent was asked (--fast). */
export interface HostReadiness {
  readonly host: FoundHost;
  readonly readiness: Readiness;
  readonly reason?: string;
  /** A READY host that lacks something (e.g. `pipework: its download failed ...`): the steps that need it say so. */
  readonly degraded?: string;
}

/** What `lab run` or `lab reset` did on every selected host. */
export interface StepActionReport {
  readonly stepId: string;
  readonly action: StepAction;
  readonly documentName: string;
  /** The topology the step runs on (its documents' cnlab:hosts tag). */
  readonly topology: TopologyKind;
  /** Parameter values given with --param (HOSTS not included). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly results: readonly HostStepResult[];
  /** Selected attendees with no host of the step's topology. */
  readonly attendeesWithoutHosts: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * A cell of the check grid. N/A: the attendee has no host of the step's topology (not a failure);
 * UNKNOWN: SSM would not say how the check ended (its polls stayed throttled).
 */
export type CheckVerdict = 'PASS' | 'FAIL' | 'OFFLINE' | 'TIMEOUT' | 'UNKNOWN' | 'N/A';

/** One attendee's result of one step's check. */
export interface CheckCell {
  readonly attendee: string;
  readonly stepId: string;
  readonly verdict: CheckVerdict;
  /** For anything but PASS and N/A: the check's `FAIL: ...` line, or what else went wrong. */
  readonly reason?: string;
  readonly hosts: readonly HostStepResult[];
}

/** Attendees × steps. */
export interface CheckGrid {
  readonly workshop: string;
  readonly stepIds: readonly string[];
  readonly attendees: readonly string[];
  readonly cells: readonly CheckCell[];
  readonly warnings: readonly string[];
}

/** Whether a cell counts as a failure (PASS and N/A do not). */
export function isFailedCell(cell: CheckCell): boolean {
  return cell.verdict !== 'PASS' && cell.verdict !== 'N/A';
}

/**
 * Whether a grid passed as a whole (the exit code of `lab check` and of the
 * watch's last round): at least one cell was graded (not N/A), and none failed.
 */
export function gridPassed(grid: CheckGrid): boolean {
  return grid.cells.some((cell) => cell.verdict !== 'N/A') && !grid.cells.some(isFailedCell);
}

/** An attendee's cell of one step, when the grid has it. */
export function cellAt(grid: CheckGrid, attendee: string, stepId: string): CheckCell | undefined {
  return grid.cells.find((cell) => cell.attendee === attendee && cell.stepId === stepId);
}

/** How many attendees passed one step's check, and how many did not (N/A counts as neither). */
export interface StepCounts {
  readonly passed: number;
  readonly notPassed: number;
}

/** The passed and not-passed counts of one step, for the count rows under a grid. */
export function stepCounts(grid: CheckGrid, stepId: string): StepCounts {
  const cells = grid.cells.filter((cell) => cell.stepId === stepId);
  return { passed: cells.filter((cell) => cell.verdict === 'PASS').length, notPassed: cells.filter(isFailedCell).length };
}
