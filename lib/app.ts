import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseWorkshopConfig, WorkshopConfig } from './config';
import { FixedLinuxImage } from './host/fixed-linux-image';
import { AttendeeStack } from './stacks/attendee-stack';
import { WorkshopStack } from './stacks/workshop-stack';

/** What {@link buildWorkshopApp} added to the app. */
export interface WorkshopApp {
  /** The validated settings. */
  readonly config: WorkshopConfig;
  /** The shared stack. */
  readonly workshop: WorkshopStack;
  /** One stack per attendee, in the order given. */
  readonly attendees: readonly AttendeeStack[];
}

/** Options of {@link buildWorkshopApp}. */
export interface BuildWorkshopAppOptions {
  /**
   * Whether to register cdk-nag's AwsSolutions checks (a violation fails the synth).
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Folder of step folders (documents and host files).
   * @default - the package's built-in steps, assets/steps/
   */
  readonly stepsDirectory?: string;
}

/**
 * Adds the workshop to an app from its context: WorkshopStack
 * `<workshopName>`, then AttendeeStack `<workshopName>-<attendee>` per
 * attendee (each depends on the workshop stack), and the cdk-nag checks.
 */
export function buildWorkshopApp(app: App, options: BuildWorkshopAppOptions = {}): WorkshopApp {
  const config = parseWorkshopConfig(app.node.getAllContext());
  const workshop = new WorkshopStack(app, config.workshopName, { workshopName: config.workshopName, stepsDirectory: options.stepsDirectory });
  const attendees = config.attendees.map((attendee) => {
    const stack = new AttendeeStack(app, `${config.workshopName}-${attendee}`, {
      vpc: workshop.vpc,
      attendee,
      workshopName: config.workshopName,
      sshCidr: config.sshCidr,
      allowSshFromAnywhere: config.allowSshFromAnywhere,
      instanceType: config.instanceType,
      hostOs: config.hostOs,
      machineImage: config.amiId ? new FixedLinuxImage(config.amiId) : undefined,
      multiHostCount: config.multiHostCount,
      topologies: config.topologies,
      stepsDirectory: options.stepsDirectory,
    });
    stack.addStackDependency(workshop, 'attendee hosts live in the workshop network');
    return stack;
  });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }
  return { config, workshop, attendees };
}
