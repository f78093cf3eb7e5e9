import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DEFAULT_WORKSHOP_NAME, isValidWorkshopName, LAB_TAGS, WORKSHOP_NAME_RULE } from '../contract';
import { LabNetwork } from '../network/lab-network';
import { LabStep } from '../steps/lab-step';
import { LabStepDefinition } from '../steps/lab-step-definition';
import { addStepDocuments } from './private/step-documents';

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
    const workshopName = props.workshopName ?? DEFAULT_WORKSHOP_NAME;
    if (!isValidWorkshopName(workshopName)) {
      throw new Error(`WorkshopStack: 'workshopName' is ${JSON.stringify(workshopName)}; allowed: ${WORKSHOP_NAME_RULE}.`);
    }
    const definitions = LabStepDefinition.listFolder(props.stepsDirectory ?? LabStepDefinition.builtInDirectory());
    super(scope, id, {
      description: `Container Networks lab (${workshopName}): shared network and lab step documents`,
      ...props,
    });
    this.workshopName = workshopName;
    Tags.of(this).add(LAB_TAGS.workshop, workshopName);
    this.network = new LabNetwork(this, 'Network', { vpc: props.vpc });
    this.vpc = this.network.vpc;
    this.steps = addStepDocuments(this, definitions, workshopName);
  }
}
