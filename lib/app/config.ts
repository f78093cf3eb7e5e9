import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  ATTENDEE_NAME_RULE, DEFAULT_WORKSHOP_NAME, hostCountProblem, isValidAttendeeName, isValidWorkshopName, quoteInput, sshCidrProblem,
  TOPOLOGIES, TopologyKind, TOPOLOGY_KINDS, WORKSHOP_NAME_RULE,
} from '../contract';
import { ExpiryAction, EXPIRY_ACTIONS } from '../expiry/lab-expiry';
import { DEFAULT_HOST_OS, HostOs, HOST_OSES, hostOsProblem, RETIRED_HOST_OSES } from '../host/host-os';
import { instanceTypeProblem } from '../host/instance-types';
import { DEFAULT_READINESS_TIMEOUT_MINUTES, READINESS_TIMEOUT_MINUTES } from '../host/lab-host';

/** The validated settings of a workshop deployment, read from CDK context. */
export interface WorkshopConfig {
  /** Workshop name: prefix of stack and document names, value of the `workshop` tag. */
  readonly workshopName: string;
  /** Attendee names, in the order given; each gets a stack `<workshopName>-<attendee>`. */
  readonly attendees: readonly string[];
  /** IPv4 CIDR allowed to reach the hosts on port 22, or undefined for no SSH (Session Manager only). */
  readonly sshCidr?: string;
  /** Whether sshCidr may be wider than /16, up to 0.0.0.0/0 (context allowSshFromAnywhere=true). */
  readonly allowSshFromAnywhere: boolean;
  /**
   * EC2 instance type of every lab host (a Graviton type boots the arm64 image), or undefined for each
   * topology's measured default (t3.medium single, t3.micro multi).
   */
  readonly instanceType?: ec2.InstanceType;
  /** How long CloudFormation waits for each host's readiness signal, in minutes. */
  readonly readinessTimeoutMinutes: number;
  /** Which traffic the VPC's flow log records: rejected packets only, or all. */
  readonly flowLogTraffic: FlowLogTraffic;
  /** Operating system of the lab hosts. */
  readonly hostOs: HostOs;
  /** A fixed AMI id to boot instead of the OS's public AMI parameter (pinned image, or a local AWS emulator's), if given. */
  readonly amiId?: string;
  /** Number of hosts of the multi-host topology. */
  readonly multiHostCount: number;
  /** Which topologies each attendee gets. */
  readonly topologies: readonly TopologyKind[];
  /**
   * The expiry of attendee stacks created by this deployment (context expiresAt): the default of their
   * ExpiresAt parameter. Undefined: a new attendee stack cannot be created (existing ones keep theirs).
   */
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
  readinessTimeoutMinutes: DEFAULT_READINESS_TIMEOUT_MINUTES,
  flowLogTraffic: 'rejected' as FlowLogTraffic,
  expiryAction: 'stop' as ExpiryAction,
} as const;

/** What the VPC flow log records: `rejected` packets only, or `all` (accepted ones too). */
export type FlowLogTraffic = 'rejected' | 'all';

/** The values of the flowLogTraffic key. */
export const FLOW_LOG_TRAFFIC: readonly FlowLogTraffic[] = ['rejected', 'all'];

/** Context keys that were read once and are no more, with what to use instead. */
export const RETIRED_CONTEXT_KEYS: Readonly<Record<string, string>> = {
  expiresAfterHours: 'expiresAfterHours was removed in 0.3.0: an expiry counted from the time of the synth moved with every later synth. '
    + 'Give the end of the workshop, -c expiresAt=yyyy-mm-ddThh:mm:ssZ; move a deployed expiry with npx lab extend',
};

/** Above this many attendees the synth warns, naming the account quotas that grow with them. */
export const MANY_ATTENDEES = 100;

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
  'readinessTimeoutMinutes',
  'flowLogTraffic',
  'expiresAt',
  'expiryAction',
  'workshopStudio',
] as const;

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

  /** Records a bad value with what is allowed (a long value is cut: the message names it, it does not repeat it). */
  public invalid(key: string, value: unknown, allowed: string): void {
    this.errors.push(`Invalid context '${key}': ${quoteInput(value)} — allowed: ${allowed}.`);
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

  /** Keys nobody reads: typos, and keys that were removed. */
  public reportUnknownKeys(): void {
    const known = new Set<string>(CONTEXT_KEYS);
    const unknown = Object.keys(this.context).filter((key) => !known.has(key) && !isCdkOwnedKey(key)).sort();
    for (const key of unknown) {
      this.errors.push(RETIRED_CONTEXT_KEYS[key] !== undefined
        ? `Context '${key}' is no longer read: ${RETIRED_CONTEXT_KEYS[key]}.`
        : `Unknown context ${key.length <= 80 ? `'${key}'` : quoteInput(key)} — allowed keys: ${CONTEXT_KEYS.join(', ')}.`);
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
  const instanceTypeError = instanceTypeText === undefined ? undefined : instanceTypeProblem(instanceTypeText);
  if (instanceTypeText !== undefined && instanceTypeError !== undefined) {
    reader.invalid('instanceType', instanceTypeText, instanceTypeError);
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
    readinessTimeoutMinutes: reader.wholeNumber('readinessTimeoutMinutes', CONFIG_DEFAULTS.readinessTimeoutMinutes, (minutes) =>
      Number.isInteger(minutes) && minutes >= READINESS_TIMEOUT_MINUTES.min && minutes <= READINESS_TIMEOUT_MINUTES.max ? undefined
        : `a whole number of minutes from ${READINESS_TIMEOUT_MINUTES.min} to ${READINESS_TIMEOUT_MINUTES.max} (CloudFormation waits 12 hours at most)`),
    flowLogTraffic: reader.oneOf('flowLogTraffic', FLOW_LOG_TRAFFIC, CONFIG_DEFAULTS.flowLogTraffic),
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
    reader.invalid('attendees', bad.length > 5 ? `${bad.slice(0, 5).join(',')},... (${bad.length} bad names)` : bad.join(','), rule);
  }
  if (duplicates.length > 0) {
    reader.invalid('attendees', `${[...new Set(duplicates)].join(',')} given twice`, rule);
  }
  return attendees;
}

/** `sshCidr`: an IPv4 CIDR, wider than /16 only with allowSshFromAnywhere. */
function readSshCidr(reader: ContextReader, allowSshFromAnywhere: boolean): string | undefined {
  const sshCidr = reader.text('sshCidr');
  if (sshCidr === undefined || sshCidr === '') {
    return undefined;
  }
  const problem = sshCidrProblem(sshCidr, allowSshFromAnywhere);
  if (problem) {
    reader.invalid('sshCidr', sshCidr, problem.replace('allowSshFromAnywhere=true', '-c allowSshFromAnywhere=true'));
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

/**
 * Warnings about settings that are valid but risky: more than MANY_ATTENDEES
 * attendees, with the default quotas of an account that grow with them (each
 * line: what, per attendee, for this many attendees, AWS's default).
 */
export function configWarnings(config: WorkshopConfig): string[] {
  const count = config.attendees.length;
  if (count <= MANY_ATTENDEES) {
    return [];
  }
  const hosts = config.topologies.reduce((sum, kind) => sum + (kind === 'multi' ? config.multiHostCount : TOPOLOGIES[kind].defaultHosts), 0);
  const quotas = [
    `running On-Demand standard instance vCPUs: ${hosts} hosts each, ${count * hosts} hosts (the default depends on the account, often far lower: ask for an increase weeks ahead)`,
    `IAM roles: ${hosts + 1} each, ${count * (hosts + 1)} (default 1,000 per account)`,
    `IAM groups: 1 each, ${count} (default 300 per account)`,
    `VPC security groups: ${hosts + 1} each, ${count * (hosts + 1)} (default 2,500 per region)`,
    `CloudFormation stacks: ${count + 1} (default 2,000 per region)`,
  ];
  return [`${count} attendees is more than ${MANY_ATTENDEES}, what this app is tested with; check these quotas in Service Quotas first:\n  - ${quotas.join('\n  - ')}`];
}
