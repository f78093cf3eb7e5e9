import { AttendeeStackState, findStacksNeedingAction } from '../aws/stacks';
import { EXIT_CODES } from '../errors';
import { formatHostsTable, formatStacksNeedingAction } from '../format';
import { inspectHosts } from '../readiness';
import { HostReadiness } from '../results';
import { timeLeft } from '../time-left';
import { LabVerb } from '../verb';

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
      ...(host.expiresAt && !Number.isNaN(Date.parse(host.expiresAt)) ? { secondsLeft: Math.round((Date.parse(host.expiresAt) - now) / 1000), timeLeft: timeLeft([host], now).label } : {}),
    })),
    stacksNeedingAction: stacks,
    warnings,
  };
}
