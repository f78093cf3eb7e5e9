import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TopologyKind } from '../contract';
import { WorkshopChecks } from '../rules/workshop-checks';
import { ExpiryDeleterRole, expiryTime } from '../expiry/lab-expiry';
import { FixedLinuxImage } from '../host/fixed-linux-image';
import { HostComponent } from '../host/host-component';
import { AttendeeStack } from '../stacks/attendee-stack';
import { addWorkshopStudioParameters, workshopStudioSynthesizer } from '../stacks/synthesizers';
import { WorkshopStack } from '../stacks/workshop-stack';
import { parseWorkshopConfig, WorkshopConfig } from './config';

/** What {@link buildWorkshopApp} added to the app. */
export interface WorkshopApp {
  /** The validated settings. */
  readonly config: WorkshopConfig;
  /** The shared stack. */
  readonly workshop: WorkshopStack;
  /** One stack per attendee, in the order given. */
  readonly attendees: readonly AttendeeStack[];
  /** When the attendees' labs expire (UTC): expiresAt, or the synth time plus expiresAfterHours rounded up to the hour. */
  readonly expiresAt: Date;
}

/** Options of {@link buildWorkshopApp}. */
export interface BuildWorkshopAppOptions {
  /**
   * Whether to register cdk-nag's AwsSolutions checks and the workshop rules (WorkshopChecks); a violation fails the synth.
   * @default true
   */
  readonly nag?: boolean;
  /**
   * Folder of step folders (documents and host files).
   * @default - the package's built-in steps, assets/steps/
   */
  readonly stepsDirectory?: string;
  /**
   * Host software of every host, in install order.
   * @default HostComponent.defaults()
   */
  readonly components?: readonly HostComponent[];
  /**
   * Which topologies each attendee gets when the context key `topologies` does not say.
   * @default ['single', 'multi']
   */
  readonly topologies?: readonly TopologyKind[];
  /**
   * The clock expiresAfterHours counts from. `cdk deploy` synthesizes just
   * before deploying, so the default, the time of the synth, is the time of
   * the deployment; tests pass a fixed time.
   * @default - now
   */
  readonly now?: Date;
}

/**
 * Adds the workshop to an app from its context: WorkshopStack
 * `<workshopName>`, then AttendeeStack `<workshopName>-<attendee>` per
 * attendee (each depends on the workshop stack), and the cdk-nag checks
 * (AwsSolutions and the workshop rules).
 */
export function buildWorkshopApp(app: App, options: BuildWorkshopAppOptions = {}): WorkshopApp {
  const context = app.node.getAllContext();
  const config = parseWorkshopConfig(options.topologies && context.topologies === undefined
    ? { ...context, topologies: options.topologies.join(',') } : context);
  const now = options.now ?? new Date();
  const expiresAt = config.expiresAt ?? expiryTime(now, config.expiresAfterHours);
  // Workshop Studio: no bootstrap in the participant accounts (see docs/organiser-runbook.md).
  const synthesizer = config.workshopStudio ? workshopStudioSynthesizer : () => undefined;
  const workshop = new WorkshopStack(app, config.workshopName, {
    workshopName: config.workshopName, stepsDirectory: options.stepsDirectory, synthesizer: synthesizer(),
  });
  // Deleting an expired attendee stack needs a role that outlives it: one, in the workshop stack.
  // It is created and exported whatever the action (an unused role costs nothing): with delete the
  // attendee stacks import its ARN, and an export that vanished when switching to stop would still
  // be in use, failing the workshop stack's update. The workshop template is the same for both.
  const deleter = new ExpiryDeleterRole(workshop, 'ExpiryDeleter', { workshopName: config.workshopName }).role;
  workshop.exportValue(deleter.roleArn);
  const deleteRole = config.expiryAction === 'delete' ? deleter : undefined;
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
      hostCounts: { multi: config.multiHostCount },
      topologies: config.topologies,
      components: options.components,
      stepsDirectory: options.stepsDirectory,
      expiry: { expiresAt, action: config.expiryAction, deleteRole },
      synthesizer: synthesizer(),
    });
    if (expiresAt.getTime() <= now.getTime()) {
      Annotations.of(stack).addWarningV2('cnlab:expiresAtPast',
        `expiresAt ${expiresAt.toISOString()} is not in the future: the expiry schedule will never run (fine for cdk destroy).`);
    }
    stack.addStackDependency(workshop, 'attendee hosts live in the workshop network');
    return stack;
  });
  if (config.workshopStudio) {
    for (const stack of [workshop, ...attendees]) {
      addWorkshopStudioParameters(stack);
    }
  }
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new WorkshopChecks(app));
  }
  return { config, workshop, attendees, expiresAt };
}
