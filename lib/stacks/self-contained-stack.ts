import { Aws, CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnResource, Fn, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { WORKSHOP_NAME_PATTERN } from '../config';
import { attendeeHourUsd, formatUsd, PRICES_CHECKED, PRICES_REGION, pricedInstanceTypes } from '../cost/prices';
import { EXPIRES_AT_TAG, LabExpiry } from '../expiry/lab-expiry';
import { HostOs } from '../host/host-os';
import { DEFAULT_INSTANCE_TYPE, LabHost } from '../host/lab-host';
import { LabNetwork } from '../network/lab-network';
import { LabStep } from '../steps/lab-step';
import { LabStepDefinition } from '../steps/lab-step-definition';
import { MultiHostTopology } from '../topology/multi-host';
import { SingleHostTopology } from '../topology/single-host';
import { HOST_INDEX_TAG, TOPOLOGY_TAG } from './attendee-stack';
import { addWorkshopStudioParameters } from './synthesizers';

/** Properties of a {@link SelfContainedLabStack}. */
export interface SelfContainedLabStackProps extends StackProps {
  /**
   * Workshop name: prefix of the document names and value of the `workshop` tag.
   * @default 'container-networks'
   */
  readonly workshopName?: string;
  /**
   * Operating system of the hosts.
   * @default 'debian-13'
   */
  readonly hostOs?: HostOs;
  /**
   * Folder of step folders (documents and host files).
   * @default - the package's built-in steps
   */
  readonly stepsDirectory?: string;
  /**
   * Declare AWS Workshop Studio's AssetsBucketName and AssetsBucketPrefix
   * parameters (use with workshopStudioSynthesizer()).
   * @default false
   */
  readonly workshopStudio?: boolean;
}

/** The choices of the Topologies parameter and the topologies each one deploys. */
export const TEMPLATE_TOPOLOGIES = { both: ['single', 'multi'], single: ['single'], multi: ['multi'] } as const;

/** Hosts of the multi-host topology in the self-contained template (fixed: a parameter cannot add resources). */
export const TEMPLATE_MULTI_HOST_COUNT = 2;

/**
 * The whole lab for one attendee in one stack, as one template that needs no
 * CDK to deploy (console, `aws cloudformation deploy`, AWS Workshop Studio):
 * the lab network and step documents of a WorkshopStack plus the hosts of an
 * AttendeeStack. The attendee is the stack name. What a CDK app decides at
 * synth is a parameter here: SshCidr (empty = no SSH, no key pair),
 * InstanceType, Topologies (single, multi or both) and ExpiresAt (empty = no
 * expiry; else the hosts are stopped then). Use it with a synthesizer without
 * bootstrap (selfContainedSynthesizer or workshopStudioSynthesizer).
 *
 * One stack per account and region: the step documents have fixed names.
 */
export class SelfContainedLabStack extends Stack {
  /** The single-host topology (deployed when Topologies is single or both). */
  public readonly singleHost: SingleHostTopology;
  /** The multi-host topology (deployed when Topologies is multi or both). */
  public readonly multiHost: MultiHostTopology;
  /** All hosts, single first. */
  public readonly hosts: readonly LabHost[];

  constructor(scope: Construct, id: string, props: SelfContainedLabStackProps = {}) {
    const workshopName = props.workshopName ?? 'container-networks';
    if (!WORKSHOP_NAME_PATTERN.test(workshopName) || /^(aws|amazon|amzn)/.test(workshopName)) {
      throw new Error(`SelfContainedLabStack: 'workshopName' is ${JSON.stringify(workshopName)}; allowed: a lower case letter then up to 30 lower case letters, digits or dashes, not starting with aws, amazon or amzn.`);
    }
    const stepsDirectory = props.stepsDirectory ?? LabStepDefinition.builtInDirectory();
    const definitions = LabStepDefinition.listFolder(stepsDirectory);
    super(scope, id, {
      description: `Container Networks lab (${workshopName}): network, step documents and the lab hosts of one attendee (the stack name)`,
      ...props,
    });

    // --- parameters and conditions
    const sshCidr = new CfnParameter(this, 'SshCidr', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^(\\d{1,3}\\.){3}\\d{1,3}/([1-9]|[12]\\d|3[0-2])$',
      constraintDescription: 'empty, or an IPv4 CIDR narrower than /0, such as 203.0.113.0/24',
      description: 'IPv4 range allowed to SSH to the hosts (also creates a key pair). Empty: no SSH, use Session Manager in the browser.',
    });
    const instanceType = new CfnParameter(this, 'InstanceType', {
      type: 'String',
      default: DEFAULT_INSTANCE_TYPE,
      allowedValues: pricedInstanceTypes(),
      description: 'EC2 instance type of every lab host (x86_64). t3.large is the tested size.',
    });
    const topologies = new CfnParameter(this, 'Topologies', {
      type: 'String',
      default: 'both',
      allowedValues: Object.keys(TEMPLATE_TOPOLOGIES),
      description: `Which hosts: single (1 host, steps 1-5 and 7), multi (${TEMPLATE_MULTI_HOST_COUNT} hosts, step 6) or both.`,
    });
    const expiresAt = new CfnParameter(this, 'ExpiresAt', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$',
      constraintDescription: 'empty, or a UTC time written yyyy-mm-ddThh:mm:ss',
      description: 'When to stop the hosts, UTC, yyyy-mm-ddThh:mm:ss (e.g. 8 hours from now). Empty: never; delete the stack when done.',
    });
    if (props.workshopStudio) {
      addWorkshopStudioParameters(this);
    }
    this.templateOptions.metadata = {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [{ Label: { default: 'Lab hosts' }, Parameters: ['Topologies', 'InstanceType', 'ExpiresAt', 'SshCidr'] }],
      },
    };

    const hasSsh = new CfnCondition(this, 'HasSsh', { expression: Fn.conditionNot(Fn.conditionEquals(sshCidr.valueAsString, '')) });
    const hasExpiry = new CfnCondition(this, 'HasExpiry', { expression: Fn.conditionNot(Fn.conditionEquals(expiresAt.valueAsString, '')) });
    const hasSingle = new CfnCondition(this, 'HasSingle', {
      expression: Fn.conditionOr(Fn.conditionEquals(topologies.valueAsString, 'both'), Fn.conditionEquals(topologies.valueAsString, 'single')),
    });
    const hasMulti = new CfnCondition(this, 'HasMulti', {
      expression: Fn.conditionOr(Fn.conditionEquals(topologies.valueAsString, 'both'), Fn.conditionEquals(topologies.valueAsString, 'multi')),
    });
    const both = (name: string, a: CfnCondition, b: CfnCondition): CfnCondition =>
      new CfnCondition(this, name, { expression: Fn.conditionAnd(a, b) });

    Tags.of(this).add('workshop', workshopName);
    // Token-valued tags go on the resources only: as stack tags (the cloud assembly manifest, which
    // `cdk deploy` applies) they would be the unresolved text ${Token[...]}.
    Tags.of(this).add('attendee', Aws.STACK_NAME, { excludeResourceTypes: ['aws:cdk:stack'] });

    // --- the workshop part: network and documents
    const network = new LabNetwork(this, 'Network');
    for (const step of definitions) {
      new LabStep(this, `Step${step.id.replace(/[^A-Za-z0-9]/g, '')}`, { step, workshopName });
    }

    // --- the attendee part: hosts behind conditions
    // Named after the deployed stack: the name ec2.KeyPair would derive from the construct path is the
    // same in every deployment of this template, so a second attendee stack in the account and region would fail.
    const keyPair = new ec2.KeyPair(this, 'KeyPair', { type: ec2.KeyPairType.ED25519, keyPairName: `${Aws.STACK_NAME}-lab-key` });
    setCondition(keyPair, hasSsh);
    const hostProps = {
      vpc: network.vpc,
      instanceType: new ec2.InstanceType(instanceType.valueAsString),
      hostOs: props.hostOs,
      stepsDirectory,
    };
    this.singleHost = new SingleHostTopology(this, 'SingleHost', hostProps);
    this.multiHost = new MultiHostTopology(this, 'MultiHost', { ...hostProps, hostCount: TEMPLATE_MULTI_HOST_COUNT });
    setCondition(this.singleHost, hasSingle);
    setCondition(this.multiHost, hasMulti);

    const topologySets = [
      { kind: 'single', topology: this.singleHost, condition: hasSingle, label: 'Single' },
      { kind: 'multi', topology: this.multiHost, condition: hasMulti, label: 'Multi' },
    ] as const;
    const hosts: LabHost[] = [];
    for (const { kind, topology, condition, label } of topologySets) {
      const sshCondition = both(`${label}Ssh`, condition, hasSsh);
      topology.hosts.forEach((host, index) => {
        Tags.of(host).add(TOPOLOGY_TAG, kind);
        Tags.of(host).add(HOST_INDEX_TAG, String(index + 1));
        const cfnInstance = host.instance.node.defaultChild as ec2.CfnInstance;
        cfnInstance.addPropertyOverride('KeyName', Fn.conditionIf(hasSsh.logicalId, keyPair.keyPairName, Aws.NO_VALUE));
        const ssh = new ec2.CfnSecurityGroupIngress(host, 'SshIngress', {
          groupId: host.connections.securityGroups[0].securityGroupId,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIp: sshCidr.valueAsString,
          description: 'SSH to the lab host from the SshCidr parameter',
        });
        ssh.cfnOptions.condition = sshCondition;
        Validations.of(ssh).acknowledge({
          id: 'AwsSolutions-EC23',
          reason: 'The CIDR is the SshCidr parameter, which is empty (no rule, no SSH) unless the attendee types a range, and whose pattern refuses /0.',
        });
        this.addHostOutputs(host, condition, sshCondition);
        hosts.push(host);
      });
      const expiry = new LabExpiry(this, `${label}HostExpiry`, {
        expiresAt: expiresAt.valueAsString,
        action: 'stop',
        instances: topology.hosts,
        condition: both(`${label}Expiry`, condition, hasExpiry),
      });
      // It exists only with an expiry: the plain time, not the stack-wide Fn::If (whose 'never' branch it never reaches).
      Tags.of(expiry).add(EXPIRES_AT_TAG, Fn.join('', [expiresAt.valueAsString, 'Z']), { priority: 200 });
    }
    this.hosts = hosts;
    // Not on the key pair: changing any property of an AWS::EC2::KeyPair replaces it, and with it every host.
    Tags.of(this).add(EXPIRES_AT_TAG, Fn.conditionIf(hasExpiry.logicalId, Fn.join('', [expiresAt.valueAsString, 'Z']), 'never').toString(),
      { excludeResourceTypes: ['AWS::EC2::KeyPair', 'aws:cdk:stack'] });

    new CfnOutput(this, 'MultiHostAddresses', {
      description: 'Private IPv4 addresses of the multi-host topology, in host order: the HOSTS parameter of step 6',
      value: this.multiHost.hostAddressList,
      condition: hasMulti,
    });
    new CfnOutput(this, 'SshKeyCommand', {
      description: 'Saves the SSH private key to key.pem',
      value: `aws ssm get-parameter --name /ec2/keypair/${keyPair.keyPairId} --with-decryption --query Parameter.Value --output text > key.pem && chmod 600 key.pem`,
      condition: hasSsh,
    });

    // Cost per attendee-hour for every choice, computed here from lib/cost/prices.ts and picked at deploy time.
    const hostCount = { single: 1, multi: TEMPLATE_MULTI_HOST_COUNT, both: 1 + TEMPLATE_MULTI_HOST_COUNT };
    const costs = new CfnMapping(this, 'CostPerAttendeeHour', {
      mapping: Object.fromEntries(pricedInstanceTypes().map((type) => [type, Object.fromEntries(Object.entries(hostCount)
        .map(([choice, count]) => [choice, `${formatUsd(attendeeHourUsd(type, count)!)} per hour while running`]))])),
    });
    new CfnOutput(this, 'CostPerHour', {
      description: `What the running hosts cost per hour: instances on demand + 30 GiB gp3 + public IPv4 each (${PRICES_REGION} list prices of ${PRICES_CHECKED})`,
      value: costs.findInMap(instanceType.valueAsString, topologies.valueAsString),
    });
    new CfnOutput(this, 'ExpiresAtOutput', {
      description: 'When the hosts are stopped (UTC)',
      value: Fn.conditionIf(hasExpiry.logicalId, Fn.join('', [expiresAt.valueAsString, 'Z']), 'never: delete the stack when done').toString(),
    });
  }

  private addHostOutputs(host: LabHost, condition: CfnCondition, sshCondition: CfnCondition): void {
    const name = host.node.path.split('/').slice(1).join('').replace(/Host(Host)/, '$1').replace(/[^A-Za-z0-9]/g, '');
    const label = host.node.path.split('/').slice(1).join('/');
    new CfnOutput(this, `${name}InstanceId`, { description: `${label}: instance id`, value: host.instanceId, condition });
    new CfnOutput(this, `${name}PrivateIp`, { description: `${label}: private IPv4 address`, value: host.instancePrivateIp, condition });
    new CfnOutput(this, `${name}SessionUrl`, {
      description: `${label}: browser shell (Session Manager)`,
      value: `https://${this.region}.console.aws.amazon.com/systems-manager/session-manager/${host.instanceId}?region=${this.region}`,
      condition,
    });
    new CfnOutput(this, `${name}SshCommand`, {
      description: `${label}: SSH command (fetch key.pem with SshKeyCommand first)`,
      value: `ssh -i key.pem ${host.sshUser}@${host.instancePublicIp}`,
      condition: sshCondition,
    });
  }
}

/** Puts a condition on every CloudFormation resource under a construct. */
function setCondition(scope: IConstruct, condition: CfnCondition): void {
  for (const child of scope.node.findAll()) {
    if (child instanceof CfnResource) {
      child.cfnOptions.condition = condition;
    }
  }
}
