import { StepAction } from '../../lib/contract';
import { LabContext } from './aws/context';
import { discoverLabHosts } from './aws/host-inventory';
import { describeDocumentInterface, documentNameOf, listDeployedSteps, parseStepParameters, resolveStep, topologyOf } from './aws/step-documents';
import { EXIT_CODES } from './errors';
import { formatActionReport, formatHostProgress } from './format';
import { StepActionReport } from './results';
import { planTargets, sendToHosts } from './targets';
import { LabVerb, VerbInvocation } from './verb';

/** What `lab run` and `lab reset` do. */
export interface StepActionRequest {
  /** `6`, `06` or `06-across-hosts`. */
  readonly step: string;
  readonly action: StepAction;
  /** One attendee, or all when undefined. */
  readonly attendee?: string;
  /** `NAME=VALUE` strings. */
  readonly params: readonly string[];
  readonly timeoutSeconds: number;
}

/**
 * Runs one action of a step on the selected attendees' hosts of the step's
 * topology: checks the step, the parameters and the attendee first (so bad
 * input sends nothing), then sends the document and waits, printing a line
 * per host as it finishes.
 */
export async function runStepAction(context: LabContext, request: StepActionRequest): Promise<StepActionReport> {
  const step = resolveStep(await listDeployedSteps(context), request.step);
  const documentName = documentNameOf(step, request.action);
  const topology = topologyOf(step);
  const documentInterface = await describeDocumentInterface(context, documentName);
  const parameters = parseStepParameters(documentInterface, request.params);
  const inventory = await discoverLabHosts(context, { attendee: request.attendee });
  const attendees = request.attendee !== undefined ? [request.attendee] : inventory.attendees;
  const plan = planTargets(inventory.hosts, attendees, topology, parameters);
  plan.notSent.forEach(({ host, result }) => context.progress(formatHostProgress(host, result)));
  const results = await sendToHosts(context, documentName, plan, request.timeoutSeconds, `cnlab ${request.action} ${step.stepId}`, true);
  return {
    stepId: step.stepId,
    action: request.action,
    documentName,
    topology,
    parameters,
    results,
    attendeesWithoutHosts: plan.attendeesWithoutHosts,
    warnings: inventory.warnings,
  };
}

/** The verb of a step action that changes hosts (`lab run`, `lab reset`): STEP required, --attendee or --all, --param. */
export function stepActionVerb(action: StepAction, usage: string): LabVerb {
  return { name: action, usage, options: ['attendee', 'all', 'param'], step: 'required', changesHosts: true, run: (invocation) => runActionVerb(action, invocation) };
}

/** A verb's work for `lab run` and `lab reset`: the action, its report, and the exit code. */
async function runActionVerb(action: StepAction, invocation: VerbInvocation): Promise<number> {
  const report = await runStepAction(invocation.context, {
    step: invocation.step as string, action, attendee: invocation.attendee, params: invocation.params, timeoutSeconds: invocation.timeoutSeconds,
  });
  invocation.stdout(`${formatActionReport(report)}\n`);
  const ok = report.results.length > 0 && report.results.every(({ result }) => result.outcome === 'Success');
  return ok ? EXIT_CODES.ok : EXIT_CODES.failed;
}
