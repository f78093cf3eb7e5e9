import { DEGRADED_FILE, FAILED_PHASE_FILE, READY_FILE } from '../../../lib/contract';
import { HostCommandResult, sendCommandAndWait } from '../aws/command-runner';
import { LabContext } from '../aws/context';
import { discoverLabHosts, HostInventory, isOnline } from '../aws/host-inventory';
import { AttendeeStackState, findStacksNeedingAction } from '../aws/stacks';
import { EXIT_CODES } from '../errors';
import { failureReason, formatHostsTable, formatStacksNeedingAction, formatWaiting, timeLeft } from '../format';
import { HostReadiness } from '../results';
import { LabVerb } from '../verb';

/**
 * The readiness check sent with AWS-RunShellScript: exit 0 when provisioning
 * finished, saying ", degraded: ..." when a component could not do its part
 * (the degraded file's lines, joined).
 */
export const READINESS_SCRIPT =
  `if test -f ${READY_FILE}; then echo "READY since $(cat ${READY_FILE})$(test -s ${DEGRADED_FILE} && printf ', degraded: %s' "$(paste -sd ';' ${DEGRADED_FILE})")"; ` +
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
  request: { readonly attendee?: string; readonly fast: boolean; readonly timeoutSeconds: number; readonly allowNone?: boolean },
): Promise<{ inventory: HostInventory; hosts: HostReadiness[] }> {
  const inventory = await discoverLabHosts(context, { attendee: request.attendee, allowNone: request.allowNone });
  const online = inventory.hosts.filter(isOnline);
  const results = new Map<string, HostCommandResult>();
  if (!request.fast && online.length > 0) {
    context.progress(`readiness check on ${online.length} online host(s) ...`);
    const checked = await sendCommandAndWait(context, {
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
    const answer = result.stdout.split('\n').map((line) => line.trim()).find(Boolean) ?? '';
    if (result.outcome === 'Success') {
      const degraded = /, degraded: (.*)$/.exec(answer)?.[1];
      return { host, readiness: 'READY', ...(answer ? { reason: answer } : {}), ...(degraded ? { degraded } : {}) };
    }
    return { host, readiness: 'NOT READY', reason: answer || failureReason(result) };
  });
  return { inventory, hosts };
}

/** `lab hosts`: the table (or JSON) of every host with its readiness and time left, and the attendee stacks that need the organiser. */
export const hostsVerb: LabVerb = {
  name: 'hosts',
  usage: `  hosts                  each attendee's hosts: instance, topology, index, private IP,
                         SSM agent status, readiness (agent Online and
                         /var/lib/container-networks/ready present), time left;
                         and attendee stacks a deletion left in DELETE_FAILED`,
  options: ['attendee', 'all', 'json', 'fast'],
  step: 'none',
  changesHosts: false,
  async run(invocation) {
    const { context } = invocation;
    const fast = invocation.flags.has('fast');
    // Stacks first: a stack whose deletion failed may have no host left to find.
    const stacks = (await findStacksNeedingAction(context)).filter((stack) => invocation.attendee === undefined || stack.attendee === invocation.attendee);
    const { inventory, hosts } = await inspectHosts(context, { attendee: invocation.attendee, fast, timeoutSeconds: invocation.timeoutSeconds, allowNone: stacks.length > 0 });
    const now = context.now();
    if (invocation.flags.has('json')) {
      invocation.stdout(`${JSON.stringify(hostsToJson(invocation.workshop, hosts, stacks, inventory.warnings, now), null, 2)}\n`);
    } else {
      const degraded = hosts.filter((host) => host.degraded !== undefined);
      invocation.stdout(`${[
        hosts.length > 0 ? formatHostsTable(hosts, now) : `No lab hosts of workshop ${invocation.workshop}.`,
        ...(degraded.length > 0 ? ['', `${degraded.length} host(s) ready but degraded (the steps that need what is missing say so): ${degraded.map((host) => `${host.host.attendee} ${host.host.topology}#${host.host.hostIndex}: ${host.degraded}`).join('; ')}`] : []),
        ...(stacks.length > 0 ? ['', formatStacksNeedingAction(stacks)] : []),
      ].join('\n')}\n`);
      inventory.warnings.forEach((warning) => invocation.stderr(`warning: ${warning}`));
    }
    const wanted = fast ? 'ONLINE' : 'READY';
    return stacks.length === 0 && hosts.every((host) => host.readiness === wanted) ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};

/** `lab hosts --json`: hosts with readiness and seconds left, and the stacks that need the organiser. */
function hostsToJson(workshop: string, hosts: readonly HostReadiness[], stacks: readonly AttendeeStackState[], warnings: readonly string[], now: number): object {
  return {
    workshop,
    hosts: hosts.map(({ host, readiness, reason, degraded }) => ({
      ...host, readiness, ...(reason ? { reason } : {}), ...(degraded ? { degraded } : {}),
      ...(host.expiresAt && !Number.isNaN(Date.parse(host.expiresAt)) ? { secondsLeft: Math.round((Date.parse(host.expiresAt) - now) / 1000), timeLeft: timeLeft(host.expiresAt, now) } : {}),
    })),
    stacksNeedingAction: stacks,
    warnings,
  };
}
