// Shared fakes for the lab command tests (test/ops*.test.ts): a fake AWS
// account with two attendees, a fake clock, and a CLI environment that records output.
import { CloudFormationClient, DescribeStacksCommand, Stack as CfnStack, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client, Instance } from '@aws-sdk/client-ec2';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetCommandInvocationCommandOutput,
  GetDocumentCommand,
  ListDocumentsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { LabContext } from '../../../tools/lab/aws/context';
import { LabCliEnvironment, runLabCli } from '../../../tools/lab/cli';

export const WORKSHOP = 'container-networks';

export interface FakeHost {
  readonly attendee: string;
  readonly instanceId: string;
  readonly topology: 'single' | 'multi';
  readonly hostIndex: number;
  readonly privateIp: string;
  readonly pingStatus?: string;
  /** Tag expires-at. */
  readonly expiresAt?: string;
  readonly publicIp?: string;
  readonly instanceType?: string;
  readonly launchTime?: string;
  readonly keyName?: string;
  readonly securityGroupIds?: readonly string[];
  readonly name?: string;
  /** Instead of the attendee tag's value from `attendee` (an injection attempt, say). */
  readonly attendeeTag?: string;
}

/** The default expiry of the fake attendee stacks (their ExpiresAt parameter, the hosts' expires-at tag). */
export const FAKE_EXPIRES_AT = '2026-05-04T17:00:00';

/** A CloudFormation stack of the fake account. */
export interface FakeStack {
  readonly StackName: string;
  StackStatus: string;
  StackStatusReason?: string;
  Parameters?: Array<{ ParameterKey: string; ParameterValue: string }>;
  readonly Tags?: Array<{ Key: string; Value: string }>;
}

/** An attendee stack as the CDK app deploys it. */
export function attendeeStack(attendee: string, overrides: Partial<FakeStack> = {}): FakeStack {
  return {
    StackName: `${WORKSHOP}-${attendee}`,
    StackStatus: 'CREATE_COMPLETE',
    Parameters: [{ ParameterKey: 'ExpiresAt', ParameterValue: FAKE_EXPIRES_AT }, { ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version' }],
    Tags: [{ Key: 'workshop', Value: WORKSHOP }, { Key: 'attendee', Value: attendee }],
    ...overrides,
  };
}

/** alice and bob, each with a single host and two multi hosts; EC2 lists multi#2 before multi#1. */
export const DEFAULT_HOSTS: readonly FakeHost[] = [
  { attendee: 'alice', instanceId: 'i-alice-single', topology: 'single', hostIndex: 1, privateIp: '10.0.1.10' },
  { attendee: 'alice', instanceId: 'i-alice-multi2', topology: 'multi', hostIndex: 2, privateIp: '10.0.1.12' },
  { attendee: 'alice', instanceId: 'i-alice-multi1', topology: 'multi', hostIndex: 1, privateIp: '10.0.1.11' },
  { attendee: 'bob', instanceId: 'i-bob-single', topology: 'single', hostIndex: 1, privateIp: '10.0.2.10' },
  { attendee: 'bob', instanceId: 'i-bob-multi2', topology: 'multi', hostIndex: 2, privateIp: '10.0.2.12' },
  { attendee: 'bob', instanceId: 'i-bob-multi1', topology: 'multi', hostIndex: 1, privateIp: '10.0.2.11' },
];

export interface FakeStep {
  readonly stepId: string;
  /** The documents' cnlab:hosts tag; undefined leaves the tag out (an older deployment). */
  readonly hosts?: string;
  /** The step's title in its documents' description. */
  readonly title?: string;
}

export const DEFAULT_STEPS: readonly FakeStep[] = [
  { stepId: '01-docker-on-the-host', hosts: 'single' },
  { stepId: '06-across-hosts', hosts: 'multi' },
];

/** A document's content as LabStep writes it (only the parts the lab command reads). */
function documentContent(step: FakeStep, action: string): string {
  const parameters: Record<string, unknown> = {};
  if (step.hosts === 'multi') {
    parameters.HOSTS = { type: 'String', description: 'hosts', default: '', allowedPattern: '^[0-9.,]*$', interpolationType: 'ENV_VAR' };
    parameters.TUNNEL_TYPE = { type: 'String', description: 'tunnel', default: 'gre', allowedPattern: '^(gre|vxlan|geneve)$', interpolationType: 'ENV_VAR' };
  }
  const title = step.title ?? step.stepId;
  return JSON.stringify({ schemaVersion: '2.2', description: `${title} (${step.stepId}, ${action}): what it teaches`, parameters, mainSteps: [] });
}

export function instanceOf(host: FakeHost): Instance {
  return {
    InstanceId: host.instanceId,
    PrivateIpAddress: host.privateIp,
    State: { Name: host.pingStatus && host.pingStatus !== 'Online' ? 'stopped' : 'running' },
    PublicIpAddress: host.publicIp,
    InstanceType: host.instanceType as Instance['InstanceType'],
    LaunchTime: host.launchTime ? new Date(host.launchTime) : undefined,
    KeyName: host.keyName,
    SecurityGroups: host.securityGroupIds?.map((GroupId) => ({ GroupId })),
    RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: `vol-${host.instanceId.slice(2)}` } }],
    Tags: [
      { Key: 'workshop', Value: WORKSHOP },
      { Key: 'attendee', Value: host.attendeeTag ?? host.attendee },
      { Key: 'cnlab:topology', Value: host.topology },
      { Key: 'cnlab:host-index', Value: String(host.hostIndex) },
      { Key: 'aws:cloudformation:stack-name', Value: `${WORKSHOP}-${host.attendee}` },
      ...(host.expiresAt ? [{ Key: 'expires-at', Value: host.expiresAt }] : []),
      ...(host.name ? [{ Key: 'Name', Value: host.name }] : []),
    ],
  };
}

/** What each host's command returns; by default Success with "ok <instance>". */
export type InvocationScript = (commandId: string, instanceId: string, documentName: string) => Partial<GetCommandInvocationCommandOutput> | Error;

export interface FakeAws {
  readonly ssm: AwsClientStub<SSMClient>;
  readonly ec2: AwsClientStub<EC2Client>;
  readonly cfn: AwsClientStub<CloudFormationClient>;
  /** The account's stacks (UpdateStack changes them). */
  readonly stacks: FakeStack[];
  /** SendCommand inputs, in call order. */
  readonly sent: Array<{ DocumentName?: string; InstanceIds?: string[]; Parameters?: Record<string, string[]>; commandId: string }>;
}

const activeStubs: Array<{ restore(): void }> = [];

/** Undoes every {@link fakeAws}; call it in afterEach. */
export function restoreFakeAws(): void {
  activeStubs.splice(0).forEach((stub) => stub.restore());
}

/** Security groups by id: whether each admits TCP 22. */
export type FakeSecurityGroups = Readonly<Record<string, { readonly ssh: boolean }>>;

export function fakeAws(options: { hosts?: readonly FakeHost[]; steps?: readonly FakeStep[]; invocation?: InvocationScript; securityGroups?: FakeSecurityGroups; volumeGiB?: number; stacks?: FakeStack[] } = {}): FakeAws {
  const hosts = options.hosts ?? DEFAULT_HOSTS;
  const steps = options.steps ?? DEFAULT_STEPS;
  const stacks = options.stacks ?? [...new Set(hosts.map((host) => host.attendee))].map((attendee) => attendeeStack(attendee));
  const ssm = mockClient(SSMClient);
  const ec2 = mockClient(EC2Client);
  const cfn = mockClient(CloudFormationClient);
  activeStubs.push(ssm, ec2, cfn);
  fakeCloudFormation(cfn, stacks);
  const sent: FakeAws['sent'] = [];

  ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: Array<{ Name?: string; Values?: string[] }> }) => {
    const workshop = input.Filters?.find((filter) => filter.Name === 'tag:workshop')?.Values?.[0];
    const matching = workshop === undefined || workshop === WORKSHOP ? hosts : [];
    return { Reservations: [{ Instances: matching.map(instanceOf) }] };
  });
  ec2.on(DescribeSecurityGroupsCommand).callsFake((input: { GroupIds?: string[] }) => ({
    SecurityGroups: (input.GroupIds ?? []).filter((id) => options.securityGroups?.[id]).map((GroupId) => ({
      GroupId,
      IpPermissions: options.securityGroups?.[GroupId].ssh
        ? [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }]
        : [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId }] }],
    })),
  }));
  ec2.on(DescribeKeyPairsCommand).callsFake((input: { Filters?: Array<{ Name?: string; Values?: string[] }> }) => ({
    KeyPairs: (input.Filters?.find((filter) => filter.Name === 'key-name')?.Values ?? [])
      .filter((KeyName) => !KeyName.includes('deleted'))
      .map((KeyName) => ({ KeyName, KeyPairId: `key-${KeyName.replace(/[^a-z0-9]/g, '')}` })),
  }));
  ec2.on(DescribeVolumesCommand).callsFake((input: { VolumeIds?: string[] }) => ({
    Volumes: (input.VolumeIds ?? []).map((VolumeId) => ({ VolumeId, Size: options.volumeGiB ?? 30 })),
  }));
  ssm.on(DescribeInstanceInformationCommand).callsFake((input: { Filters?: Array<{ Key?: string; Values?: string[] }> }) => {
    const ids = input.Filters?.find((filter) => filter.Key === 'InstanceIds')?.Values ?? [];
    return {
      InstanceInformationList: hosts
        .filter((host) => ids.includes(host.instanceId))
        .map((host) => ({ InstanceId: host.instanceId, PingStatus: host.pingStatus ?? 'Online', IPAddress: '172.17.0.1' })),
    };
  });
  ssm.on(ListDocumentsCommand).resolves({
    DocumentIdentifiers: [
      ...steps.flatMap((step) => (['run', 'check', 'reset'] as const).map((action) => ({
        Name: `${WORKSHOP}-${step.stepId}-${action}`,
        Tags: [
          { Key: 'cnlab:step', Value: step.stepId },
          { Key: 'cnlab:action', Value: action },
          ...(step.hosts !== undefined ? [{ Key: 'cnlab:hosts', Value: step.hosts }] : []),
        ],
      }))),
      // Another workshop's document in the same account must be ignored.
      { Name: 'other-09-elsewhere-run', Tags: [{ Key: 'cnlab:step', Value: '09-elsewhere' }, { Key: 'cnlab:action', Value: 'run' }] },
    ],
  });
  ssm.on(GetDocumentCommand).callsFake((input: { Name: string }) => {
    const step = steps.find((candidate) => input.Name.startsWith(`${WORKSHOP}-${candidate.stepId}-`));
    if (!step) {
      throw Object.assign(new Error('document does not exist'), { name: 'InvalidDocument' });
    }
    return { Name: input.Name, Content: documentContent(step, input.Name.slice(input.Name.lastIndexOf('-') + 1)), DocumentFormat: 'JSON' };
  });
  const documentOfCommand = new Map<string, string>();
  ssm.on(SendCommandCommand).callsFake((input: { DocumentName: string; InstanceIds: string[]; Parameters?: Record<string, string[]> }) => {
    const commandId = `cmd-${sent.length + 1}`;
    sent.push({ ...input, commandId });
    documentOfCommand.set(commandId, input.DocumentName);
    return { Command: { CommandId: commandId } };
  });
  const script: InvocationScript = options.invocation ?? ((_, instanceId) => ({ Status: 'Success', ResponseCode: 0, StandardOutputContent: `ok ${instanceId}\n` }));
  ssm.on(GetCommandInvocationCommand).callsFake((input: { CommandId: string; InstanceId: string }) => {
    const answer = script(input.CommandId, input.InstanceId, documentOfCommand.get(input.CommandId) ?? '');
    if (answer instanceof Error) {
      throw answer;
    }
    return { CommandId: input.CommandId, InstanceId: input.InstanceId, StandardOutputContent: '', StandardErrorContent: '', ...answer };
  });
  return { ssm, ec2, cfn, stacks, sent };
}

/**
 * CloudFormation of the fake account: DescribeStacks (one or all), and UpdateStack, which takes the new
 * parameter values and is UPDATE_IN_PROGRESS on the next DescribeStacks, UPDATE_COMPLETE on the one after.
 */
function fakeCloudFormation(cfn: AwsClientStub<CloudFormationClient>, stacks: FakeStack[]): void {
  const updating = new Map<string, number>();
  cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
    const found = input.StackName === undefined ? stacks : stacks.filter((stack) => stack.StackName === input.StackName);
    if (found.length === 0) {
      throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
    }
    for (const stack of found) {
      const left = updating.get(stack.StackName);
      if (left !== undefined) {
        stack.StackStatus = left > 0 ? 'UPDATE_IN_PROGRESS' : 'UPDATE_COMPLETE';
        if (left > 0) updating.set(stack.StackName, left - 1); else updating.delete(stack.StackName);
      }
    }
    return { Stacks: found.map((stack) => ({ ...stack, CreationTime: new Date(0) }) as CfnStack) };
  });
  cfn.on(UpdateStackCommand).callsFake((input: { StackName: string; Parameters?: Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }> }) => {
    const stack = stacks.find((candidate) => candidate.StackName === input.StackName);
    if (!stack) throw Object.assign(new Error('does not exist'), { name: 'ValidationError' });
    stack.Parameters = (stack.Parameters ?? []).map((parameter) => {
      const given = input.Parameters?.find((candidate) => candidate.ParameterKey === parameter.ParameterKey);
      return given && !given.UsePreviousValue && given.ParameterValue !== undefined ? { ...parameter, ParameterValue: given.ParameterValue } : parameter;
    });
    updating.set(stack.StackName, 1);
    return { StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${stack.StackName}/1` };
  });
}

/** An AWS SDK style error. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

/** A context on a fake clock: sleeping advances time at once. The clients are the ones {@link fakeAws} stubs. */
export function fakeContext(progress: string[] = [], startAt = 0): LabContext & { sleeps: number[]; clock: { now: number } } {
  const clock = { now: startAt };
  const sleeps: number[] = [];
  const sleep = async (milliseconds: number): Promise<void> => {
    sleeps.push(milliseconds);
    clock.now += milliseconds;
  };
  return {
    ssm: new SSMClient({ region: 'us-east-1' }),
    ec2: new EC2Client({ region: 'us-east-1' }),
    cfn: new CloudFormationClient({ region: 'us-east-1' }),
    workshop: WORKSHOP,
    sleep,
    now: () => clock.now,
    backoff: { sleep, random: () => 0.5 },
    progress: (line) => progress.push(line),
    sleeps,
    clock,
  };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the lab command against fake AWS; the context's workshop follows --workshop; its fake clock starts at `startAt` (ms). */
export async function runLab(_aws: FakeAws, argv: readonly string[], extra: Partial<LabCliEnvironment> = {}, startAt = 0): Promise<CliRun> {
  let stdout = '';
  const stderr: string[] = [];
  const code = await runLabCli(argv, {
    createContext: (workshop) => ({ ...fakeContext(stderr, startAt), workshop }),
    stdout: (text) => { stdout += text; },
    stderr: (line) => stderr.push(line),
    env: {},
    ...extra,
  });
  return { code, stdout, stderr: stderr.join('\n') };
}

/** How {@link runWatch} runs the watch. */
export interface WatchRunOptions {
  /** Told the number of frames written so far, after each frame. */
  readonly onFrame?: (written: number) => void;
  /** Whether the terminal is interactive (the grid is redrawn in place). */
  readonly interactive?: boolean;
  /** Where the fake clock starts (ms). */
  readonly startAt?: number;
}

/** Runs `lab check --watch ARGS...`, pressing Ctrl-C after `frames` frames; returns the run and the frames. */
export async function runWatch(aws: FakeAws, args: readonly string[], frames: number, options: WatchRunOptions = {}): Promise<CliRun & { frames: string[] }> {
  let interrupt: (() => void) | undefined;
  const written: string[] = [];
  const run = await runLab(aws, ['check', '--watch', ...args], {
    interactive: options.interactive ?? false,
    onInterrupt: (handler) => { interrupt = handler; },
    stdout: (text) => {
      written.push(text);
      options.onFrame?.(written.length);
      if (written.length === frames) {
        interrupt?.();
      }
    },
  }, options.startAt);
  return { ...run, frames: written };
}
