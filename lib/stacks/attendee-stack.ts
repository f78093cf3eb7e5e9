import { CfnOutput, Fn, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { attendeeHourUsd, DEFAULT_ROOT_VOLUME_GIB, formatUsd, PRICES_CHECKED, PRICES_REGION, stoppedHostHourUsd } from '../cost/prices';
import { atExpressionTime, EXPIRES_AT_TAG, ExpiryAction, EXPIRY_ACTIONS, LabExpiry } from '../expiry/lab-expiry';
import { ATTENDEE_NAME_PATTERN, MULTI_HOST_COUNT_RANGE, TopologyKind, TOPOLOGY_KINDS, WORKSHOP_NAME_PATTERN, ipv4CidrProblem } from '../config';
import { HostComponent } from '../host/host-component';
import { DEFAULT_INSTANCE_TYPE, LabHost } from '../host/lab-host';
import { HostOs } from '../host/host-os';
import { MultiHostTopology } from '../topology/multi-host';
import { SingleHostTopology } from '../topology/single-host';

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
   * IPv4 CIDR allowed to SSH to the hosts; also creates the attendee's key pair.
   * @default - no SSH: Session Manager only
   */
  readonly sshCidr?: string;
  /**
   * Whether `sshCidr` may be 0.0.0.0/0 (SSH from the whole internet).
   * @default false
   */
  readonly allowSshFromAnywhere?: boolean;
  /**
   * EC2 instance type of the hosts.
   * @default t3.large
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
   * Number of hosts of the multi-host topology.
   * @default 2
   */
  readonly multiHostCount?: number;
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
   * @default - no expiry: the hosts run until the stack is deleted
   */
  readonly expiry?: AttendeeExpiry;
}

/** When and how an attendee's lab expires. */
export interface AttendeeExpiry {
  /** The time (whole seconds, UTC). */
  readonly expiresAt: Date;
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
}

/** Tag naming a host's topology (single or multi). */
export const TOPOLOGY_TAG = 'cnlab:topology';
/** Tag giving a host's 1-based position in its topology; HOSTS lists addresses in this order. */
export const HOST_INDEX_TAG = 'cnlab:host-index';

/**
 * One attendee's lab hosts: a single host and a multi-host group (each
 * switchable), with outputs to reach them. Everything is tagged `workshop`
 * and `attendee`; hosts also carry `cnlab:topology` and `cnlab:host-index`,
 * from which the lab command finds them and builds HOSTS.
 */
export class AttendeeStack extends Stack {
  /** Attendee name. */
  public readonly attendee: string;
  /** The single-host topology, if enabled. */
  public readonly singleHost?: SingleHostTopology;
  /** The multi-host topology, if enabled. */
  public readonly multiHost?: MultiHostTopology;
  /** The attendee's key pair, named `<stack name>-lab-key`, when SSH is on. */
  public readonly keyPair?: ec2.KeyPair;
  /** All hosts of the attendee. */
  public readonly hosts: readonly LabHost[];

  constructor(scope: Construct, id: string, props: AttendeeStackProps) {
    const errors: string[] = [];
    const workshopName = props.workshopName ?? 'container-networks';
    if (!ATTENDEE_NAME_PATTERN.test(props.attendee)) {
      errors.push(`'attendee' is ${JSON.stringify(props.attendee)}; allowed: a lower case letter then up to 31 lower case letters, digits or dashes`);
    }
    if (!WORKSHOP_NAME_PATTERN.test(workshopName)) {
      errors.push(`'workshopName' is ${JSON.stringify(workshopName)}; allowed: a lower case letter then up to 30 lower case letters, digits or dashes`);
    }
    if (props.sshCidr !== undefined && ipv4CidrProblem(props.sshCidr)) {
      errors.push(`'sshCidr' is ${JSON.stringify(props.sshCidr)}; allowed: an IPv4 CIDR such as 203.0.113.0/24 (${ipv4CidrProblem(props.sshCidr)})`);
    } else if (props.sshCidr?.endsWith('/0') && !props.allowSshFromAnywhere) {
      errors.push(`'sshCidr' is ${JSON.stringify(props.sshCidr)}; allowed: a CIDR narrower than /0 unless 'allowSshFromAnywhere' is true`);
    }
    const multiHostCount = props.multiHostCount ?? 2;
    if (!Number.isInteger(multiHostCount) || multiHostCount < MULTI_HOST_COUNT_RANGE.min || multiHostCount > MULTI_HOST_COUNT_RANGE.max) {
      errors.push(`'multiHostCount' is ${multiHostCount}; allowed: a whole number from ${MULTI_HOST_COUNT_RANGE.min} to ${MULTI_HOST_COUNT_RANGE.max}`);
    }
    const topologies = props.topologies ?? TOPOLOGY_KINDS;
    if (topologies.length === 0 || topologies.some((kind) => !TOPOLOGY_KINDS.includes(kind))) {
      errors.push(`'topologies' is ${JSON.stringify(topologies)}; allowed: a non-empty list of ${TOPOLOGY_KINDS.join(', ')}`);
    }
    if (props.expiry) {
      const action = props.expiry.action ?? 'stop';
      if (Number.isNaN(props.expiry.expiresAt.getTime())) {
        errors.push(`'expiry.expiresAt' is not a valid date`);
      }
      if (!EXPIRY_ACTIONS.includes(action)) {
        errors.push(`'expiry.action' is ${JSON.stringify(action)}; allowed: ${EXPIRY_ACTIONS.join(', ')}`);
      } else if (action === 'delete' && !props.expiry.deleteRole) {
        errors.push(`'expiry.deleteRole' is missing; the delete action needs the role CloudFormation deletes the stack with (ExpiryDeleterRole, in the workshop stack)`);
      }
    }
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
    Tags.of(this).add('workshop', workshopName);
    Tags.of(this).add('attendee', props.attendee);

    if (props.sshCidr !== undefined) {
      // Without keyPairName, ec2.KeyPair names it from the construct path at synth time (not CloudFormation).
      // Named after the (concrete) stack name instead: unique per stack, readable, and key pair names are per region.
      this.keyPair = new ec2.KeyPair(this, 'KeyPair', { type: ec2.KeyPairType.ED25519, keyPairName: `${this.stackName}-lab-key` });
    }
    const hostProps = {
      vpc: props.vpc,
      instanceType: props.instanceType,
      hostOs: props.hostOs,
      machineImage: props.machineImage,
      components: props.components,
      stepsDirectory: props.stepsDirectory,
      userDataFile: props.userDataFile,
      keyPair: this.keyPair,
    };

    const hosts: LabHost[] = [];
    const tagHosts = (kind: TopologyKind, topologyHosts: readonly LabHost[]): void => {
      topologyHosts.forEach((host, index) => {
        Tags.of(host).add(TOPOLOGY_TAG, kind);
        Tags.of(host).add(HOST_INDEX_TAG, String(index + 1));
        hosts.push(host);
      });
    };
    if (topologies.includes('single')) {
      this.singleHost = new SingleHostTopology(this, 'SingleHost', hostProps);
      tagHosts('single', this.singleHost.hosts);
    }
    if (topologies.includes('multi')) {
      this.multiHost = new MultiHostTopology(this, 'MultiHost', { ...hostProps, hostCount: multiHostCount });
      tagHosts('multi', this.multiHost.hosts);
      new CfnOutput(this, 'MultiHostAddresses', {
        description: 'Private IPv4 addresses of the multi-host topology, in host order: the HOSTS parameter of step 6',
        value: Fn.join(',', [...this.multiHost.hostAddresses]),
      });
    }
    this.hosts = hosts;

    for (const host of hosts) {
      if (props.sshCidr !== undefined) {
        host.allowSshAccessFrom(ec2.Peer.ipv4(props.sshCidr));
      }
      this.addHostOutputs(host, props.sshCidr !== undefined);
    }
    const instanceType = (props.instanceType ?? new ec2.InstanceType(DEFAULT_INSTANCE_TYPE)).toString();
    const perHour = attendeeHourUsd(instanceType, hosts.length);
    new CfnOutput(this, 'CostPerHour', {
      description: `What this attendee's ${hosts.length} running host(s) cost per hour: ${instanceType} on demand + ${DEFAULT_ROOT_VOLUME_GIB} GiB gp3 + public IPv4 each (${PRICES_REGION} list prices of ${PRICES_CHECKED}, lib/cost/prices.ts)`,
      value: perHour === undefined
        ? `unknown: ${instanceType} is not in lib/cost/prices.ts`
        : `${formatUsd(perHour)} per hour running, ${formatUsd(stoppedHostHourUsd() * hosts.length)} per hour stopped`,
    });
    if (props.expiry) {
      const action = props.expiry.action ?? 'stop';
      const expiresAt = props.expiry.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
      new LabExpiry(this, 'Expiry', {
        expiresAt: atExpressionTime(props.expiry.expiresAt),
        action,
        instances: hosts,
        deleteRole: props.expiry.deleteRole,
        // Named after the stack (unique in the region), which the deleter role's policy expects.
        scheduleName: /^[0-9A-Za-z._-]{1,64}$/.test(this.stackName) ? this.stackName : undefined,
      });
      // Not on the key pair: changing any property of an AWS::EC2::KeyPair replaces it, and with it every host.
      Tags.of(this).add(EXPIRES_AT_TAG, expiresAt, { excludeResourceTypes: ['AWS::EC2::KeyPair'] });
      new CfnOutput(this, 'ExpiresAt', {
        description: action === 'stop' ? 'When the hosts are stopped (UTC); start them again in the EC2 console' : 'When this stack is deleted (UTC)',
        value: `${expiresAt} (${action})`,
      });
    }
    if (this.keyPair) {
      new CfnOutput(this, 'SshKeyCommand', {
        description: 'Saves the SSH private key of this attendee to key.pem',
        value: `aws ssm get-parameter --name /ec2/keypair/${this.keyPair.keyPairId} --with-decryption --query Parameter.Value --output text > key.pem && chmod 600 key.pem`,
      });
    }
  }

  private addHostOutputs(host: LabHost, ssh: boolean): void {
    // e.g. SingleHost/Host -> SingleHost, MultiHost/Host2 -> MultiHost2
    const name = host.node.path.split('/').slice(1).join('').replace(/Host(Host)/, '$1').replace(/[^A-Za-z0-9]/g, '');
    const label = host.node.path.split('/').slice(1).join('/');
    new CfnOutput(this, `${name}InstanceId`, { description: `${label}: instance id`, value: host.instanceId });
    new CfnOutput(this, `${name}PrivateIp`, { description: `${label}: private IPv4 address`, value: host.instancePrivateIp });
    new CfnOutput(this, `${name}PublicIp`, { description: `${label}: public IPv4 address`, value: host.instancePublicIp });
    new CfnOutput(this, `${name}SessionUrl`, {
      description: `${label}: browser shell (Session Manager)`,
      value: `https://${this.region}.console.aws.amazon.com/systems-manager/session-manager/${host.instanceId}?region=${this.region}`,
    });
    if (ssh) {
      new CfnOutput(this, `${name}SshCommand`, {
        description: `${label}: SSH command (fetch key.pem with SshKeyCommand first)`,
        value: `ssh -i key.pem ${host.sshUser}@${host.instancePublicIp}`,
      });
    }
  }
}
