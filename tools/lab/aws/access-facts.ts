import { DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, IpPermission } from '@aws-sdk/client-ec2';
import { GetDocumentCommand } from '@aws-sdk/client-ssm';
import { LabContext } from './context';
import { FoundHost } from './host-inventory';
import { chunks, withBackoff } from './retry';
import { StepDocuments } from './step-documents';

// What the attendee cards need beyond the hosts: the region, which hosts SSH
// reaches, the key pairs' ids (the SSM parameter of a private key is
// /ec2/keypair/<id>), and the steps' titles.

/** The region the clients talk to. */
export async function regionOf(context: LabContext): Promise<string> {
  return context.ssm.config.region();
}

/** Whether an ingress rule admits TCP port 22. */
function admitsSsh(permission: IpPermission): boolean {
  if (permission.IpProtocol === '-1') {
    return true;
  }
  return permission.IpProtocol === 'tcp' && (permission.FromPort ?? 0) <= 22 && (permission.ToPort ?? 65535) >= 22;
}

/** Instance ids of the hosts one of whose security groups admits TCP port 22 from somewhere. */
export async function hostsWithSshOpen(context: LabContext, hosts: readonly FoundHost[]): Promise<Set<string>> {
  const groupIds = [...new Set(hosts.flatMap((host) => host.securityGroupIds ?? []))];
  const open = new Set<string>();
  for (const batch of chunks(groupIds, 200)) {
    const page = await withBackoff(() => context.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: batch })), context.backoff);
    for (const group of page?.SecurityGroups ?? []) {
      if (group.GroupId && (group.IpPermissions ?? []).some(admitsSsh)) {
        open.add(group.GroupId);
      }
    }
  }
  return new Set(hosts.filter((host) => (host.securityGroupIds ?? []).some((id) => open.has(id))).map((host) => host.instanceId));
}

/** Key pair id by key pair name, for the hosts' key pairs. */
export async function keyPairIds(context: LabContext, hosts: readonly FoundHost[]): Promise<Map<string, string>> {
  const names = [...new Set(hosts.map((host) => host.keyName).filter((name): name is string => !!name))];
  const ids = new Map<string, string>();
  if (names.length > 0) {
    // Filter rather than KeyNames: a key pair deleted since the hosts launched is then just missing, not an error.
    const page = await withBackoff(() => context.ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: names }] })), context.backoff);
    for (const pair of page?.KeyPairs ?? []) {
      if (pair.KeyName && pair.KeyPairId) {
        ids.set(pair.KeyName, pair.KeyPairId);
      }
    }
  }
  return ids;
}

/** `06-across-hosts` -> `Across hosts`: the title when a document does not give one. */
export function titleFromStepId(stepId: string): string {
  const words = stepId.replace(/^\d\d-/, '').replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A step's title, from its run document's description (`<title> (<id>, run): <summary>`, as LabStep writes it). */
export async function stepTitle(context: LabContext, step: StepDocuments): Promise<string> {
  const documentName = step.documentNames.run ?? step.documentNames.check;
  if (!documentName) {
    return titleFromStepId(step.stepId);
  }
  const document = await withBackoff(() => context.ssm.send(new GetDocumentCommand({ Name: documentName })), context.backoff);
  let description = '';
  try {
    description = String((JSON.parse(document?.Content ?? '{}') as { description?: unknown }).description ?? '');
  } catch {
    description = '';
  }
  const marker = ` (${step.stepId}, `;
  return description.includes(marker) ? description.slice(0, description.indexOf(marker)) : titleFromStepId(step.stepId);
}
