import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DEFAULT_EXPIRES_AFTER_HOURS, EXPIRES_AFTER_HOURS_RANGE, ExpiryAction, EXPIRY_ACTIONS } from './expiry/lab-expiry';
import { DEFAULT_HOST_OS, HostOs, HOST_OSES, hostOsProblem, RETIRED_HOST_OSES } from './host/host-os';

/** Which topologies an attendee gets. */
export type TopologyKind = 'single' | 'multi';

/** All topology kinds, in the order the labs use them. */
export const TOPOLOGY_KINDS: readonly TopologyKind[] = ['single', 'multi'];

/** The validated settings of a workshop deployment, read from CDK context. */
export interface WorkshopConfig {
  /** Workshop name: prefix of stack and document names, value of the `workshop` tag. */
  readonly workshopName: string;
  /** Attendee names, in the order given; each gets a stack `<workshopName>-<attendee>`. */
  readonly attendees: readonly string[];
  /** IPv4 CIDR allowed to reach the hosts on port 22, or undefined for no SSH (Session Manager only). */
  readonly sshCidr?: string;
  /** Whether sshCidr may be 0.0.0.0/0 (context allowSshFromAnywhere=true). */
  readonly allowSshFromAnywhere: boolean;
  /** EC2 instance type of the lab hosts. */
  readonly instanceType: ec2.InstanceType;
  /** Operating system of the lab hosts. */
  readonly hostOs: HostOs;
  /** A fixed AMI id to boot instead of the OS's public AMI parameter (pinned image, or a local AWS emulator's), if given. */
  readonly amiId?: string;
  /** Number of hosts of the multi-host topology. */
  readonly multiHostCount: number;
  /** Which topologies each attendee gets. */
  readonly topologies: readonly TopologyKind[];
  /** Hours after the deployment that the attendees' labs expire (used when expiresAt is not given). */
  readonly expiresAfterHours: number;
  /** A fixed expiry time (context expiresAt), or undefined to count expiresAfterHours from the deployment. */
  readonly expiresAt?: Date;
  /** What expiry does: stop the hosts, or delete the attendee stacks. */
  readonly expiryAction: ExpiryAction;
  /** Whether to synthesize for AWS Workshop Studio (no bootstrap; assets in ${AssetsBucketName}/${AssetsBucketPrefix}). */
  readonly workshopStudio: boolean;
}

/** Defaults used when a context key is not given. */
export const CONFIG_DEFAULTS = {
  workshopName: 'container-networks',
  attendees: 'attendee1',
  instanceType: 't3.large',
  hostOs: DEFAULT_HOST_OS,
  multiHostCount: 2,
  topologies: 'single,multi',
  expiresAfterHours: DEFAULT_EXPIRES_AFTER_HOURS,
  expiryAction: 'stop' as ExpiryAction,
} as const;

/** The context keys this app reads. Any other plain key is a typo and fails the synth. */
export const CONTEXT_KEYS = [
  'workshopName',
  'attendees',
  'sshCidr',
  'allowSshFromAnywhere',
  'instanceType',
  'hostOs',
  'multiHostCount',
  'topologies',
  'amiId',
  'expiresAfterHours',
  'expiresAt',
  'expiryAction',
  'workshopStudio',
] as const;

/** Lowest and highest number of hosts of the multi-host topology. */
export const MULTI_HOST_COUNT_RANGE = { min: 2, max: 8 } as const;

/** Workshop names: they prefix stack names and SSM document names. */
export const WORKSHOP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** Attendee names: they become part of a stack name and a tag value. */
export const ATTENDEE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** family.size, e.g. t3.large, m7i.xlarge, c6in.2xlarge, m5zn.metal, u-6tb1.metal. */
const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Context keys that belong to the CDK itself (feature flags, CLI settings,
 * cached lookups) rather than to this app: `@aws-cdk/...` flags, `aws:cdk:...`
 * and `cdk-...` settings from the CLI, `availability-zones:account=...` style
 * lookup caches (any key with a colon) and the CLI's notice acknowledgements.
 */
function isCdkOwnedKey(key: string): boolean {
  return key.startsWith('@') || key.startsWith('aws') || key.startsWith('cdk') ||
    key.includes(':') || key === 'acknowledged-issue-numbers';
}

/** Reads and validates the workshop settings from context (values as given by `-c key=value` or cdk.json). */
export function parseWorkshopConfig(context: Record<string, unknown>): WorkshopConfig {
  const errors: string[] = [];
  const invalid = (key: string, value: unknown, allowed: string): void => {
    errors.push(`Invalid context '${key}': ${JSON.stringify(typeof value === 'string' ? value : String(value))} — allowed: ${allowed}.`);
  };
  const text = (key: string): string | undefined => {
    const value = context[key];
    if (value === undefined || value === null) {
      return undefined;
    }
    return String(value).trim();
  };

  const known = new Set<string>(CONTEXT_KEYS);
  const unknown = Object.keys(context).filter((key) => !known.has(key) && !isCdkOwnedKey(key)).sort();
  for (const key of unknown) {
    errors.push(`Unknown context '${key}' — allowed keys: ${CONTEXT_KEYS.join(', ')}.`);
  }

  const workshopName = text('workshopName') ?? CONFIG_DEFAULTS.workshopName;
  if (!WORKSHOP_NAME_PATTERN.test(workshopName) || /^(aws|amazon|amzn)/.test(workshopName)) {
    invalid('workshopName', workshopName,
      'a lower case letter, then up to 30 lower case letters, digits or dashes, not starting with aws, amazon or amzn');
  }

  const attendeesText = text('attendees') ?? CONFIG_DEFAULTS.attendees;
  const attendees = attendeesText.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const attendeeRule = 'a comma-separated list of unique names, each a lower case letter then up to 31 lower case letters, digits or dashes';
  if (attendees.length === 0) {
    invalid('attendees', attendeesText, attendeeRule);
  } else {
    const bad = attendees.filter((name) => !ATTENDEE_NAME_PATTERN.test(name));
    const duplicates = attendees.filter((name, index) => attendees.indexOf(name) !== index);
    if (bad.length > 0) {
      invalid('attendees', bad.join(','), attendeeRule);
    }
    if (duplicates.length > 0) {
      invalid('attendees', `${[...new Set(duplicates)].join(',')} given twice`, attendeeRule);
    }
  }

  const allowAnywhereText = text('allowSshFromAnywhere') ?? 'false';
  if (allowAnywhereText !== 'true' && allowAnywhereText !== 'false') {
    invalid('allowSshFromAnywhere', allowAnywhereText, 'true or false');
  }
  const sshCidr = text('sshCidr');
  if (sshCidr !== undefined && sshCidr !== '') {
    const problem = ipv4CidrProblem(sshCidr);
    if (problem) {
      invalid('sshCidr', sshCidr, `an IPv4 CIDR such as 203.0.113.0/24 (${problem})`);
    } else if (sshCidr.endsWith('/0') && allowAnywhereText !== 'true') {
      invalid('sshCidr', sshCidr,
        'a CIDR narrower than /0 (SSH from the whole internet also needs -c allowSshFromAnywhere=true)');
    }
  }

  const instanceTypeText = text('instanceType') ?? CONFIG_DEFAULTS.instanceType;
  if (!INSTANCE_TYPE_PATTERN.test(instanceTypeText)) {
    invalid('instanceType', instanceTypeText, 'an EC2 instance type written family.size, e.g. t3.large');
  }

  const hostOs = text('hostOs') ?? CONFIG_DEFAULTS.hostOs;
  if (hostOsProblem(hostOs) !== undefined) {
    invalid('hostOs', hostOs, `${HOST_OSES.join(' or ')}${RETIRED_HOST_OSES[hostOs] ? ` (${RETIRED_HOST_OSES[hostOs]})` : ''}`);
  }

  const amiId = text('amiId');
  if (amiId !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(amiId)) {
    invalid('amiId', amiId, 'an AMI id such as ami-0123456789abcdef0, of the hostOs kind of system');
  }

  const countText = text('multiHostCount') ?? String(CONFIG_DEFAULTS.multiHostCount);
  const multiHostCount = Number(countText);
  if (!/^\d+$/.test(countText) || multiHostCount < MULTI_HOST_COUNT_RANGE.min || multiHostCount > MULTI_HOST_COUNT_RANGE.max) {
    invalid('multiHostCount', countText,
      `a whole number from ${MULTI_HOST_COUNT_RANGE.min} to ${MULTI_HOST_COUNT_RANGE.max}`);
  }

  const topologiesText = text('topologies') ?? CONFIG_DEFAULTS.topologies;
  const topologies = topologiesText.split(',').map((kind) => kind.trim()).filter((kind) => kind !== '');
  const topologyRule = `a non-empty comma-separated list of ${TOPOLOGY_KINDS.join(', ')}`;
  if (topologies.length === 0 || topologies.some((kind) => !(TOPOLOGY_KINDS as readonly string[]).includes(kind)) ||
    new Set(topologies).size !== topologies.length) {
    invalid('topologies', topologiesText, topologyRule);
  }

  const hoursText = text('expiresAfterHours') ?? String(CONFIG_DEFAULTS.expiresAfterHours);
  const expiresAfterHours = Number(hoursText);
  if (!/^\d+$/.test(hoursText) || expiresAfterHours < EXPIRES_AFTER_HOURS_RANGE.min || expiresAfterHours > EXPIRES_AFTER_HOURS_RANGE.max) {
    invalid('expiresAfterHours', hoursText,
      `a whole number of hours from ${EXPIRES_AFTER_HOURS_RANGE.min} to ${EXPIRES_AFTER_HOURS_RANGE.max}`);
  }
  const expiresAtText = text('expiresAt');
  let expiresAt: Date | undefined;
  if (expiresAtText !== undefined && expiresAtText !== '') {
    expiresAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(expiresAtText) ? new Date(expiresAtText) : undefined;
    if (!expiresAt || Number.isNaN(expiresAt.getTime()) || expiresAt.toISOString().slice(0, 16) !== expiresAtText.slice(0, 16)) {
      invalid('expiresAt', expiresAtText, 'a UTC time written yyyy-mm-ddThh:mm[:ss]Z, e.g. 2026-05-04T18:00:00Z');
      expiresAt = undefined;
    }
  }
  const expiryAction = text('expiryAction') ?? CONFIG_DEFAULTS.expiryAction;
  if (!(EXPIRY_ACTIONS as readonly string[]).includes(expiryAction)) {
    invalid('expiryAction', expiryAction, EXPIRY_ACTIONS.join(' or '));
  }
  const workshopStudioText = text('workshopStudio') ?? 'false';
  if (workshopStudioText !== 'true' && workshopStudioText !== 'false') {
    invalid('workshopStudio', workshopStudioText, 'true or false');
  }

  if (errors.length > 0) {
    throw new Error(`The workshop settings are not valid:\n  ${errors.join('\n  ')}`);
  }

  return {
    workshopName,
    attendees,
    sshCidr: sshCidr === '' ? undefined : sshCidr,
    allowSshFromAnywhere: allowAnywhereText === 'true',
    instanceType: new ec2.InstanceType(instanceTypeText),
    hostOs: hostOs as HostOs,
    amiId: amiId === '' ? undefined : amiId,
    multiHostCount,
    topologies: TOPOLOGY_KINDS.filter((kind) => topologies.includes(kind)),
    expiresAfterHours,
    expiresAt,
    expiryAction: expiryAction as ExpiryAction,
    workshopStudio: workshopStudioText === 'true',
  };
}

/** Why a text is not an IPv4 CIDR in canonical form, or undefined when it is one. */
export function ipv4CidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return 'not written a.b.c.d/n';
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) {
    return 'an address part is above 255';
  }
  if (prefix > 32) {
    return 'the prefix length is above 32';
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    const network = (address & mask) >>> 0;
    const text = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.');
    return `host bits are set; did you mean ${text}/${prefix}?`;
  }
  return undefined;
}
