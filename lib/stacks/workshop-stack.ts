import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { WORKSHOP_NAME_PATTERN } from '../config';
import { LabNetwork } from '../network/lab-network';
import { LabStep } from '../steps/lab-step';
import { LabStepDefinition } from '../steps/lab-step-definition';

/** Properties of a {@link WorkshopStack}. */
export interface WorkshopStackProps extends StackProps {
  /**
   * Workshop name: prefix of the document names and value of the `workshop` tag.
   * @default 'container-networks'
   */
  readonly workshopName?: string;
  /**
   * An existing VPC for the lab hosts.
   * @default - a new VPC with public subnets only (see LabNetwork)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Folder of step folders to publish as documents.
   * @default - the package's built-in steps, assets/steps/
   */
  readonly stepsDirectory?: string;
}

/**
 * What all attendees of a workshop share, once per account and region: the
 * lab network and every lab step as SSM documents.
 */
export class WorkshopStack extends Stack {
  /** The workshop name. */
  public readonly workshopName: string;
  /** The lab network. */
  public readonly network: LabNetwork;
  /** The VPC the lab hosts go into. */
  public readonly vpc: ec2.IVpc;
  /** The lab steps, sorted by id. */
  public readonly steps: readonly LabStep[];

  constructor(scope: Construct, id: string, props: WorkshopStackProps = {}) {
    const workshopName = props.workshopName ?? 'container-networks';
    if (!WORKSHOP_NAME_PATTERN.test(workshopName) || /^(aws|amazon|amzn)/.test(workshopName)) {
      throw new Error(`WorkshopStack: 'workshopName' is ${JSON.stringify(workshopName)}; allowed: a lower case letter then up to 30 lower case letters, digits or dashes, not starting with aws, amazon or amzn.`);
    }
    const definitions = LabStepDefinition.listFolder(props.stepsDirectory ?? LabStepDefinition.builtInDirectory());
    super(scope, id, {
      description: `Container Networks lab (${workshopName}): shared network and lab step documents`,
      ...props,
    });
    this.workshopName = workshopName;
    Tags.of(this).add('workshop', workshopName);
    this.network = new LabNetwork(this, 'Network', { vpc: props.vpc });
    this.vpc = this.network.vpc;
    this.steps = definitions.map((step) => new LabStep(this, `Step${step.id.replace(/[^A-Za-z0-9]/g, '')}`, { step, workshopName }));
  }
}
