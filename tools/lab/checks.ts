// Running the check documents and grading attendee x step: what `lab check`, its
// --watch and `lab report` share.
import { HostOutcome } from './aws/command-runner';
import { LabContext } from './aws/context';
import { discoverLabHosts, HostInventory } from './aws/host-inventory';
import { documentNameOf, listDeployedSteps, resolveStep, StepDocuments, topologyOf } from './aws/step-documents';
import { failureReason, formatStepProgress } from './format';
import { CheckCell, CheckGrid, CheckVerdict, HostStepResult, succeeded } from './results';
import { planTargets, sendToHosts } from './targets';

/** What `lab check` does. */
export interface CheckRequest {
  /** One step (`6`, `06`, `06-across-hosts`), or every step when undefined. */
  readonly step?: string;
  readonly attendee?: string;
  readonly timeoutSeconds: number;
}

/**
 * Runs the check document of one step, or of every step one after another,
 * on the selected attendees' hosts of each step's topology, and grades each
 * attendee × step. `found` saves asking EC2 again when the caller has just
 * discovered the hosts.
 */
export async function checkSteps(context: LabContext, request: CheckRequest, found?: HostInventory): Promise<CheckGrid> {
  const allSteps = await listDeployedSteps(context);
  const steps: StepDocuments[] = request.step !== undefined
    ? [resolveStep(allSteps, request.step)]
    : allSteps.filter((step) => step.documentNames.check !== undefined);
  if (request.step !== undefined) {
    documentNameOf(steps[0], 'check');
  }
  const inventory = found ?? await discoverLabHosts(context, { attendee: request.attendee });
  const attendees = request.attendee !== undefined ? [request.attendee] : inventory.attendees;
  const cells: CheckCell[] = [];
  for (const step of steps) {
    const documentName = documentNameOf(step, 'check');
    const plan = planTargets(inventory.hosts, attendees, topologyOf(step), {});
    const started = context.now();
    const results = await sendToHosts(context, documentName, plan, request.timeoutSeconds, `cnlab check ${step.stepId}`, false);
    const stepCells = attendees.map((attendee) => gradeCell(attendee, step.stepId, results.filter(({ host }) => host.attendee === attendee)));
    cells.push(...stepCells);
    context.progress(formatStepProgress(step.stepId, stepCells, Math.round((context.now() - started) / 1000)));
  }
  return { workshop: context.workshop, stepIds: steps.map((step) => step.stepId), attendees, cells, warnings: inventory.warnings };
}

/** The verdict of an attendee's hosts on one check: the worst host decides, the first failing host gives the reason. */
export function gradeCell(attendee: string, stepId: string, hosts: readonly HostStepResult[]): CheckCell {
  if (hosts.length === 0) {
    return { attendee, stepId, verdict: 'N/A', hosts };
  }
  const failing = hosts.filter(({ result }) => !succeeded(result));
  if (failing.length === 0) {
    return { attendee, stepId, verdict: 'PASS', hosts };
  }
  const verdictOf = (outcome: HostOutcome): CheckVerdict =>
    outcome === 'Offline' || outcome === 'Skipped' ? 'OFFLINE' : outcome === 'TimedOut' ? 'TIMEOUT' : 'FAIL';
  const first = failing.find(({ result }) => verdictOf(result.outcome) === 'FAIL') ?? failing[0];
  const label = hosts.length > 1 ? `${first.host.topology}#${first.host.hostIndex}: ` : '';
  return { attendee, stepId, verdict: verdictOf(first.result.outcome), reason: label + failureReason(first.result), hosts };
}
