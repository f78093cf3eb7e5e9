import { EXIT_CODES } from '../errors';
import { formatHostsTable } from '../format';
import { inspectHosts } from '../readiness';
import { LabVerb } from '../verb';

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
