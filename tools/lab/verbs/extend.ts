import { discoverLabHosts, STACK_NAME_TAG } from '../aws/host-inventory';
import { mapWithConcurrency } from '../aws/retry';
import { extendStackExpiry, ExtendResult } from '../aws/stacks';
import { EXIT_CODES } from '../errors';
import { formatExtendReport } from '../format';
import { LabVerb } from '../verb';

/** Attendee stacks updated at the same time. */
const EXTEND_CONCURRENCY = 5;

/**
 * `lab extend (--attendee NAME | --all) --hours N`: moves each selected
 * attendee's expiry N hours later (from now, when it has passed). The expiry
 * is the attendee stack's parameter ExpiresAt: the stack is updated with its
 * deployed template and that one parameter changed, so the schedule and the
 * hosts' `expires-at` tags move together, the hosts' warnings follow the tag,
 * and a later `cdk deploy` keeps the new time (it passes the previous value).
 */
export const extendVerb: LabVerb = {
  name: 'extend',
  usage: `  extend --hours N        move the expiry of an attendee's lab (--attendee NAME) or of
                         every attendee (--all) N hours later; a later cdk deploy keeps it`,
  options: ['attendee', 'all', 'hours'],
  step: 'none',
  changesHosts: true,
  async run(invocation) {
    const { context } = invocation;
    const inventory = await discoverLabHosts(context, { attendee: invocation.attendee });
    const attendees = invocation.attendee !== undefined ? [invocation.attendee] : inventory.attendees;
    const stackOf = new Map<string, string>();
    const warnings = [...inventory.warnings];
    for (const attendee of attendees) {
      const stacks = [...new Set(inventory.hosts.filter((host) => host.attendee === attendee && host.stackName).map((host) => host.stackName as string))];
      if (stacks.length === 1) {
        stackOf.set(attendee, stacks[0]);
      } else {
        warnings.push(`${attendee}: ${stacks.length === 0 ? `no host says which stack made it (tag ${STACK_NAME_TAG})` : `hosts of several stacks (${stacks.join(', ')})`}; not extended`);
      }
    }
    const hours = invocation.hours as number;
    context.progress(`extending ${stackOf.size} attendee stack(s) by ${hours} h ...`);
    const results = await mapWithConcurrency([...stackOf.entries()], EXTEND_CONCURRENCY, async ([attendee, stackName]): Promise<ExtendResult & { attendee: string }> => {
      const result = await extendStackExpiry(context, stackName, hours, invocation.timeoutSeconds);
      context.progress(`${attendee} (${stackName}): ${result.ok ? `${result.before || 'never'} -> ${result.after}` : `${result.status}${result.detail ? `: ${result.detail}` : ''}`}`);
      return { ...result, attendee };
    });
    const stopped = inventory.hosts.filter((host) => stackOf.has(host.attendee) && (host.instanceState === 'stopped' || host.instanceState === 'stopping'));
    invocation.stdout(`${formatExtendReport(results, stopped, warnings)}\n`);
    return results.length > 0 && results.length === attendees.length && results.every((result) => result.ok) ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};
