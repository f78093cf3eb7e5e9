import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { buildWorkshopApp } from '../../lib/app/build-workshop-app';
import { LabHost } from '../../lib/host/lab-host';

/** How long a synth took and what it produced. */
export interface Measure {
  readonly seconds: number;
  readonly stacks: Array<{ name: string; resources: number; bytes: number }>;
}

/** What to measure. */
export interface BenchOptions {
  /** Attendee counts, one table row each. */
  readonly attendeeCounts: readonly number[];
  /** With aws-cdk-lib's built-in CloudFormation validation on, in both apps. */
  readonly cfnValidation: boolean;
  /** Another folder of steps. */
  readonly stepsDirectory?: string;
}

/** Reads `[--cfn-validation] [--steps DIR] [N ...]`. */
export function parseBenchArgs(args: readonly string[]): BenchOptions {
  const stepsIndex = args.indexOf('--steps');
  const sizes = args.filter((arg, index) => /^\d+$/.test(arg) && index !== stepsIndex + 1).map(Number);
  return {
    attendeeCounts: sizes.length > 0 ? sizes : [1, 10, 50, 100],
    cfnValidation: args.includes('--cfn-validation'),
    stepsDirectory: stepsIndex >= 0 ? args[stepsIndex + 1] : undefined,
  };
}

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-bench-'));
}

function synthesize(app: App): Measure['stacks'] {
  const assembly = app.synth();
  return assembly.stacks.map((stack) => ({
    name: stack.stackName,
    resources: Object.keys(stack.template.Resources ?? {}).length,
    bytes: fs.statSync(path.join(assembly.directory, stack.templateFile)).size,
  }));
}

/** The workshop app with this many attendees, built and synthesized. */
function workshopApp(options: BenchOptions, attendees: number, context: Record<string, string> = {}): Measure & { userDataBytes: number[] } {
  const started = process.hrtime.bigint();
  const app = new App({
    outdir: outdir(),
    builtinCloudFormationValidation: options.cfnValidation,
    context: {
      '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true,
      attendees: Array.from({ length: attendees }, (_, index) => `attendee${index + 1}`).join(','),
      ...context,
    },
  });
  const built = buildWorkshopApp(app, { stepsDirectory: options.stepsDirectory });
  const stacks = synthesize(app);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const userDataBytes = built.attendees[0].node.findAll()
    .filter((construct): construct is LabHost => construct instanceof LabHost)
    .map((host) => host.userDataBytes);
  return { seconds, stacks, userDataBytes };
}

/** A bare app: the same stacks, each with the same number of plain resources. */
function bareApp(options: BenchOptions, shape: Measure['stacks']): Measure {
  const started = process.hrtime.bigint();
  const app = new App({ outdir: outdir(), builtinCloudFormationValidation: options.cfnValidation });
  for (const { name, resources } of shape) {
    const stack = new Stack(app, name);
    for (let index = 0; index < resources; index++) {
      new CfnResource(stack, `Resource${index}`, { type: 'AWS::CloudFormation::WaitConditionHandle' });
    }
  }
  const stacks = synthesize(app);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stacks };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The markdown report: one row per attendee count, then the 9-host attendee template and the workshop stack. */
export function benchReport(options: BenchOptions): string {
  // Warm up module loading and the JIT so the first row is not charged for them.
  workshopApp(options, 1);
  const rows: string[] = [];
  for (const attendees of options.attendeeCounts) {
    const ours = workshopApp(options, attendees);
    const bare = bareApp(options, ours.stacks);
    const attendeeStack = ours.stacks.find((stack) => stack.name === 'container-networks-attendee1')!;
    const resources = ours.stacks.reduce((sum, stack) => sum + stack.resources, 0);
    rows.push(`| ${attendees} | ${ours.stacks.length} | ${resources} | ${ours.seconds.toFixed(2)} s | ${bare.seconds.toFixed(2)} s | ` +
      `${(ours.seconds / bare.seconds).toFixed(1)}x | ${attendeeStack.resources} | ${kb(attendeeStack.bytes)} | ` +
      `${Math.max(...ours.userDataBytes)} B |`);
  }
  const eight = workshopApp(options, 1, { multiHostCount: '8' });
  const eightStack = eight.stacks.find((stack) => stack.name === 'container-networks-attendee1')!;
  const workshopStack = eight.stacks.find((stack) => stack.name === 'container-networks')!;
  return [
    `Synth benchmark, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} CPUs, ` +
    `load ${os.loadavg()[0].toFixed(1)}; built-in CloudFormation validation ${options.cfnValidation ? 'on' : 'off'}; cdk-nag on (ours only).`,
    '',
    '| attendees | stacks | resources | synth (ours) | synth (bare app, same resources) | ratio | resources per attendee template | bytes per attendee template | user data per host (longest names) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `Attendee template with multiHostCount=8 (9 hosts): ${eightStack.resources} resources, ${kb(eightStack.bytes)} ` +
    `(CloudFormation limit 1 MB through S3). Workshop stack: ${workshopStack.resources} resources, ${kb(workshopStack.bytes)}.`,
  ].join('\n');
}
