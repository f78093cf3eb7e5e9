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

/** A cell of the check grid. N/A: the attendee has no host of the step's topology (not a failure). */
export type CheckVerdict = 'PASS' | 'FAIL' | 'OFFLINE' | 'TIMEOUT' | 'N/A';

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
