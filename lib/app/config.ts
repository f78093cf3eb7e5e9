import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ATTENDEE_NAME_RULE, DEFAULT_WORKSHOP_NAME, hostCountProblem, ipv4CidrProblem, isValidAttendeeName, isValidWorkshopName,
  TOPOLOGIES, TopologyKind, TOPOLOGY_KINDS, WORKSHOP_NAME_RULE,
} from '../contract';
import { DEFAULT_EXPIRES_AFTER_HOURS, EXPIRES_AFTER_HOURS_RANGE, ExpiryAction, EXPIRY_ACTIONS } from '../expiry/lab-expiry';
import { DEFAULT_HOST_OS, HostOs, HOST_OSES, hostOsProblem, RETIRED_HOST_OSES } from '../host/host-os';

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
  /** EC2 instance type of every lab host, or undefined for each topology's measured default (t3.small single, t3.micro multi). */
  readonly instanceType?: ec2.InstanceType;
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
  workshopName: DEFAULT_WORKSHOP_NAME,
  attendees: 'attendee1',
  hostOs: DEFAULT_HOST_OS,
  multiHostCount: TOPOLOGIES.multi.defaultHosts,
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

/** Collects the problems of one context, one line per bad key. */
class ContextReader {
  public readonly errors: string[] = [];

  constructor(private readonly context: Record<string, unknown>) {}

  /** The value of a key as trimmed text, or undefined when it is not given. */
  public text(key: string): string | undefined {
    const value = this.context[key];
    return value === undefined || value === null ? undefined : String(value).trim();
  }

  /** Records a bad value with what is allowed. */
  public invalid(key: string, value: unknown, allowed: string): void {
    this.errors.push(`Invalid context '${key}': ${JSON.stringify(typeof value === 'string' ? value : String(value))} — allowed: ${allowed}.`);
  }

  /** `true` or `false` (default false). */
  public flag(key: string): boolean {
    const text = this.text(key) ?? 'false';
    if (text !== 'true' && text !== 'false') {
      this.invalid(key, text, 'true or false');
    }
    return text === 'true';
  }

  /** A whole number within a range, or the default. */
  public wholeNumber(key: string, fallback: number, allowed: (value: number) => string | undefined): number {
    const text = this.text(key) ?? String(fallback);
    const value = Number(text);
    const problem = allowed(/^\d+$/.test(text) ? value : NaN);
    if (problem) {
      this.invalid(key, text, problem);
    }
    return value;
  }

  /** One of a list of words, or the default. */
  public oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const text = this.text(key) ?? fallback;
    if (!(choices as readonly string[]).includes(text)) {
      this.invalid(key, text, choices.join(' or '));
    }
    return text as T;
  }

  /** Keys nobody reads: typos. */
  public reportUnknownKeys(): void {
    const known = new Set<string>(CONTEXT_KEYS);
    const unknown = Object.keys(this.context).filter((key) => !known.has(key) && !isCdkOwnedKey(key)).sort();
    for (const key of unknown) {
      this.errors.push(`Unknown context '${key}' — allowed keys: ${CONTEXT_KEYS.join(', ')}.`);
    }
  }
}

/** Reads and validates the workshop settings from context (values as given by `-c key=value` or cdk.json). */
export function parseWorkshopConfig(context: Record<string, unknown>): WorkshopConfig {
  const reader = new ContextReader(context);
  reader.reportUnknownKeys();
  const workshopName = reader.text('workshopName') ?? CONFIG_DEFAULTS.workshopName;
  if (!isValidWorkshopName(workshopName)) {
    reader.invalid('workshopName', workshopName, WORKSHOP_NAME_RULE);
  }
  const attendees = readAttendees(reader);
  const allowSshFromAnywhere = reader.flag('allowSshFromAnywhere');
  const sshCidr = readSshCidr(reader, allowSshFromAnywhere);
  const instanceTypeText = reader.text('instanceType');
  if (instanceTypeText !== undefined && !INSTANCE_TYPE_PATTERN.test(instanceTypeText)) {
    reader.invalid('instanceType', instanceTypeText, 'an EC2 instance type written family.size, e.g. t3.large');
  }
  const hostOs = (reader.text('hostOs') ?? CONFIG_DEFAULTS.hostOs) as HostOs;
  if (hostOsProblem(hostOs) !== undefined) {
    reader.invalid('hostOs', hostOs, `${HOST_OSES.join(' or ')}${RETIRED_HOST_OSES[hostOs] ? ` (${RETIRED_HOST_OSES[hostOs]})` : ''}`);
  }
  const amiId = reader.text('amiId');
  if (amiId !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(amiId)) {
    reader.invalid('amiId', amiId, 'an AMI id such as ami-0123456789abcdef0, of the hostOs kind of system');
  }
  const config: WorkshopConfig = {
    workshopName,
    attendees,
    sshCidr,
    allowSshFromAnywhere,
    instanceType: instanceTypeText ? new ec2.InstanceType(instanceTypeText) : undefined,
    hostOs,
    amiId: amiId === '' ? undefined : amiId,
    multiHostCount: reader.wholeNumber('multiHostCount', CONFIG_DEFAULTS.multiHostCount, (count) => hostCountProblem('multi', count)),
    topologies: readTopologies(reader),
    expiresAfterHours: reader.wholeNumber('expiresAfterHours', CONFIG_DEFAULTS.expiresAfterHours, (hours) =>
      Number.isInteger(hours) && hours >= EXPIRES_AFTER_HOURS_RANGE.min && hours <= EXPIRES_AFTER_HOURS_RANGE.max ? undefined
        : `a whole number of hours from ${EXPIRES_AFTER_HOURS_RANGE.min} to ${EXPIRES_AFTER_HOURS_RANGE.max}`),
    expiresAt: readExpiresAt(reader),
    expiryAction: reader.oneOf('expiryAction', EXPIRY_ACTIONS, CONFIG_DEFAULTS.expiryAction),
    workshopStudio: reader.flag('workshopStudio'),
  };
  if (reader.errors.length > 0) {
    throw new Error(`The workshop settings are not valid:\n  ${reader.errors.join('\n  ')}`);
  }
  return config;
}

/** `attendees`: a comma-separated list of unique names. */
function readAttendees(reader: ContextReader): string[] {
  const text = reader.text('attendees') ?? CONFIG_DEFAULTS.attendees;
  const attendees = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const rule = `a comma-separated list of unique names, each ${ATTENDEE_NAME_RULE}`;
  if (attendees.length === 0) {
    reader.invalid('attendees', text, rule);
    return attendees;
  }
  const bad = attendees.filter((name) => !isValidAttendeeName(name));
  const duplicates = attendees.filter((name, index) => attendees.indexOf(name) !== index);
  if (bad.length > 0) {
    reader.invalid('attendees', bad.join(','), rule);
  }
  if (duplicates.length > 0) {
    reader.invalid('attendees', `${[...new Set(duplicates)].join(',')} given twice`, rule);
  }
  return attendees;
}

/** `sshCidr`: an IPv4 CIDR, /0 only with allowSshFromAnywhere. */
function readSshCidr(reader: ContextReader, allowSshFromAnywhere: boolean): string | undefined {
  const sshCidr = reader.text('sshCidr');
  if (sshCidr === undefined || sshCidr === '') {
    return undefined;
  }
  const problem = ipv4CidrProblem(sshCidr);
  if (problem) {
    reader.invalid('sshCidr', sshCidr, `an IPv4 CIDR such as 203.0.113.0/24 (${problem})`);
  } else if (sshCidr.endsWith('/0') && !allowSshFromAnywhere) {
    reader.invalid('sshCidr', sshCidr,
      'a CIDR narrower than /0 (SSH from the whole internet also needs -c allowSshFromAnywhere=true)');
  }
  return sshCidr;
}

/** `topologies`: a non-empty list of distinct kinds, returned in the labs' order. */
function readTopologies(reader: ContextReader): TopologyKind[] {
  const text = reader.text('topologies') ?? CONFIG_DEFAULTS.topologies;
  const kinds = text.split(',').map((kind) => kind.trim()).filter((kind) => kind !== '');
  if (kinds.length === 0 || kinds.some((kind) => !(TOPOLOGY_KINDS as readonly string[]).includes(kind)) ||
    new Set(kinds).size !== kinds.length) {
    reader.invalid('topologies', text, `a non-empty comma-separated list of ${TOPOLOGY_KINDS.join(', ')}`);
  }
  return TOPOLOGY_KINDS.filter((kind) => kinds.includes(kind));
}

/** `expiresAt`: a UTC time yyyy-mm-ddThh:mm[:ss]Z, or undefined. */
function readExpiresAt(reader: ContextReader): Date | undefined {
  const text = reader.text('expiresAt');
  if (text === undefined || text === '') {
    return undefined;
  }
  const expiresAt = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(text) ? new Date(text) : undefined;
  if (!expiresAt || Number.isNaN(expiresAt.getTime()) || expiresAt.toISOString().slice(0, 16) !== text.slice(0, 16)) {
    reader.invalid('expiresAt', text, 'a UTC time written yyyy-mm-ddThh:mm[:ss]Z, e.g. 2026-05-04T18:00:00Z');
    return undefined;
  }
  return expiresAt;
}
