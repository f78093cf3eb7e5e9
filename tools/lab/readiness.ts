// Whether hosts are ready for the lab steps: what `lab hosts`, `lab check --watch`
// and `lab report` share.
import { FAILED_PHASE_FILE, READY_FILE } from '../../lib/contract';
import { HostCommandResult, sendCommandAndWait } from './aws/command-runner';
import { LabContext } from './aws/context';
import { discoverLabHosts, FoundHost, HostInventory, isOnline } from './aws/host-inventory';
import { failureReason, formatWaiting } from './format';
import { HostReadiness } from './results';

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
  return { inventory, hosts: await askReadiness(context, inventory.hosts, request) };
}

/** How {@link askReadiness} asks. */
export interface ReadinessRequest {
  /** Only the agent's status: an Online host is ONLINE, no command is sent. */
  readonly fast: boolean;
  readonly timeoutSeconds: number;
  /**
   * Hosts already found READY (by instance id): not asked again while their
   * agent is Online, since provisioning never takes the ready file back. The
   * watch passes the hosts of earlier rounds, so a round sends the readiness
   * command only to hosts that were not ready yet.
   */
  readonly knownReady?: ReadonlySet<string>;
}

/** The readiness of the given hosts: one AWS-RunShellScript command to every Online host not known READY. */
export async function askReadiness(context: LabContext, hosts: readonly FoundHost[], request: ReadinessRequest): Promise<HostReadiness[]> {
  const known = request.knownReady ?? new Set<string>();
  const toAsk = hosts.filter((host) => isOnline(host) && !known.has(host.instanceId));
  const results = new Map<string, HostCommandResult>();
  if (!request.fast && toAsk.length > 0) {
    context.progress(`readiness check on ${toAsk.length} online host(s) ...`);
    const checked = await sendCommandAndWait(context, {
      documentName: 'AWS-RunShellScript',
      targets: toAsk.map((host) => ({ instanceId: host.instanceId, parameters: { commands: READINESS_SCRIPT } })),
      timeoutSeconds: request.timeoutSeconds,
      comment: 'cnlab: host readiness',
      onStillWaiting: (waiting, total, seconds) => context.progress(formatWaiting(waiting, total, seconds)),
    });
    checked.forEach((result) => results.set(result.instanceId, result));
  }
  return hosts.map((host): HostReadiness => {
    if (!isOnline(host)) {
      return { host, readiness: 'OFFLINE', reason: `agent ${host.agentStatus}, instance ${host.instanceState}` };
    }
    if (!request.fast && known.has(host.instanceId)) {
      return { host, readiness: 'READY', reason: 'READY (found in an earlier round)' };
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
}
