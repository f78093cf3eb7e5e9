import { CfnOutput, CfnParameter, Duration, Fn, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AttendeeAccess } from '../access/attendee-access';
import { formatUsd, hostHourUsd, PRICES_CHECKED, PRICES_REGION, stoppedHostHourUsd } from '../cost/prices';
import {
  ATTENDEE_NAME_RULE, atExpressionTime, DEFAULT_WORKSHOP_NAME, EXPIRES_AT_PARAMETER, EXPIRES_AT_PATTERN, hostCountProblem, isTopologyKind,
  sshCidrProblem, isValidAttendeeName, isValidWorkshopName, LAB_TAGS, saveKeyCommand, takesHostsParameter, TOPOLOGIES, TopologyKind, TOPOLOGY_KINDS, workshopIamPath, WORKSHOP_NAME_RULE,
} from '../contract';
import { ExpiryAction, EXPIRY_ACTIONS, LabExpiry } from '../expiry/lab-expiry';
import { HostComponent } from '../host/host-component';
import { LabHost, LabHostProps } from '../host/lab-host';
import { HostOs } from '../host/host-os';
import { attendeeSubnet } from '../network/subnet-spread';
import { ILabTopology } from '../topology/lab-topology';
import { LAB_TOPOLOGY_TYPES } from '../topology/topology-types';
import { addHostOutputs } from './private/host-outputs';

/** Properties of an {@link AttendeeStack}. */
export interface AttendeeStackProps extends StackProps {
  /** The workshop's VPC (WorkshopStack.vpc). */
  readonly vpc: ec2.IVpc;
  /** Attendee name: value of the `attendee` tag. */
  readonly attendee: string;
  /**
   * Workshop name: value of the `workshop` tag.
   * @default 'container-networks'
   */
  readonly workshopName?: string;
  /**
   * IPv4 CIDR allowed to SSH to the hosts (port 22, nothing else changes: the attendee's key pair exists either way,
   * so turning SSH on or off never replaces a host).
   * @default - no SSH: Session Manager only
   */
  readonly sshCidr?: string;
  /**
   * Whether `sshCidr` may be wider than /16 (up to 0.0.0.0/0, SSH from the whole internet).
   * @default false
   */
  readonly allowSshFromAnywhere?: boolean;
  /**
   * The subnets the attendee's hosts may go into; all of them go into one, picked by a hash of the attendee name,
   * so a workshop's attendees spread over the subnets (and availability zones).
   * @default - the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * How long CloudFormation waits for each host's readiness signal.
   * @default Duration.minutes(30)
   */
  readonly readinessTimeout?: Duration;
  /**
   * EC2 instance type of every host (a Graviton type boots the arm64 image).
   * @default - per topology kind, from the sizes the rehearsal measures: t3.medium for the single host, t3.micro for multi-host hosts
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Operating system of the hosts.
   * @default 'debian-13'
   */
  readonly hostOs?: HostOs;
  /**
   * The image to boot instead of the OS's current public AMI (a pinned AMI, or one a local emulator knows).
   * @default - the OS vendor's public SSM parameter
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Number of hosts per topology kind, e.g. `{ multi: 4 }`, within the kind's range (multi: 2 to 8).
   * @default - each kind's default: single 1, multi 2
   */
  readonly hostCounts?: Readonly<Partial<Record<TopologyKind, number>>>;
  /**
   * Which topologies the attendee gets.
   * @default ['single', 'multi']
   */
  readonly topologies?: readonly TopologyKind[];
  /**
   * Host software of every host.
   * @default HostComponent.defaults()
   */
  readonly components?: readonly HostComponent[];
  /**
   * Folder of step folders copied to the hosts.
   * @default - the package's built-in steps
   */
  readonly stepsDirectory?: string;
  /**
   * User data template of the hosts.
   * @default - the package's assets/host/user-data.sh
   */
  readonly userDataFile?: string;
  /**
   * When and how the attendee's lab ends by itself (a one-time EventBridge
   * Scheduler schedule, see LabExpiry), also written in the `expires-at` tag.
   * The time is the stack parameter `ExpiresAt`: set when the stack is
   * created, kept by every later `cdk deploy`, moved by `lab extend`.
   * @default - no expiry: the hosts run until the stack is deleted
   */
  readonly expiry?: AttendeeExpiry;
}

/** When and how an attendee's lab expires. */
export interface AttendeeExpiry {
  /**
   * The default of the stack parameter `ExpiresAt` (whole seconds, UTC): the expiry of a stack created
   * from this template. A deployed stack keeps its own value (the CDK CLI passes the previous value of
   * an existing parameter); `lab extend` changes it.
   * @default - none: creating the stack needs ExpiresAt (cdk deploy --parameters, or context expiresAt in the app)
   */
  readonly expiresAt?: Date;
  /**
   * 'stop' stops the hosts (volumes kept, a few cents a day); 'delete' deletes the stack.
   * @default 'stop'
   */
  readonly action?: ExpiryAction;
  /**
   * 'delete': the role CloudFormation deletes the stack with (ExpiryDeleterRole, in another stack).
   * @default - none (required for 'delete')
   */
  readonly deleteRole?: iam.IRole;
  /**
   * The schedule group of the expiry schedules (WorkshopStack.expiryScheduleGroupName; it must exist).
   * @default 'default'
   */
  readonly scheduleGroupName?: string;
}

/**
 * One attendee's lab hosts: a topology of each kind asked for (by default a
 * single host and a multi-host group), in one subnet picked by the attendee
 * name, with outputs to reach them, the attendee's key pair and access
 * (AttendeeAccess: Session Manager on these hosts only, this key only).
 * Everything is tagged `workshop` and `attendee`; hosts also carry
 * `cnlab:topology` and `cnlab:host-index`, from which the lab command finds
 * them and builds HOSTS.
 */
export class AttendeeStack extends Stack {
  /** Attendee name. */
  public readonly attendee: string;
  /** The topologies, by kind (only the kinds asked for). */
  public readonly topologies: Readonly<Partial<Record<TopologyKind, ILabTopology>>>;
  /**
   * The attendee's key pair, named `<stack name>-lab-key`. It exists with or without SSH, so that
   * turning SSH on or off changes a security group rule only, never the hosts.
   */
  public readonly keyPair: ec2.KeyPair;
  /** The attendee's access: a policy and a group (see AttendeeAccess). */
  public readonly access: AttendeeAccess;
  /** All hosts of the attendee, topology by topology. */
  public readonly hosts: readonly LabHost[];

  constructor(scope: Construct, id: string, props: AttendeeStackProps) {
    const workshopName = props.workshopName ?? DEFAULT_WORKSHOP_NAME;
    const errors = validateAttendeeStackProps(props, workshopName);
    if (errors.length > 0) {
      throw new Error(`AttendeeStack ${id}: ${errors.join('; ')}.`);
    }
    super(scope, id, {
      description: `Container Networks lab (${workshopName}): lab hosts of ${props.attendee}`,
      ...props,
    });
    this.attendee = props.attendee;
    // The hosts use the workshop's VPC through strong (export/import) references: CloudFormation then
    // refuses to delete the VPC while an attendee stack uses it, which is what we want.
    Validations.of(this).acknowledge({
      id: 'Annotation::@aws-cdk/core:crossStackReferencesDefaultStrong',
      reason: 'Strong references are intended: the workshop VPC must not be deletable while attendee hosts are in it.',
    });
    Tags.of(this).add(LAB_TAGS.workshop, workshopName);
    Tags.of(this).add(LAB_TAGS.attendee, props.attendee);

    // Without keyPairName, ec2.KeyPair names it from the construct path at synth time (not CloudFormation).
    // Named after the (concrete) stack name instead: unique per stack, readable, and key pair names are per region.
    this.keyPair = new ec2.KeyPair(this, 'KeyPair', { type: ec2.KeyPairType.ED25519, keyPairName: `${this.stackName}-lab-key` });
    this.access = new AttendeeAccess(this, 'Access', { workshopName, attendee: props.attendee, keyPair: this.keyPair });
    this.topologies = this.createTopologies(props, workshopName);
    this.hosts = Object.values(this.topologies).flatMap((topology) => topology.hosts);
    for (const host of this.hosts) {
      if (props.sshCidr !== undefined) {
        host.allowSshAccessFrom(ec2.Peer.ipv4(props.sshCidr));
      }
      addHostOutputs(this, host, { publicIp: true, ssh: props.sshCidr !== undefined });
    }
    this.addCostOutput();
    if (props.expiry) {
      this.addExpiry(props.expiry);
    }
    new CfnOutput(this, 'SshKeyCommand', {
      description: 'Saves the SSH private key of this attendee to key.pem (SSH is open when the workshop sets sshCidr)',
      value: saveKeyCommand(this.keyPair.keyPairId, 'key.pem'),
    });
    new CfnOutput(this, 'AccessGroup', {
      description: 'IAM group whose members may open Session Manager shells on these hosts only and read this attendee\'s SSH key (see the runbook, "Access and safety")',
      value: this.access.group.groupName,
    });
  }

  /** One topology per kind asked for, in the contract's order, its hosts tagged with the kind and their position. */
  private createTopologies(props: AttendeeStackProps, workshopName: string): Partial<Record<TopologyKind, ILabTopology>> {
    const subnet = attendeeSubnet(props.vpc, props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC }, props.attendee);
    const hostProps: LabHostProps = {
      vpc: props.vpc,
      vpcSubnets: { subnets: [subnet] },
      hostOs: props.hostOs,
      machineImage: props.machineImage,
      components: props.components,
      stepsDirectory: props.stepsDirectory,
      userDataFile: props.userDataFile,
      readinessTimeout: props.readinessTimeout,
      instanceProfilePath: workshopIamPath(workshopName),
      keyPair: this.keyPair,
    };
    const wanted = props.topologies ?? TOPOLOGY_KINDS;
    const topologies: Partial<Record<TopologyKind, ILabTopology>> = {};
    for (const kind of TOPOLOGY_KINDS.filter((candidate) => wanted.includes(candidate))) {
      const type = LAB_TOPOLOGY_TYPES[kind];
      const instanceType = props.instanceType ?? new ec2.InstanceType(type.defaultInstanceType);
      const topology = type.create(this, type.id, { ...hostProps, instanceType }, props.hostCounts?.[kind] ?? TOPOLOGIES[kind].defaultHosts);
      tagTopologyHosts(topology);
      if (takesHostsParameter(kind) && type.addressesDescription) {
        new CfnOutput(this, `${type.id}Addresses`, {
          description: type.addressesDescription,
          value: Fn.join(',', topology.hosts.map((host) => host.instancePrivateIp)),
        });
      }
      topologies[kind] = topology;
    }
    return topologies;
  }

  /** What the attendee's hosts cost per hour, running and stopped. */
  private addCostOutput(): void {
    const hosts = this.hosts;
    const running = hosts.map((host) => hostHourUsd(host.instanceTypeName, host.rootVolumeGiB));
    const unpriced = [...new Set(hosts.filter((_host, index) => running[index] === undefined).map((host) => host.instanceTypeName))];
    const hostsByKind = new Map<string, number>();
    for (const host of hosts) {
      const kind = `${host.instanceTypeName} with ${host.rootVolumeGiB} GiB`;
      hostsByKind.set(kind, (hostsByKind.get(kind) ?? 0) + 1);
    }
    const kinds = [...hostsByKind].map(([kind, count]) => `${count} x ${kind}`);
    new CfnOutput(this, 'CostPerHour', {
      description: `What this attendee's ${hosts.length} running host(s) cost per hour: ${kinds.join(', ')} gp3, on demand, public IPv4 each (${PRICES_REGION} list prices of ${PRICES_CHECKED}, lib/cost/prices.ts)`,
      value: unpriced.length > 0
        ? `unknown: ${unpriced.join(', ')} not in lib/cost/prices.ts`
        : `${formatUsd(running.reduce((sum: number, cost) => sum + (cost ?? 0), 0))} per hour running, ${formatUsd(hosts.reduce((sum, host) => sum + stoppedHostHourUsd(host.rootVolumeGiB), 0))} per hour stopped`,
    });
  }

  /**
   * The ExpiresAt parameter, the expiry schedule(s), the `expires-at` tag and the Expiry output. The time
   * is a stack parameter, not text of the template: a template synthesized later (another clock, a
   * latecomer added) is the same template, and the CDK CLI passes a deployed stack's previous value, so
   * only an explicit act (lab extend, or cdk deploy --parameters) moves a deployed expiry.
   */
  private addExpiry(expiry: AttendeeExpiry): void {
    const action = expiry.action ?? 'stop';
    const expiresAt = new CfnParameter(this, EXPIRES_AT_PARAMETER, {
      type: 'String',
      default: expiry.expiresAt ? atExpressionTime(expiry.expiresAt) : undefined,
      allowedPattern: EXPIRES_AT_PATTERN,
      constraintDescription: 'a UTC time written yyyy-mm-ddThh:mm:ss, e.g. 2026-05-04T18:00:00',
      description: `When this attendee's lab ${action === 'stop' ? 'is stopped' : 'is deleted'} (UTC, yyyy-mm-ddThh:mm:ss). `
        + 'Set when the stack is created (context expiresAt); a later cdk deploy keeps it; npx lab extend moves it.',
    });
    new LabExpiry(this, 'Expiry', {
      expiresAt: expiresAt.valueAsString,
      action,
      instances: this.hosts,
      deleteRole: expiry.deleteRole,
      scheduleGroupName: expiry.scheduleGroupName,
      // Named after the stack, for people reading the Scheduler console; unique within the workshop's group.
      scheduleName: /^[0-9A-Za-z._-]{1,64}$/.test(this.stackName) ? this.stackName : undefined,
    });
    const tagValue = Fn.join('', [expiresAt.valueAsString, 'Z']);
    // Not on the key pair: changing any property of an AWS::EC2::KeyPair replaces it, and with it every host.
    // Not on the stack itself: a stack tag is text in the cloud assembly, where a parameter is no value.
    Tags.of(this).add(LAB_TAGS.expiresAt, tagValue, { excludeResourceTypes: ['AWS::EC2::KeyPair', 'aws:cdk:stack'] });
    const output = new CfnOutput(this, 'ExpiryOutput', {
      description: action === 'stop' ? 'When the hosts are stopped (UTC); start them again in the EC2 console' : 'When this stack is deleted (UTC); its hosts are stopped then too',
      value: Fn.join('', [expiresAt.valueAsString, `Z (${action})`]),
    });
    output.overrideLogicalId('Expiry');
  }
}

/** Tags each host of a topology with the topology kind and its position (from 1). */
export function tagTopologyHosts(topology: ILabTopology): void {
  topology.hosts.forEach((host, index) => {
    Tags.of(host).add(LAB_TAGS.topology, topology.kind);
    Tags.of(host).add(LAB_TAGS.hostIndex, String(index + 1));
  });
}

/** Every problem of the props, each naming the prop and what is allowed. */
function validateAttendeeStackProps(props: AttendeeStackProps, workshopName: string): string[] {
  const errors: string[] = [];
  if (!isValidAttendeeName(props.attendee)) {
    errors.push(`'attendee' is ${JSON.stringify(props.attendee)}; allowed: ${ATTENDEE_NAME_RULE}`);
  }
  if (!isValidWorkshopName(workshopName)) {
    errors.push(`'workshopName' is ${JSON.stringify(workshopName)}; allowed: ${WORKSHOP_NAME_RULE}`);
  }
  const cidrProblem = props.sshCidr === undefined ? undefined : sshCidrProblem(props.sshCidr, props.allowSshFromAnywhere ?? false);
  if (cidrProblem) {
    errors.push(`'sshCidr' is ${JSON.stringify(props.sshCidr)}; allowed: ${cidrProblem.replace(/allowSshFromAnywhere/g, "'allowSshFromAnywhere'")}`);
  }
  for (const [kind, count] of Object.entries(props.hostCounts ?? {})) {
    const problem = isTopologyKind(kind) ? hostCountProblem(kind, count as number) : `a topology kind: ${TOPOLOGY_KINDS.join(', ')}`;
    if (problem) {
      errors.push(`'hostCounts.${kind}' is ${count}; allowed: ${problem}`);
    }
  }
  const topologies = props.topologies ?? TOPOLOGY_KINDS;
  if (topologies.length === 0 || topologies.some((kind) => !isTopologyKind(kind))) {
    errors.push(`'topologies' is ${JSON.stringify(topologies)}; allowed: a non-empty list of ${TOPOLOGY_KINDS.join(', ')}`);
  }
  if (props.expiry) {
    errors.push(...validateExpiry(props.expiry));
  }
  return errors;
}

function validateExpiry(expiry: AttendeeExpiry): string[] {
  const errors: string[] = [];
  const action = expiry.action ?? 'stop';
  if (expiry.expiresAt !== undefined && Number.isNaN(expiry.expiresAt.getTime())) {
    errors.push(`'expiry.expiresAt' is not a valid date`);
  }
  if (!EXPIRY_ACTIONS.includes(action)) {
    errors.push(`'expiry.action' is ${JSON.stringify(action)}; allowed: ${EXPIRY_ACTIONS.join(', ')}`);
  } else if (action === 'delete' && !expiry.deleteRole) {
    errors.push(`'expiry.deleteRole' is missing; the delete action needs the role CloudFormation deletes the stack with (ExpiryDeleterRole, in the workshop stack)`);
  }
  return errors;
}
