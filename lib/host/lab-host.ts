import * as fs from 'fs';
import { Aws, CfnWaitCondition, CfnWaitConditionHandle, Duration, Lazy, Resource, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LAB_TAGS, TopologyKind } from '../contract';
import { DEFAULT_ROOT_VOLUME_GIB } from '../cost/prices';
import { assetPath } from '../private/assets';
import { LabStepDefinition } from '../steps/lab-step-definition';
import { HostComponent } from './host-component';
import { DEFAULT_HOST_OS, HOST_OS_FACTS, HostOs, HostOsFacts, hostOsProblem } from './host-os';
import { HostArchitecture, instanceArchitecture } from './instance-types';
import { collectHostFiles, HostFile, HostFileSources, LAB_CONFIG_SET, renderInitMetadata } from './private/host-files';
import { labImagesOf } from './private/lab-images';
import { LabHostFiles } from './private/lab-host-files';
import { fillPlaceholders, LONGEST_PLACEHOLDER_VALUES, placeholdersIn, USER_DATA_LIMIT } from './private/user-data';

/** Properties of a {@link LabHost}. */
export interface LabHostProps {
  /** The VPC to launch the host in. */
  readonly vpc: ec2.IVpc;
  /**
   * Where in the VPC the host goes. It needs a public IPv4 address (package mirrors, Systems Manager).
   * @default - the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Operating system of the host. Picks the AMI parameter, the root device name and the SSH user.
   * @default 'debian-13'
   */
  readonly hostOs?: HostOs;
  /**
   * The image to boot instead of the OS's current public AMI (e.g. a pinned AMI, or one a local AWS emulator knows).
   * It must be the `hostOs` kind of system.
   * @default - the OS vendor's public SSM parameter, resolved by EC2 at launch, so a newer AMI does not replace running hosts on a redeploy
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Root device name of `machineImage`, when it differs from the OS's usual one.
   * @default - /dev/xvda for Debian, /dev/sda1 for Ubuntu
   */
  readonly rootDeviceName?: string;
  /**
   * EC2 instance type. A Graviton type (t4g, m7g, ...) boots the arm64 image of `hostOs`, any other the amd64 image.
   * @default t3.medium
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Host software, installed in this order.
   * @default HostComponent.defaults(): lab-tools, expiry-notice, docker-engine, open-vswitch, pipework, lab-images
   */
  readonly components?: readonly HostComponent[];
  /**
   * Security group of the host (more can be added with addSecurityGroup).
   * @default - a new group: all outbound traffic, no inbound
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Size of the encrypted gp3 root volume, in GiB (at least the AMI's 8 GiB).
   * @default 8 (the rehearsal measured about 2.1 GiB written by provisioning and the labs on the single host)
   */
  readonly rootVolumeGiB?: number;
  /**
   * How long CloudFormation waits for the host to report that provisioning and all component checks passed.
   * Hundreds of hosts booting at once share package mirrors and Docker Hub, and provisioning retries with backoff:
   * leave room for that.
   * @default Duration.minutes(30)
   */
  readonly readinessTimeout?: Duration;
  /**
   * IAM path of the host's instance profile, e.g. `/cnlab/<workshop>/`. The expiry deleter may delete instance
   * profiles under its workshop's path only (instance profiles cannot carry tags in CloudFormation).
   * @default '/'
   */
  readonly instanceProfilePath?: string;
  /**
   * Key pair for SSH. SSH also needs allowSshAccessFrom().
   * @default - no key pair: Session Manager only
   */
  readonly keyPair?: ec2.IKeyPair;
  /**
   * Folder of step folders copied to the host under steps/.
   * @default - the package's built-in steps, assets/steps/
   */
  readonly stepsDirectory?: string;
  /**
   * Folder of image build contexts copied to the host under images/.
   * @default - the package's assets/images/
   */
  readonly imagesDirectory?: string;
  /**
   * The kind of topology the host belongs to. The host then builds only the
   * lab images that the steps of that topology declare (step.json `images`);
   * the topology constructs set it.
   * @default - none: the host builds every lab image
   */
  readonly topology?: TopologyKind;
  /**
   * User data template with @@STACK_NAME@@, @@LOGICAL_ID@@, @@INIT_RESOURCE@@, @@REGION@@,
   * @@CONFIGSETS@@, @@HOST_OS@@, @@LAB_IMAGES@@ and @@WAIT_HANDLE@@ placeholders (see assets/host/user-data.sh);
   * with @@WAIT_HANDLE@@ the host also gets a wait condition, whose handle URL it signals with its reason.
   * @default - the package's assets/host/user-data.sh
   */
  readonly userDataFile?: string;
}

/**
 * Default instance type of a lab host: t3.medium (2 vCPU, 4 GiB). The
 * rehearsal measures the hosts' peak working set (README, "Cost"): up to 1.3
 * GiB on the single host with every single-host step's containers up at once,
 * so 4 GiB keeps well over the 30 % headroom the sizes keep. The topologies
 * choose per role (LAB_TOPOLOGY_TYPES): t3.micro for a multi-host host.
 */
export const DEFAULT_INSTANCE_TYPE = 't3.medium';

/** How long CloudFormation waits for a host's readiness signal unless told otherwise, in minutes. */
export const DEFAULT_READINESS_TIMEOUT_MINUTES = 30;

/** Shortest and longest readiness timeout, in minutes (CloudFormation allows 12 hours at most). */
export const READINESS_TIMEOUT_MINUTES = { min: 5, max: 720 } as const;

/** Files already read for hosts of a stack, by their sources: the hosts of one stack read and validate them once. */
const filesByStack = new WeakMap<Stack, Map<string, HostFile[]>>();

function hostFilesOf(stack: Stack, sources: Omit<HostFileSources, 'steps'> & { readonly stepsDirectory: string }): HostFile[] {
  const key = JSON.stringify({ ...sources, components: sources.components.map((component) => [component.name, component.installScript, component.checkScript]) });
  const cache = filesByStack.get(stack) ?? new Map<string, HostFile[]>();
  filesByStack.set(stack, cache);
  let files = cache.get(key);
  if (!files) {
    files = collectHostFiles({ ...sources, steps: LabStepDefinition.listFolder(sources.stepsDirectory) });
    cache.set(key, files);
  }
  return files;
}

/** The files of a host (shared by the hosts of a stack) and the lab images it builds. */
function readHostFiles(stack: Stack, props: LabHostProps, components: readonly HostComponent[]): { files: HostFile[]; labImages: readonly string[] } {
  const imagesDirectory = props.imagesDirectory ?? assetPath('images');
  const stepsDirectory = props.stepsDirectory ?? LabStepDefinition.builtInDirectory();
  const files = hostFilesOf(stack, {
    components,
    helpersFile: assetPath('lib', 'lab.sh'),
    provisionFile: assetPath('host', 'provision.sh'),
    imagesDirectory,
    stepsDirectory,
  });
  return { files, labImages: labImagesOf(imagesDirectory, stepsDirectory, props.topology) };
}

/**
 * The statement that keeps a lab host's role away from Parameter Store: an explicit Deny wins over the
 * Allow of AmazonSSMManagedInstanceCore (and of anything attached later).
 */
export function hostRoleParameterDeny(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'NoParameterStoreReads',
    effect: iam.Effect.DENY,
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory', 'ssm:DescribeParameters'],
    resources: ['*'],
  });
}

/** Smallest and largest root volume; the images and Docker's build cache need ~12 GiB. */
const ROOT_VOLUME_RANGE = { min: DEFAULT_ROOT_VOLUME_GIB, max: 500 } as const;

/**
 * An EC2 instance ready for the labs: Docker, Open vSwitch, Pipework and the
 * lab images installed by its components, the lab files under
 * /opt/container-networks, reachable through Session Manager.
 *
 * Secure by default: IMDSv2 only (on the instance, no launch template, with a
 * hop limit of 1 so containers cannot fetch the host's credentials), encrypted
 * gp3 root volume, a role with AmazonSSMManagedInstanceCore plus only
 * cloudformation:DescribeStackResource and SignalResource on its own stack, no
 * inbound traffic unless allowSshAccessFrom() is called.
 *
 * Files reach the host through `AWS::CloudFormation::Init` metadata: when the
 * user data template supports `@@INIT_RESOURCE@@`, one copy per stack and file
 * set (see LabHostFiles), otherwise on the instance itself. The user data
 * (assets/host/user-data.sh) runs cfn-init, provision.sh, and cfn-signal; the
 * creation policy waits `readinessTimeout` for that signal.
 */
export class LabHost extends Resource implements ec2.IInstance {
  /** Allows specifying security group connections for the instance. */
  public readonly connections: ec2.Connections;
  /** The instance's role. */
  public readonly role: iam.IRole;
  /** The principal to grant permissions to. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The underlying instance. */
  public readonly instance: ec2.Instance;
  /** @attribute */
  public readonly instanceId: string;
  /** @attribute */
  public readonly instanceAvailabilityZone: string;
  /** @attribute */
  public readonly instancePrivateDnsName: string;
  /** @attribute */
  public readonly instancePrivateIp: string;
  /** @attribute */
  public readonly instancePublicDnsName: string;
  /** @attribute */
  public readonly instancePublicIp: string;
  /** Operating system of the host. */
  public readonly hostOs: HostOs;
  /** Login user for SSH (admin on Debian, ubuntu on Ubuntu). */
  public readonly sshUser: string;
  /** Component names in install order. */
  public readonly componentNames: readonly string[];
  /** Bytes of the user data with the deploy-time values at their longest. */
  public readonly userDataBytes: number;
  /** The lab images the host builds (names of image folders), sorted. */
  public readonly labImages: readonly string[];
  /** The EC2 instance type, e.g. `t3.medium`. */
  public readonly instanceTypeName: string;
  /** Size of the root volume, GiB. */
  public readonly rootVolumeGiB: number;

  constructor(scope: Construct, id: string, props: LabHostProps) {
    super(scope, id);
    // --- validate everything before creating anything
    const settings = validateLabHostProps(this.node.path, props);
    const { hostOs, components } = settings;
    const { files, labImages } = readHostFiles(Stack.of(this), props, components);
    this.labImages = labImages;
    const userDataTemplate = readUserDataTemplate(this.node.path, props.userDataFile, hostOs, this.labImages);
    this.userDataBytes = userDataTemplate.longestBytes;
    this.instanceTypeName = settings.instanceType.toString();
    this.rootVolumeGiB = settings.rootVolumeGiB;

    // --- the instance
    this.instance = this.createInstance(props, settings, userDataTemplate, files);

    this.hostOs = hostOs;
    this.sshUser = settings.facts.sshUser;
    // The lab command's attendee cards print the SSH command with it.
    Tags.of(this.instance).add(LAB_TAGS.loginUser, this.sshUser);
    this.componentNames = components.map((component) => component.name);
    this.connections = this.instance.connections;
    this.role = this.instance.role;
    this.grantPrincipal = this.instance.role;
    this.instanceId = this.instance.instanceId;
    this.instanceAvailabilityZone = this.instance.instanceAvailabilityZone;
    this.instancePrivateDnsName = this.instance.instancePrivateDnsName;
    this.instancePrivateIp = this.instance.instancePrivateIp;
    this.instancePublicDnsName = this.instance.instancePublicDnsName;
    this.instancePublicIp = this.instance.instancePublicIp;
  }

  /** The instance, its role, security group, instance profile and user data; files and readiness gate attached. */
  private createInstance(props: LabHostProps, settings: LabHostSettings, userDataTemplate: UserDataTemplate, files: HostFile[]): ec2.Instance {
    const stack = Stack.of(this);
    const securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Lab host ${this.node.path}: all outbound (packages, Systems Manager), inbound only as allowed`,
      allowAllOutbound: true,
    });
    const instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.createRole(), path: settings.instanceProfilePath });

    // The instance's logical id is known only once the instance exists; a lazy value breaks the cycle.
    let cfnInstance: ec2.CfnInstance | undefined;
    const logicalId = Lazy.string({ produce: () => stack.getLogicalId(cfnInstance!) });
    const componentNames = settings.components.map((component) => component.name);
    const sharedFilesResource = userDataTemplate.sharedFiles ? LabHostFiles.forFiles(this, componentNames, files) : undefined;
    // The way a failing host's reason (phase and log tail) reaches CloudFormation: cfn-signal to a wait
    // condition handle carries it; the creation policy's signal (SignalResource) carries none.
    const waitHandle = userDataTemplate.waitHandle ? new CfnWaitConditionHandle(this, 'ReadinessHandle') : undefined;
    const userData = ec2.UserData.custom(fillPlaceholders(userDataTemplate.text, {
      ...userDataTemplate.fixedValues,
      STACK_NAME: Aws.STACK_NAME,
      LOGICAL_ID: logicalId,
      INIT_RESOURCE: sharedFilesResource?.logicalId ?? logicalId,
      REGION: Aws.REGION,
      WAIT_HANDLE: waitHandle?.ref,
    }));

    const instance = new ec2.Instance(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC },
      instanceType: settings.instanceType,
      // Resolved at launch, not through a template parameter: a parameter is re-read on every stack
      // update, so a new vendor AMI would replace every host on an unrelated redeploy.
      machineImage: props.machineImage ?? ec2.MachineImage.resolveSsmParameterAtLaunch(
        settings.facts.amiParameters[settings.architecture], { os: ec2.OperatingSystemType.LINUX }),
      securityGroup,
      instanceProfile,
      keyPair: props.keyPair,
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpEndpoint: true,
      httpPutResponseHopLimit: 1,
      // The host reads its own tags (expires-at) from the instance metadata, for the expiry warnings.
      instanceMetadataTags: true,
      blockDevices: [rootVolume(settings)],
      detailedMonitoring: false,
      userData,
    });
    cfnInstance = instance.node.defaultChild as ec2.CfnInstance;
    if (sharedFilesResource) {
      // The files must exist before the host boots and runs cfn-init.
      cfnInstance.node.addDependency(sharedFilesResource.resource);
    } else {
      cfnInstance.addMetadata('AWS::CloudFormation::Init', renderInitMetadata(files));
    }
    this.configureInstance(instance, cfnInstance, settings.readinessTimeout);
    if (waitHandle) {
      const readiness = new CfnWaitCondition(this, 'Readiness', {
        handle: waitHandle.ref, count: 1, timeout: String(settings.readinessTimeout.toSeconds()),
      });
      readiness.addResourceDependency(cfnInstance);
    }
    return instance;
  }

  /**
   * The host's role: Session Manager, plus reading its own stack's files and signalling readiness.
   * Attendees are root on their hosts, so whatever this role may do, they may do: it is denied every
   * Parameter Store read (AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every parameter,
   * among them every attendee's SSH private key; Run Command and Session Manager need none).
   */
  private createRole(): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Lab host ${this.node.path}: Session Manager, and reading its own stack's files and signalling readiness`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
      inlinePolicies: {
        OwnStack: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            sid: 'CfnInitAndSignal',
            actions: ['cloudformation:DescribeStackResource', 'cloudformation:SignalResource'],
            resources: [Stack.of(this).stackId],
          })],
        }),
        NoParameterReads: new iam.PolicyDocument({ statements: [hostRoleParameterDeny()] }),
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager and Run Command, which are how attendees and the lab command reach the host.',
    });
    return role;
  }

  /** The readiness gate (creation policy) and the linters' notes with their reasons. */
  private configureInstance(instance: ec2.Instance, cfnInstance: ec2.CfnInstance, readinessTimeout: Duration): void {
    const imageId = cfnInstance.imageId;
    if (imageId !== undefined && !Token.isUnresolved(imageId) && imageId.startsWith('resolve:ssm:')) {
      // EC2 resolves `resolve:ssm:<parameter>` at launch; both linters only know AMI ids and flag it (E1152).
      Validations.of(instance).acknowledge({
        id: 'CloudFormation-Validate::E1152',
        reason: 'ImageId is resolve:ssm:<parameter>, which EC2 resolves when it launches the instance (RunInstances accepts it); the check only knows ami-... ids.',
      });
      cfnInstance.addMetadata('cfn-lint', { config: { ignore_checks: ['E1152'] } });
    }
    cfnInstance.cfnOptions.creationPolicy = {
      resourceSignal: { count: 1, timeout: readinessTimeout.toIsoString() },
    };
    Validations.of(instance).acknowledge(
      {
        id: 'AwsSolutions-EC28',
        reason: 'Lab hosts live for a few hours of a workshop; basic 5-minute metrics are enough and detailed monitoring would add cost per host.',
      },
      {
        id: 'AwsSolutions-EC29',
        reason: 'Lab hosts are disposable by design: the organiser deletes the attendee stacks after the workshop, so termination protection would only get in the way.',
      },
    );
  }

  /** A reference to this instance. */
  public get instanceRef(): ec2.InstanceReference {
    return this.instance.instanceRef;
  }

  /** Adds a security group to the host. */
  public addSecurityGroup(securityGroup: ec2.ISecurityGroup): void {
    this.instance.addSecurityGroup(securityGroup);
  }

  /**
   * Allow SSH (TCP 22) from the given peers. Open nothing to the whole
   * internet unless you mean it: prefer the organiser's address range.
   */
  public allowSshAccessFrom(...peers: ec2.IPeer[]): void {
    for (const peer of peers) {
      this.connections.allowFrom(peer, ec2.Port.tcp(22), 'SSH to the lab host');
      if (peer.uniqueId === '0.0.0.0/0') {
        Validations.of(this).acknowledge({
          id: 'AwsSolutions-EC23',
          reason: 'The organiser explicitly allowed SSH from anywhere (allowSshFromAnywhere=true); hosts still accept key-based logins only.',
        });
      }
    }
  }
}

/** The props, checked, with their defaults. */
interface LabHostSettings {
  readonly hostOs: HostOs;
  readonly facts: HostOsFacts;
  readonly instanceType: ec2.InstanceType;
  /** The CPU architecture of the instance type: which image of the OS to boot. */
  readonly architecture: HostArchitecture;
  readonly rootVolumeGiB: number;
  readonly readinessTimeout: Duration;
  readonly instanceProfilePath: string;
  readonly rootDeviceName: string;
  readonly components: readonly HostComponent[];
}

/** Checks every prop before anything is created; the error names the prop and what is allowed. */
function validateLabHostProps(where: string, props: LabHostProps): LabHostSettings {
  const hostOs = props.hostOs ?? DEFAULT_HOST_OS;
  const hostOsError = hostOsProblem(hostOs);
  if (hostOsError !== undefined) {
    throw new Error(`LabHost ${where}: 'hostOs' is ${hostOsError}.`);
  }
  const facts = HOST_OS_FACTS[hostOs];
  const rootVolumeGiB = props.rootVolumeGiB ?? DEFAULT_ROOT_VOLUME_GIB;
  if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < ROOT_VOLUME_RANGE.min || rootVolumeGiB > ROOT_VOLUME_RANGE.max) {
    throw new Error(`LabHost ${where}: 'rootVolumeGiB' is ${rootVolumeGiB}; allowed: a whole number from ${ROOT_VOLUME_RANGE.min} to ${ROOT_VOLUME_RANGE.max}.`);
  }
  const readinessTimeout = props.readinessTimeout ?? Duration.minutes(DEFAULT_READINESS_TIMEOUT_MINUTES);
  const timeoutMinutes = readinessTimeout.toMinutes({ integral: false });
  if (timeoutMinutes < READINESS_TIMEOUT_MINUTES.min || timeoutMinutes > READINESS_TIMEOUT_MINUTES.max) {
    throw new Error(`LabHost ${where}: 'readinessTimeout' is ${readinessTimeout.toHumanString()}; allowed: ${READINESS_TIMEOUT_MINUTES.min} minutes to 12 hours (CloudFormation's limit).`);
  }
  const instanceProfilePath = props.instanceProfilePath ?? '/';
  if (!/^\/([\x21-\x7e]+\/)?$/.test(instanceProfilePath) || instanceProfilePath.length > 512) {
    throw new Error(`LabHost ${where}: 'instanceProfilePath' is ${JSON.stringify(instanceProfilePath)}; allowed: an IAM path that starts and ends with /, e.g. /cnlab/container-networks/.`);
  }
  const rootDeviceName = props.rootDeviceName ?? facts.rootDeviceName;
  if (!/^\/dev\/(sd[a-z]1?|xvd[a-z])$/.test(rootDeviceName)) {
    throw new Error(`LabHost ${where}: 'rootDeviceName' is ${JSON.stringify(rootDeviceName)}; allowed: a device name such as /dev/sda1 or /dev/xvda.`);
  }
  const components = props.components ?? HostComponent.defaults();
  if (components.length === 0) {
    throw new Error(`LabHost ${where}: 'components' is empty; a lab host needs at least one component.`);
  }
  const instanceType = props.instanceType ?? new ec2.InstanceType(DEFAULT_INSTANCE_TYPE);
  const architecture = instanceArchitecture(instanceType.toString());
  return { hostOs, facts, instanceType, architecture, rootVolumeGiB, readinessTimeout, instanceProfilePath, rootDeviceName, components };
}

/** The encrypted gp3 root volume, on the OS's root device name (any other name would add a second disk). */
function rootVolume(settings: LabHostSettings): ec2.BlockDevice {
  return {
    deviceName: settings.rootDeviceName,
    volume: ec2.BlockDeviceVolume.ebs(settings.rootVolumeGiB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
  };
}

/** A user data template, read and measured. */
interface UserDataTemplate {
  /** The template's text, placeholders unfilled. */
  readonly text: string;
  /** Placeholder values known at synth time. */
  readonly fixedValues: Readonly<Record<string, string>>;
  /** Its size in bytes with the deploy-time values at their longest. */
  readonly longestBytes: number;
  /** Whether it takes @@INIT_RESOURCE@@, so the files can live in one shared resource. */
  readonly sharedFiles: boolean;
  /** Whether it takes @@WAIT_HANDLE@@, so it can tell CloudFormation why it failed (a wait condition). */
  readonly waitHandle: boolean;
}

/** The user data template, whether it takes the shared files resource, and its size with the longest deploy-time values. */
function readUserDataTemplate(where: string, userDataFileProp: string | undefined, hostOs: HostOs, labImages: readonly string[]): UserDataTemplate {
  const userDataFile = userDataFileProp ?? assetPath('host', 'user-data.sh');
  if (!fs.existsSync(userDataFile)) {
    throw new Error(`LabHost ${where}: the user data template ${userDataFile} is missing.`);
  }
  const text = fs.readFileSync(userDataFile, 'utf8');
  const fixedValues = { CONFIGSETS: LAB_CONFIG_SET, HOST_OS: hostOs, LAB_IMAGES: labImages.join(' ') };
  const longestBytes = Buffer.byteLength(fillPlaceholders(text, { ...LONGEST_PLACEHOLDER_VALUES, ...fixedValues }), 'utf8');
  if (longestBytes > USER_DATA_LIMIT) {
    throw new Error(`LabHost ${where}: the user data is ${longestBytes} bytes with the longest stack name, logical id and region; EC2 allows ${USER_DATA_LIMIT}. Shorten ${userDataFile}.`);
  }
  const placeholders = placeholdersIn(text);
  return { text, fixedValues, longestBytes, sharedFiles: placeholders.includes('INIT_RESOURCE'), waitHandle: placeholders.includes('WAIT_HANDLE') };
}
