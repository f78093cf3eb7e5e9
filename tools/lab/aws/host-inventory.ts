import { DescribeInstancesCommand, DescribeInstancesCommandOutput, Instance } from '@aws-sdk/client-ec2';
import { DescribeInstanceInformationCommand, DescribeInstanceInformationCommandOutput } from '@aws-sdk/client-ssm';
import { ATTENDEE_NAME_RULE, isTopologyKind, isValidAttendeeName, LAB_TAGS, quoteInput, TopologyKind, TOPOLOGY_KINDS } from '../../../lib/contract';
import { LabInputError } from '../errors';
import { LabContext } from './context';
import { chunks, withBackoff } from './retry';

/** One lab host, as EC2 describes it and its tags place it, with its SSM agent's status. */
export interface FoundHost {
  readonly attendee: string;
  readonly instanceId: string;
  readonly topology: TopologyKind;
  /** Position within its topology, from 1 (tag cnlab:host-index). */
  readonly hostIndex: number;
  /** VPC private IPv4 address (from EC2: the SSM agent may report a Docker or OVS bridge address). */
  readonly privateIp?: string;
  /** EC2 state: pending, running, stopping, stopped. */
  readonly instanceState: string;
  /** The stack that made it (CloudFormation's tag aws:cloudformation:stack-name), when known. */
  readonly stackName?: string;
  /**
   * SSM agent PingStatus (Online, ConnectionLost, Inactive); NotRegistered when
   * SSM does not know the instance; {@link AGENT_STATUS_NOT_REPORTED} when the
   * endpoint cannot tell (an emulator without DescribeInstanceInformation).
   */
  readonly agentStatus: string;
  /** Public IPv4 address, when it has one (a stopped host has none). */
  readonly publicIp?: string;
  /** Tag `expires-at`: when the attendee's lab expires (UTC, yyyy-mm-ddThh:mm:ssZ). */
  readonly expiresAt?: string;
  /** Tag `Name`. */
  readonly name?: string;
  /** Tag `cnlab:login-user`: the image's login user, for SSH. */
  readonly loginUser?: string;
  /** EC2 instance type, e.g. t3.large. */
  readonly instanceType?: string;
  /** When EC2 last started the instance (ISO 8601). */
  readonly launchTime?: string;
  /** The key pair the instance was launched with. */
  readonly keyName?: string;
  /** Its security groups. */
  readonly securityGroupIds?: readonly string[];
  /** EBS volumes attached to it (the root volume first). */
  readonly volumeIds?: readonly string[];
}

/**
 * Agent status of every host when a custom endpoint (AWS_ENDPOINT_URL, e.g.
 * moto_server) does not implement DescribeInstanceInformation: commands are
 * sent anyway and SendCommand decides.
 */
export const AGENT_STATUS_NOT_REPORTED = 'NotReported';

/** Whether commands can be sent to a host. */
export function isOnline(host: FoundHost): boolean {
  return host.agentStatus === 'Online' || host.agentStatus === AGENT_STATUS_NOT_REPORTED;
}

/** `alice multi#2 (i-0abc...)`: how reports name a host. */
export function describeHost(host: FoundHost): string {
  return `${host.attendee} ${host.topology}#${host.hostIndex} (${host.instanceId})`;
}

/** Which hosts to look at. */
export interface HostSelection {
  /** One attendee, or every attendee of the workshop when undefined. */
  readonly attendee?: string;
  /** Return an empty inventory, instead of an error naming the workshops there are, when the workshop has no hosts. */
  readonly allowNone?: boolean;
}

/** The tag CloudFormation puts on every instance it creates: the stack's name. */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';

/** The hosts found, and problems with tags that made some instances unusable. */
export interface HostInventory {
  /** Selected hosts, ordered by attendee, topology (single first), host index. */
  readonly hosts: readonly FoundHost[];
  /** Every attendee of the workshop that has hosts, sorted. */
  readonly attendees: readonly string[];
  /** Instances skipped because a tag is missing or invalid. */
  readonly warnings: readonly string[];
}

/** EC2 states of instances that still exist (terminated ones are left out). */
const LIVE_INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped'];

/**
 * Finds the workshop's lab hosts by their tags: EC2 DescribeInstances with the
 * `workshop` tag (EC2 because it returns the instances' tags and VPC private
 * addresses; SSM's ListTagsForResource only takes hybrid `mi-` nodes), then SSM
 * DescribeInstanceInformation for the agents' PingStatus. Throws
 * {@link LabInputError} for an invalid or unknown attendee, or when the
 * workshop has no hosts.
 */
export async function discoverLabHosts(context: LabContext, selection: HostSelection = {}): Promise<HostInventory> {
  if (selection.attendee !== undefined && !isValidAttendeeName(selection.attendee)) {
    throw new LabInputError(`Invalid attendee name ${quoteInput(selection.attendee)}: allowed is ${ATTENDEE_NAME_RULE}.`);
  }
  const warnings: string[] = [];
  const tagged = await describeTaggedInstances(context, [
    { Name: `tag:${LAB_TAGS.workshop}`, Values: [context.workshop] },
    { Name: 'tag-key', Values: [LAB_TAGS.topology] },
  ]);
  if (tagged.length === 0) {
    if (selection.allowNone && selection.attendee === undefined) {
      return { hosts: [], attendees: [], warnings };
    }
    throw new LabInputError(await noHostsMessage(context));
  }
  const allHosts = tagged.flatMap((instance) => {
    const parsed = parseHostTags(instance);
    if (typeof parsed === 'string') {
      warnings.push(parsed);
      return [];
    }
    return [parsed];
  });
  const attendees = [...new Set(allHosts.map((host) => host.attendee))].sort();
  if (selection.attendee !== undefined && !attendees.includes(selection.attendee)) {
    throw new LabInputError(
      `Unknown attendee ${quoteInput(selection.attendee)} in workshop ${JSON.stringify(context.workshop)}: ` +
      `attendees with lab hosts are ${attendees.join(', ') || '(none)'}.`,
    );
  }
  const selected = allHosts.filter((host) => selection.attendee === undefined || host.attendee === selection.attendee);
  const agentStatuses = await describeAgentStatuses(context, selected.map((host) => host.instanceId));
  if (!agentStatuses) {
    warnings.push(`the endpoint ${process.env.AWS_ENDPOINT_URL} does not implement SSM DescribeInstanceInformation: agent status not reported, commands are sent to every host.`);
  }
  const hosts = selected
    .map((host): FoundHost => ({ ...host, agentStatus: agentStatuses ? agentStatuses.get(host.instanceId) ?? 'NotRegistered' : AGENT_STATUS_NOT_REPORTED }))
    .sort(compareHosts);
  for (const duplicate of findDuplicatePositions(hosts)) {
    warnings.push(duplicate);
  }
  return { hosts, attendees, warnings };
}

/** Orders hosts by attendee, then topology (in the contract's order: single before multi), then host index. */
export function compareHosts(a: FoundHost, b: FoundHost): number {
  return a.attendee.localeCompare(b.attendee) ||
    TOPOLOGY_KINDS.indexOf(a.topology) - TOPOLOGY_KINDS.indexOf(b.topology) ||
    a.hostIndex - b.hostIndex ||
    a.instanceId.localeCompare(b.instanceId);
}

async function describeTaggedInstances(context: LabContext, filters: Array<{ Name: string; Values: string[] }>): Promise<Instance[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page: DescribeInstancesCommandOutput = await withBackoff(() => context.ec2.send(new DescribeInstancesCommand({
      Filters: [...filters, { Name: 'instance-state-name', Values: LIVE_INSTANCE_STATES }],
      MaxResults: 1000,
      NextToken: nextToken,
    })), context.backoff);
    for (const reservation of page.Reservations ?? []) {
      instances.push(...(reservation.Instances ?? []));
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return instances;
}

/** Names the workshops that do have lab hosts, so a mistyped --workshop is easy to fix. */
async function noHostsMessage(context: LabContext): Promise<string> {
  const anyFoundHost = await describeTaggedInstances(context, [{ Name: 'tag-key', Values: [LAB_TAGS.topology] }]);
  const workshops = [...new Set(anyFoundHost.map((instance) => tagValue(instance, LAB_TAGS.workshop)).filter((name): name is string => !!name))].sort();
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '(region from your AWS profile)';
  return `No lab hosts tagged workshop=${context.workshop} in ${region}. ` +
    (workshops.length > 0 ? `Workshops with lab hosts there: ${workshops.join(', ')} (choose one with --workshop).` : 'No workshop has lab hosts there: check AWS_REGION / AWS_PROFILE, or deploy first.');
}

function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((tag) => tag.Key === key)?.Value;
}

/** A host from an instance's tags, or a warning saying which tag is wrong. */
function parseHostTags(instance: Instance): Omit<FoundHost, 'agentStatus'> | string {
  const instanceId = instance.InstanceId ?? '(no id)';
  const attendee = tagValue(instance, LAB_TAGS.attendee);
  const topology = tagValue(instance, LAB_TAGS.topology);
  const indexText = tagValue(instance, LAB_TAGS.hostIndex);
  if (!attendee) {
    return `${instanceId}: skipped, no '${LAB_TAGS.attendee}' tag.`;
  }
  if (!isTopologyKind(topology)) {
    return `${instanceId}: skipped, tag ${LAB_TAGS.topology}=${JSON.stringify(topology)} (allowed: ${TOPOLOGY_KINDS.join(', ')}).`;
  }
  const hostIndex = Number(indexText);
  if (!indexText || !Number.isInteger(hostIndex) || hostIndex < 1) {
    return `${instanceId}: skipped, tag ${LAB_TAGS.hostIndex}=${JSON.stringify(indexText)} (allowed: 1, 2, ...).`;
  }
  return {
    attendee,
    instanceId,
    topology,
    hostIndex,
    privateIp: instance.PrivateIpAddress,
    instanceState: instance.State?.Name ?? 'unknown',
    ...instanceDetails(instance),
  };
}

/** What the pages and the watch show besides a host's place: addresses, expiry, type, key, groups, volumes. */
function instanceDetails(instance: Instance): Partial<FoundHost> {
  const volumes = (instance.BlockDeviceMappings ?? [])
    .sort((a, b) => Number(b.DeviceName === instance.RootDeviceName) - Number(a.DeviceName === instance.RootDeviceName))
    .map((mapping) => mapping.Ebs?.VolumeId)
    .filter((id): id is string => !!id);
  const details: Partial<Record<keyof FoundHost, unknown>> = {
    publicIp: instance.PublicIpAddress,
    expiresAt: tagValue(instance, LAB_TAGS.expiresAt),
    stackName: tagValue(instance, STACK_NAME_TAG),
    name: tagValue(instance, 'Name'),
    loginUser: tagValue(instance, LAB_TAGS.loginUser),
    instanceType: instance.InstanceType,
    launchTime: instance.LaunchTime ? new Date(instance.LaunchTime).toISOString() : undefined,
    keyName: instance.KeyName,
    securityGroupIds: instance.SecurityGroups?.map((group) => group.GroupId).filter((id): id is string => !!id),
    volumeIds: volumes.length > 0 ? volumes : undefined,
  };
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as Partial<FoundHost>;
}

function findDuplicatePositions(hosts: readonly FoundHost[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const host of hosts) {
    const position = `${host.attendee} ${host.topology}#${host.hostIndex}`;
    const earlier = seen.get(position);
    if (earlier) {
      problems.push(`${position}: two instances have this position (${earlier}, ${host.instanceId}); HOSTS order is ambiguous.`);
    }
    seen.set(position, host.instanceId);
  }
  return problems;
}

/**
 * PingStatus by instance id, asked 50 ids at a time; undefined when a custom
 * endpoint does not implement DescribeInstanceInformation (moto_server answers
 * it with an HTML error page, which no SSM endpoint does).
 */
async function describeAgentStatuses(context: LabContext, instanceIds: readonly string[]): Promise<Map<string, string> | undefined> {
  try {
    return await askAgentStatuses(context, instanceIds);
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    const notImplemented = name === 'SyntaxError' || name === 'UnknownOperationException' || $metadata?.httpStatusCode === 404 || $metadata?.httpStatusCode === 501;
    if (process.env.AWS_ENDPOINT_URL && notImplemented) {
      return undefined;
    }
    throw error;
  }
}

async function askAgentStatuses(context: LabContext, instanceIds: readonly string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  for (const batch of chunks(instanceIds, 50)) {
    let nextToken: string | undefined;
    do {
      const page: DescribeInstanceInformationCommandOutput = await withBackoff(() => context.ssm.send(new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: batch }],
        MaxResults: 50,
        NextToken: nextToken,
      })), context.backoff);
      for (const info of page.InstanceInformationList ?? []) {
        if (info.InstanceId) {
          statuses.set(info.InstanceId, info.PingStatus ?? 'NotRegistered');
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return statuses;
}
