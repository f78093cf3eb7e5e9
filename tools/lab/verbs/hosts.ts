import { FAILED_PHASE_FILE, READY_FILE } from '../../../lib/contract';
import { HostCommandResult, sendCommandAndWait } from '../aws/command-runner';
import { LabContext } from '../aws/context';
import { discoverLabHosts, HostInventory, isOnline } from '../aws/host-inventory';
import { EXIT_CODES } from '../errors';
import { failureReason, formatHostsTable, formatWaiting } from '../format';
import { HostReadiness } from '../results';
import { LabVerb } from '../verb';

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
      return { host, readiness: 'READY', ...(answer ? { reason: answer } : {}) };
    }
    return { host, readiness: 'NOT READY', reason: answer || failureReason(result) };
  });
  return { inventory, hosts };
}

/** `lab hosts`: the table (or JSON) of every host with its readiness. */
export const hostsVerb: LabVerb = {
  name: 'hosts',
  usage: `  hosts                  each attendee's hosts: instance, topology, index, private IP,
                         SSM agent status, readiness (agent Online and
                         /var/lib/container-networks/ready present)`,
  options: ['attendee', 'all', 'json', 'fast'],
  step: 'none',
  changesHosts: false,
  async run(invocation) {
    const fast = invocation.flags.has('fast');
    const { inventory, hosts } = await inspectHosts(invocation.context, { attendee: invocation.attendee, fast, timeoutSeconds: invocation.timeoutSeconds });
    if (invocation.flags.has('json')) {
      invocation.stdout(`${JSON.stringify({
        workshop: invocation.workshop,
        hosts: hosts.map(({ host, readiness, reason }) => ({ ...host, readiness, ...(reason ? { reason } : {}) })),
        warnings: inventory.warnings,
      }, null, 2)}\n`);
    } else {
      invocation.stdout(`${formatHostsTable(hosts)}\n`);
      inventory.warnings.forEach((warning) => invocation.stderr(`warning: ${warning}`));
    }
    const wanted = fast ? 'ONLINE' : 'READY';
    return hosts.every((host) => host.readiness === wanted) ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};
