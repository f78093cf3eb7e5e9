import { CommandTarget, emptyResult, HostCommandResult, HostOutcome, runCommand } from './command-runner';
import { LabContext } from './context';
import { describeDocumentInterface, documentNameOf, HOSTS_PARAMETER, listStepDocuments, parseStepParameters, resolveStep, StepAction, StepDocuments } from './documents';
import { failureReason, formatHostProgress, formatStepProgress, formatWaiting } from './format';
import { compareHosts, discoverLabHosts, HostInventory, HostTopology, isOnline, LabHost } from './hosts';

/** A host and what its command did. */
export interface HostStepResult {
  readonly host: LabHost;
  readonly result: HostCommandResult;
}

/** Whether a host's result counts as a success. */
export function succeeded(result: HostCommandResult): boolean {
  return result.outcome === 'Success';
}

// ---------------------------------------------------------------- hosts

/** Where a host stands: READY to take lab steps, or why not. */
export type Readiness = 'READY' | 'NOT READY' | 'OFFLINE' | 'ONLINE';

/** A host with its readiness. `ONLINE` means only the agent was asked (--fast). */
export interface HostReadiness {
  readonly host: LabHost;
  readonly readiness: Readiness;
  readonly reason?: string;
}

/** The file provisioning writes when every component is installed and checked (assets/host/provision.sh). */
export const READY_FILE = '/var/lib/container-networks/ready';
const FAILED_PHASE_FILE = '/var/lib/container-networks/failed-step';

/** The readiness check sent with AWS-RunShellScript: exit 0 when provisioning finished. */
export const READINESS_SCRIPT =
  `if test -f ${READY_FILE}; then echo "READY since $(cat ${READY_FILE})"; ` +
  `elif test -f ${FAILED_PHASE_FILE}; then echo "NOT READY: provisioning failed at $(cat ${FAILED_PHASE_FILE})"; exit 1; ` +
  'else echo "NOT READY: provisioning has not finished"; exit 1; fi';

/**
 * The hosts of the workshop (or one attendee) and their readiness: a host is
 * READY when its SSM agent is Online and it answers the readiness check
 * (`test -f /var/lib/container-networks/ready`); with `fast`, only the agent's
 * status is asked and an Online host is reported ONLINE.
 */
export async function inspectHosts(
  context: LabContext,
  request: { readonly attendee?: string; readonly fast: boolean; readonly timeoutSeconds: number },
): Promise<{ inventory: HostInventory; hosts: HostReadiness[] }> {
  const inventory = await discoverLabHosts(context, { attendee: request.attendee });
  const online = inventory.hosts.filter(isOnline);
  const results = new Map<string, HostCommandResult>();
  if (!request.fast && online.length > 0) {
    context.progress(`readiness check on ${online.length} online host(s) ...`);
    const checked = await runCommand(context, {
      documentName: 'AWS-RunShellScript',
      targets: online.map((host) => ({ instanceId: host.instanceId, parameters: { commands: READINESS_SCRIPT } })),
      timeoutSeconds: request.timeoutSeconds,
      comment: 'cnlab: host readiness',
      onStillWaiting: (waiting, total, seconds) => context.progress(formatWaiting(waiting, total, seconds)),
    });
    checked.forEach((result) => results.set(result.instanceId, result));
  }
  const hosts = inventory.hosts.map((host): HostReadiness => {
    if (!isOnline(host)) {
      return { host, readiness: 'OFFLINE', reason: `agent ${host.agentStatus}, instance ${host.instanceState}` };
    }
    const result = results.get(host.instanceId);
    if (!result) {
      return { host, readiness: 'ONLINE' };
    }
    const answer = firstLine(result.stdout);
    if (result.outcome === 'Success') {
      return { host, readiness: 'READY', ...(answer ? { reason: answer } : {}) };
    }
    return { host, readiness: 'NOT READY', reason: answer || failureReason(result) };
  });
  return { inventory, hosts };
}

// ---------------------------------------------------------------- run / reset

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

/** What happened on every selected host. */
export interface StepActionReport {
  readonly stepId: string;
  readonly action: StepAction;
  readonly documentName: string;
  readonly multiHost: boolean;
  /** Parameter values given with --param (HOSTS not included). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly results: readonly HostStepResult[];
  /** Selected attendees with no host of the step's topology. */
  readonly attendeesWithoutHosts: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Runs one action of a step on the selected attendees' hosts: checks the
 * step, the parameters and the attendee first (so bad input sends nothing),
 * then sends the document and waits, printing a line per host as it finishes.
 */
export async function runStepAction(context: LabContext, request: StepActionRequest): Promise<StepActionReport> {
  const step = resolveStep(await listStepDocuments(context), request.step);
  const documentName = documentNameOf(step, request.action);
  const documentInterface = await describeDocumentInterface(context, documentName);
  const parameters = parseStepParameters(documentInterface, request.params);
  const inventory = await discoverLabHosts(context, { attendee: request.attendee });
  const attendees = request.attendee !== undefined ? [request.attendee] : inventory.attendees;
  const plan = planTargets(inventory.hosts, attendees, documentInterface.multiHost, parameters);
  plan.notSent.forEach(({ host, result }) => context.progress(formatHostProgress(host, result)));
  const results = await sendToHosts(context, documentName, plan, request.timeoutSeconds, `cnlab ${request.action} ${step.stepId}`, true);
  return {
    stepId: step.stepId,
    action: request.action,
    documentName,
    multiHost: documentInterface.multiHost,
    parameters,
    results,
    attendeesWithoutHosts: plan.attendeesWithoutHosts,
    warnings: inventory.warnings,
  };
}

/** Who gets the document with which parameters, and who does not (and why). */
export interface TargetPlan {
  readonly targets: ReadonlyArray<CommandTarget & { readonly host: LabHost }>;
  readonly notSent: readonly HostStepResult[];
  readonly attendeesWithoutHosts: readonly string[];
}

/**
 * Picks each attendee's hosts of the step's topology. A multi-host step goes
 * to the attendee's `multi` hosts with HOSTS = their private addresses in
 * host-index order; if one of them is offline none is sent to (the step
 * needs them all). A single-host step goes to the `single` host. Offline
 * hosts are never sent to.
 */
export function planTargets(hosts: readonly LabHost[], attendees: readonly string[], multiHost: boolean, parameters: Readonly<Record<string, string>>): TargetPlan {
  const topology: HostTopology = multiHost ? 'multi' : 'single';
  const targets: Array<CommandTarget & { host: LabHost }> = [];
  const notSent: HostStepResult[] = [];
  const attendeesWithoutHosts: string[] = [];
  for (const attendee of attendees) {
    const own = hosts
      .filter((host) => host.attendee === attendee && host.topology === topology)
      .sort((a, b) => a.hostIndex - b.hostIndex);
    if (own.length === 0) {
      attendeesWithoutHosts.push(attendee);
      continue;
    }
    const offline = own.filter((host) => !isOnline(host) || (multiHost && !host.privateIp));
    for (const host of offline) {
      notSent.push({ host, result: emptyResult(host.instanceId, 'Offline', `not sent: agent ${host.agentStatus}, instance ${host.instanceState}`) });
    }
    if (multiHost && offline.length > 0) {
      const missing = offline.map((host) => `multi#${host.hostIndex}`).join(', ');
      for (const host of own.filter((candidate) => !offline.includes(candidate))) {
        notSent.push({ host, result: emptyResult(host.instanceId, 'Skipped', `not sent: ${missing} offline, and the step needs every host`) });
      }
      continue;
    }
    const hostParameters = multiHost
      ? { ...parameters, [HOSTS_PARAMETER]: own.map((host) => host.privateIp).join(',') }
      : parameters;
    for (const host of own.filter((candidate) => !offline.includes(candidate))) {
      targets.push({ host, instanceId: host.instanceId, parameters: hostParameters });
    }
  }
  return { targets, notSent, attendeesWithoutHosts };
}

async function sendToHosts(context: LabContext, documentName: string, plan: TargetPlan, timeoutSeconds: number, comment: string, progressPerHost: boolean): Promise<HostStepResult[]> {
  const hostById = new Map(plan.targets.map((target) => [target.instanceId, target.host]));
  const sent = plan.targets.length === 0 ? [] : await runCommand(context, {
    documentName,
    targets: plan.targets.map(({ instanceId, parameters }) => ({ instanceId, parameters })),
    timeoutSeconds,
    comment,
    onHostFinished: progressPerHost
      ? (result, finished, total) => context.progress(formatHostProgress(hostById.get(result.instanceId) as LabHost, result, finished, total))
      : undefined,
    onStillWaiting: (waiting, total, seconds) => context.progress(formatWaiting(waiting, total, seconds)),
  });
  return [
    ...plan.notSent,
    ...sent.map((result) => ({ host: hostById.get(result.instanceId) as LabHost, result })),
  ].sort((a, b) => compareHosts(a.host, b.host));
}

// ---------------------------------------------------------------- check

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

/** What `lab check` does. */
export interface CheckRequest {
  /** One step (`6`, `06`, `06-across-hosts`), or every step when undefined. */
  readonly step?: string;
  readonly attendee?: string;
  readonly timeoutSeconds: number;
}

/** Whether a cell counts as a failure (PASS and N/A do not). */
export function isFailedCell(cell: CheckCell): boolean {
  return cell.verdict !== 'PASS' && cell.verdict !== 'N/A';
}

/**
 * Runs the check document of one step, or of every step one after another,
 * on the selected attendees' hosts, and grades each attendee × step.
 */
export async function checkSteps(context: LabContext, request: CheckRequest): Promise<CheckGrid> {
  const allSteps = await listStepDocuments(context);
  const steps: StepDocuments[] = request.step !== undefined
    ? [resolveStep(allSteps, request.step)]
    : allSteps.filter((step) => step.documentNames.check !== undefined);
  if (request.step !== undefined) {
    documentNameOf(steps[0], 'check');
  }
  const inventory = await discoverLabHosts(context, { attendee: request.attendee });
  const attendees = request.attendee !== undefined ? [request.attendee] : inventory.attendees;
  const cells: CheckCell[] = [];
  for (const step of steps) {
    const documentName = documentNameOf(step, 'check');
    const documentInterface = await describeDocumentInterface(context, documentName);
    const plan = planTargets(inventory.hosts, attendees, documentInterface.multiHost, {});
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

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
}
