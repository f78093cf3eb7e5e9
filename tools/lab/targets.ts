import { HOSTS_PARAMETER, takesHostsParameter, TopologyKind } from '../../lib/contract';
import { CommandTarget, emptyResult, sendCommandAndWait } from './aws/command-runner';
import { LabContext } from './aws/context';
import { compareHosts, FoundHost, isOnline } from './aws/host-inventory';
import { formatHostProgress, formatWaiting } from './format';
import { HostStepResult } from './results';

/** Who gets the document with which parameters, and who does not (and why). */
export interface TargetPlan {
  readonly targets: ReadonlyArray<CommandTarget & { readonly host: FoundHost }>;
  readonly notSent: readonly HostStepResult[];
  readonly attendeesWithoutHosts: readonly string[];
}

/**
 * Picks each attendee's hosts of the step's topology (the documents'
 * cnlab:hosts tag against the hosts' cnlab:topology tag). A step of a
 * topology of several hosts goes to them all with HOSTS = their private
 * addresses in host-index order; if one of them is offline none is sent to
 * (the step needs them all). Offline hosts are never sent to.
 */
export function planTargets(hosts: readonly FoundHost[], attendees: readonly string[], topology: TopologyKind, parameters: Readonly<Record<string, string>>): TargetPlan {
  const needsAll = takesHostsParameter(topology);
  const targets: Array<CommandTarget & { host: FoundHost }> = [];
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
    const offline = own.filter((host) => !isOnline(host) || (needsAll && !host.privateIp));
    for (const host of offline) {
      notSent.push({ host, result: emptyResult(host.instanceId, 'Offline', `not sent: agent ${host.agentStatus}, instance ${host.instanceState}`) });
    }
    const online = own.filter((candidate) => !offline.includes(candidate));
    if (needsAll && offline.length > 0) {
      const missing = offline.map((host) => `${topology}#${host.hostIndex}`).join(', ');
      for (const host of online) {
        notSent.push({ host, result: emptyResult(host.instanceId, 'Skipped', `not sent: ${missing} offline, and the step needs every host`) });
      }
      continue;
    }
    const hostParameters = needsAll
      ? { ...parameters, [HOSTS_PARAMETER.name]: own.map((host) => host.privateIp).join(',') }
      : parameters;
    targets.push(...online.map((host) => ({ host, instanceId: host.instanceId, parameters: hostParameters })));
  }
  return { targets, notSent, attendeesWithoutHosts };
}

/** Sends a document to the planned hosts and waits; the results of every host, sent or not, in host order. */
export async function sendToHosts(context: LabContext, documentName: string, plan: TargetPlan, timeoutSeconds: number, comment: string, progressPerHost: boolean): Promise<HostStepResult[]> {
  const hostById = new Map(plan.targets.map((target) => [target.instanceId, target.host]));
  const sent = plan.targets.length === 0 ? [] : await sendCommandAndWait(context, {
    documentName,
    targets: plan.targets.map(({ instanceId, parameters }) => ({ instanceId, parameters })),
    timeoutSeconds,
    comment,
    onHostFinished: progressPerHost
      ? (result, finished, total) => context.progress(formatHostProgress(hostById.get(result.instanceId) as FoundHost, result, finished, total))
      : undefined,
    onStillWaiting: (waiting, total, seconds) => context.progress(formatWaiting(waiting, total, seconds)),
  });
  return [
    ...plan.notSent,
    ...sent.map((result) => ({ host: hostById.get(result.instanceId) as FoundHost, result })),
  ].sort((a, b) => compareHosts(a.host, b.host));
}
