import { Aws, CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnResource, Fn, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_WORKSHOP_NAME, EXPIRES_AT_PARAMETER, EXPIRES_AT_PATTERN, isValidWorkshopName, LAB_TAGS, saveKeyCommand, takesHostsParameter, TopologyKind, TOPOLOGY_KINDS, WORKSHOP_NAME_RULE } from '../contract';
import { attendeeHourUsd, formatUsd, PRICES_CHECKED, PRICES_REGION, pricedInstanceTypes } from '../cost/prices';
import { LabExpiry } from '../expiry/lab-expiry';
import { HostOs } from '../host/host-os';
import { LabHost, LabHostProps } from '../host/lab-host';
import { LabNetwork } from '../network/lab-network';
import { LabStepDefinition } from '../steps/lab-step-definition';
import { ILabTopology } from '../topology/lab-topology';
import { LAB_TOPOLOGY_TYPES } from '../topology/topology-types';
import { tagTopologyHosts } from './attendee-stack';
import { addHostOutputs } from './private/host-outputs';
import { addStepDocuments } from './private/step-documents';
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

/** The choices of the Topologies parameter and the topologies each one deploys: every kind, or one. */
export const TEMPLATE_TOPOLOGIES: Readonly<Record<string, readonly TopologyKind[]>> = {
  both: TOPOLOGY_KINDS,
  ...Object.fromEntries(TOPOLOGY_KINDS.map((kind) => [kind, [kind]])),
};

/** One part of an IPv4 address, 0 to 255 (no leading zeros but 0 itself). */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/**
 * What the SshCidr parameter accepts: empty (no SSH), or an IPv4 CIDR from /16 to /32 (the template has no
 * allowSshFromAnywhere: a wider range is the CDK app's explicit choice only).
 */
export const SSH_CIDR_PARAMETER_PATTERN = `^$|^${OCTET}(\\.${OCTET}){3}/(1[6-9]|2\\d|3[0-2])$`;

/** Hosts of the multi-host topology in the self-contained template (fixed: a parameter cannot add resources). */
export const TEMPLATE_MULTI_HOST_COUNT = 2;

/** Hosts per topology kind in the self-contained template. */
const TEMPLATE_HOST_COUNTS: Readonly<Record<TopologyKind, number>> = { single: 1, multi: TEMPLATE_MULTI_HOST_COUNT };

/** The template's parameters. */
interface TemplateParameters {
  readonly sshCidr: CfnParameter;
  readonly instanceType: CfnParameter;
  readonly topologies: CfnParameter;
  readonly expiresAt: CfnParameter;
}

/** The InstanceType parameter's value for each kind of host at its measured size (LAB_TOPOLOGY_TYPES). */
const MEASURED_SIZES = 'measured';

/** The template's conditions on SSH and expiry. */
interface TemplateConditions {
  readonly hasSsh: CfnCondition;
  readonly hasExpiry: CfnCondition;
}

/**
 * The whole lab for one attendee in one stack, as one template that needs no
 * CDK to deploy (console, `aws cloudformation deploy`, AWS Workshop Studio):
 * the lab network and step documents of a WorkshopStack plus the hosts of an
 * AttendeeStack. The attendee is the stack name. What a CDK app decides at
 * synth is a parameter here: SshCidr (empty = no SSH; the key pair exists either way),
 * InstanceType, Topologies (single, multi or both) and ExpiresAt (empty = no
 * expiry; else the hosts are stopped then). Use it with a synthesizer without
 * bootstrap (selfContainedSynthesizer or workshopStudioSynthesizer).
 *
 * One stack per account and region: the step documents have fixed names.
 */
export class SelfContainedLabStack extends Stack {
  /** The topologies, by kind, each deployed when the Topologies parameter chooses it. */
  public readonly topologies: Readonly<Record<TopologyKind, ILabTopology>>;
  /** All hosts, topology by topology. */
  public readonly hosts: readonly LabHost[];

  constructor(scope: Construct, id: string, props: SelfContainedLabStackProps = {}) {
    const workshopName = props.workshopName ?? DEFAULT_WORKSHOP_NAME;
    if (!isValidWorkshopName(workshopName)) {
      throw new Error(`SelfContainedLabStack: 'workshopName' is ${JSON.stringify(workshopName)}; allowed: ${WORKSHOP_NAME_RULE}.`);
    }
    const stepsDirectory = props.stepsDirectory ?? LabStepDefinition.builtInDirectory();
    const definitions = LabStepDefinition.listFolder(stepsDirectory);
    super(scope, id, {
      description: `Container Networks lab (${workshopName}): network, step documents and the lab hosts of one attendee (the stack name)`,
      ...props,
    });
    const parameters = this.declareParameters(props.workshopStudio ?? false);
    const conditions: TemplateConditions = {
      hasSsh: new CfnCondition(this, 'HasSsh', { expression: Fn.conditionNot(Fn.conditionEquals(parameters.sshCidr.valueAsString, '')) }),
      hasExpiry: new CfnCondition(this, 'HasExpiry', { expression: Fn.conditionNot(Fn.conditionEquals(parameters.expiresAt.valueAsString, '')) }),
    };
    const topologyConditions = Object.fromEntries(TOPOLOGY_KINDS.map((kind) => [kind, new CfnCondition(this, `Has${LAB_TOPOLOGY_TYPES[kind].conditionLabel}`, {
      expression: Fn.conditionOr(Fn.conditionEquals(parameters.topologies.valueAsString, 'both'), Fn.conditionEquals(parameters.topologies.valueAsString, kind)),
    })])) as Record<TopologyKind, CfnCondition>;

    Tags.of(this).add(LAB_TAGS.workshop, workshopName);
    // Token-valued tags go on the resources only: as stack tags (the cloud assembly manifest, which
    // `cdk deploy` applies) they would be the unresolved text ${Token[...]}.
    Tags.of(this).add(LAB_TAGS.attendee, Aws.STACK_NAME, { excludeResourceTypes: ['aws:cdk:stack'] });

    // --- the workshop part: network and documents
    // No custom resource to empty the default security group: that is a Lambda function from an asset
    // bucket, and this template has no bucket (it is uploaded as one file). No lab host uses that group.
    const network = new LabNetwork(this, 'Network', { restrictDefaultSecurityGroup: false });
    addStepDocuments(this, definitions, workshopName);

    // --- the attendee part: hosts behind conditions
    // Named after the deployed stack: the name ec2.KeyPair would derive from the construct path is the
    // same in every deployment of this template, so a second attendee stack in the account and region would fail.
    // There with or without SSH: a key pair that came and went with SshCidr would change every host's KeyName,
    // and so replace the hosts, whenever SSH is turned on or off.
    const keyPair = new ec2.KeyPair(this, 'KeyPair', { type: ec2.KeyPairType.ED25519, keyPairName: `${Aws.STACK_NAME}-lab-key` });
    const hostProps: LabHostProps = {
      vpc: network.vpc,
      hostOs: props.hostOs,
      stepsDirectory,
      keyPair,
    };
    const measured = new CfnCondition(this, 'MeasuredSizes', { expression: Fn.conditionEquals(parameters.instanceType.valueAsString, MEASURED_SIZES) });
    const topologies = Object.fromEntries(TOPOLOGY_KINDS.map((kind) => {
      const type = LAB_TOPOLOGY_TYPES[kind];
      const instanceType = new ec2.InstanceType(Fn.conditionIf(measured.logicalId, type.defaultInstanceType, parameters.instanceType.valueAsString).toString());
      const topology = type.create(this, type.id, { ...hostProps, instanceType }, TEMPLATE_HOST_COUNTS[kind]);
      setCondition(topology, topologyConditions[kind]);
      return [kind, topology];
    })) as Record<TopologyKind, ILabTopology>;
    for (const kind of TOPOLOGY_KINDS) {
      this.addTopologyHosts(topologies[kind], topologyConditions[kind], conditions, parameters);
    }
    this.topologies = topologies;
    this.hosts = TOPOLOGY_KINDS.flatMap((kind) => topologies[kind].hosts);
    // Not on the key pair: changing any property of an AWS::EC2::KeyPair replaces it, and with it every host.
    Tags.of(this).add(LAB_TAGS.expiresAt, Fn.conditionIf(conditions.hasExpiry.logicalId, Fn.join('', [parameters.expiresAt.valueAsString, 'Z']), 'never').toString(),
      { excludeResourceTypes: ['AWS::EC2::KeyPair', 'aws:cdk:stack'] });
    this.addOutputs(topologyConditions, conditions, parameters, keyPair);
  }

  /** SshCidr, InstanceType, Topologies, ExpiresAt (and Workshop Studio's two), with their console grouping. */
  private declareParameters(workshopStudio: boolean): TemplateParameters {
    const sshCidr = new CfnParameter(this, 'SshCidr', {
      type: 'String',
      default: '',
      allowedPattern: SSH_CIDR_PARAMETER_PATTERN,
      constraintDescription: 'empty, or an IPv4 CIDR from /16 to /32 (each address part 0 to 255), such as 203.0.113.0/24',
      description: 'IPv4 range allowed to SSH to the hosts, /16 to /32. Empty: no SSH, use Session Manager in the browser.',
    });
    const instanceType = new CfnParameter(this, 'InstanceType', {
      type: 'String',
      default: MEASURED_SIZES,
      allowedValues: [MEASURED_SIZES, ...pricedInstanceTypes()],
      description: `EC2 instance type of every lab host (x86_64), or ${MEASURED_SIZES}: each kind of host at the size the rehearsal measured for it (${TOPOLOGY_KINDS.map((kind) => `${kind} ${LAB_TOPOLOGY_TYPES[kind].defaultInstanceType}`).join(', ')}).`,
    });
    const topologies = new CfnParameter(this, 'Topologies', {
      type: 'String',
      default: 'both',
      allowedValues: Object.keys(TEMPLATE_TOPOLOGIES),
      description: `Which hosts: single (1 host, steps 1-5 and 7), multi (${TEMPLATE_MULTI_HOST_COUNT} hosts, step 6) or both.`,
    });
    const expiresAt = new CfnParameter(this, EXPIRES_AT_PARAMETER, {
      type: 'String',
      default: '',
      allowedPattern: `^$|${EXPIRES_AT_PATTERN}`,
      constraintDescription: 'empty, or a UTC time written yyyy-mm-ddThh:mm:ss',
      description: 'When to stop the hosts, UTC, yyyy-mm-ddThh:mm:ss (e.g. 8 hours from now). Empty: never; delete the stack when done.',
    });
    if (workshopStudio) {
      addWorkshopStudioParameters(this);
    }
    this.templateOptions.metadata = {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [{ Label: { default: 'Lab hosts' }, Parameters: ['Topologies', 'InstanceType', EXPIRES_AT_PARAMETER, 'SshCidr'] }],
      },
    };
    return { sshCidr, instanceType, topologies, expiresAt };
  }

  /** Tags, key pair, conditional SSH rule and outputs of a topology's hosts, and their expiry schedule. */
  private addTopologyHosts(topology: ILabTopology, condition: CfnCondition, conditions: TemplateConditions, parameters: TemplateParameters): void {
    const label = LAB_TOPOLOGY_TYPES[topology.kind].conditionLabel;
    const both = (name: string, a: CfnCondition, b: CfnCondition): CfnCondition =>
      new CfnCondition(this, name, { expression: Fn.conditionAnd(a, b) });
    const sshCondition = both(`${label}Ssh`, condition, conditions.hasSsh);
    tagTopologyHosts(topology);
    for (const host of topology.hosts) {
      const ssh = new ec2.CfnSecurityGroupIngress(host, 'SshIngress', {
        groupId: host.connections.securityGroups[0].securityGroupId,
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIp: parameters.sshCidr.valueAsString,
        description: 'SSH to the lab host from the SshCidr parameter',
      });
      ssh.cfnOptions.condition = sshCondition;
      Validations.of(ssh).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The CIDR is the SshCidr parameter, which is empty (no rule, no SSH) unless the attendee types a range, and whose pattern refuses ranges wider than /16.',
      });
      addHostOutputs(this, host, { publicIp: false, ssh: sshCondition, condition });
    }
    const expiresAt = parameters.expiresAt.valueAsString;
    const expiry = new LabExpiry(this, `${label}HostExpiry`, {
      expiresAt,
      action: 'stop',
      instances: topology.hosts,
      condition: both(`${label}Expiry`, condition, conditions.hasExpiry),
    });
    // It exists only with an expiry: the plain time, not the stack-wide Fn::If (whose 'never' branch it never reaches).
    Tags.of(expiry).add(LAB_TAGS.expiresAt, Fn.join('', [expiresAt, 'Z']), { priority: 200 });
  }

  /** Host addresses, the SSH key command, the cost per hour of each choice, and the expiry time. */
  private addOutputs(topologyConditions: Record<TopologyKind, CfnCondition>, conditions: TemplateConditions, parameters: TemplateParameters, keyPair: ec2.KeyPair): void {
    for (const kind of TOPOLOGY_KINDS.filter(takesHostsParameter)) {
      const type = LAB_TOPOLOGY_TYPES[kind];
      new CfnOutput(this, `${type.id}Addresses`, {
        description: type.addressesDescription ?? `Private IPv4 addresses of the ${kind} topology, in host order`,
        value: Fn.join(',', this.topologies[kind].hosts.map((host) => host.instancePrivateIp)),
        condition: topologyConditions[kind],
      });
    }
    new CfnOutput(this, 'SshKeyCommand', {
      description: 'Saves the SSH private key to key.pem (SSH is open when SshCidr is set)',
      value: saveKeyCommand(keyPair.keyPairId, 'key.pem'),
    });
    // Cost per attendee-hour for every choice, computed here from lib/cost/prices.ts and picked at deploy time.
    const perHour = (choice: string, type: string): string => {
      const usd = TEMPLATE_TOPOLOGIES[choice].reduce((sum, kind) => sum + attendeeHourUsd(type === MEASURED_SIZES ? LAB_TOPOLOGY_TYPES[kind].defaultInstanceType : type, TEMPLATE_HOST_COUNTS[kind])!, 0);
      return `${formatUsd(usd)} per hour while running`;
    };
    const costs = new CfnMapping(this, 'CostPerAttendeeHour', {
      mapping: Object.fromEntries([MEASURED_SIZES, ...pricedInstanceTypes()].map((type) => [type, Object.fromEntries(Object.keys(TEMPLATE_TOPOLOGIES)
        .map((choice) => [choice, perHour(choice, type)]))])),
    });
    new CfnOutput(this, 'CostPerHour', {
      description: `What the running hosts cost per hour: instances on demand + 8 GiB gp3 + public IPv4 each (${PRICES_REGION} list prices of ${PRICES_CHECKED})`,
      value: costs.findInMap(parameters.instanceType.valueAsString, parameters.topologies.valueAsString),
    });
    new CfnOutput(this, 'Expiry', {
      description: 'When the hosts are stopped (UTC)',
      value: Fn.conditionIf(conditions.hasExpiry.logicalId, Fn.join('', [parameters.expiresAt.valueAsString, 'Z']), 'never: delete the stack when done').toString(),
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
