#!/usr/bin/env node
/**
 * Synth benchmark (npm run bench): how long the workshop app takes to
 * synthesize for 1, 10, 50 and 100 attendees, against a bare aws-cdk-lib app
 * with the same stacks and resource count measured in the same run, plus the
 * size of an attendee template and of a host's user data. Prints a markdown
 * table (copy it into docs/benchmarks.md).
 *
 *   npm run bench                   # 1, 10, 50, 100 attendees
 *   npm run bench -- 1 10           # chosen sizes
 *   npm run bench -- --cfn-validation 1 10   # with aws-cdk-lib's built-in CloudFormation validation on
 *   npm run bench -- --steps DIR 1 10        # another folder of steps
 *
 * Everything runs in this process, each app with its own temporary outdir.
 * The built-in CloudFormation validation (on by default in `cdk synth`) is off
 * unless asked for, in both apps, because it dominates the time and is not
 * this project's code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { buildWorkshopApp } from '../lib/app';
import { LabHost } from '../lib/host/lab-host';

interface Measure {
  readonly seconds: number;
  readonly stacks: Array<{ name: string; resources: number; bytes: number }>;
}

const args = process.argv.slice(2);
const cfnValidation = args.includes('--cfn-validation');
const stepsIndex = args.indexOf('--steps');
const stepsDirectory = stepsIndex >= 0 ? args[stepsIndex + 1] : undefined;
const sizes = args.filter((arg, index) => /^\d+$/.test(arg) && index !== stepsIndex + 1).map(Number);
const attendeeCounts = sizes.length > 0 ? sizes : [1, 10, 50, 100];

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
function workshopApp(attendees: number, context: Record<string, string> = {}): Measure & { userDataBytes: number[] } {
  const started = process.hrtime.bigint();
  const app = new App({
    outdir: outdir(),
    builtinCloudFormationValidation: cfnValidation,
    context: {
      '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true,
      attendees: Array.from({ length: attendees }, (_, index) => `attendee${index + 1}`).join(','),
      ...context,
    },
  });
  const built = buildWorkshopApp(app, { stepsDirectory });
  const stacks = synthesize(app);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const userDataBytes = built.attendees[0].node.findAll()
    .filter((construct): construct is LabHost => construct instanceof LabHost)
    .map((host) => host.userDataBytes);
  return { seconds, stacks, userDataBytes };
}

/** A bare app: the same stacks, each with the same number of plain resources. */
function bareApp(shape: Measure['stacks']): Measure {
  const started = process.hrtime.bigint();
  const app = new App({ outdir: outdir(), builtinCloudFormationValidation: cfnValidation });
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

// Warm up module loading and the JIT so the first row is not charged for them.
workshopApp(1);

const rows: string[] = [];
for (const attendees of attendeeCounts) {
  const ours = workshopApp(attendees);
  const bare = bareApp(ours.stacks);
  const attendeeStack = ours.stacks.find((stack) => stack.name === 'container-networks-attendee1')!;
  const resources = ours.stacks.reduce((sum, stack) => sum + stack.resources, 0);
  rows.push(`| ${attendees} | ${ours.stacks.length} | ${resources} | ${ours.seconds.toFixed(2)} s | ${bare.seconds.toFixed(2)} s | ` +
    `${(ours.seconds / bare.seconds).toFixed(1)}x | ${attendeeStack.resources} | ${kb(attendeeStack.bytes)} | ` +
    `${Math.max(...ours.userDataBytes)} B |`);
}

const eight = workshopApp(1, { multiHostCount: '8' });
const eightStack = eight.stacks.find((stack) => stack.name === 'container-networks-attendee1')!;
const workshopStack = eight.stacks.find((stack) => stack.name === 'container-networks')!;

console.log(`Synth benchmark, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} CPUs, ` +
  `load ${os.loadavg()[0].toFixed(1)}; built-in CloudFormation validation ${cfnValidation ? 'on' : 'off'}; cdk-nag on (ours only).`);
console.log('');
console.log('| attendees | stacks | resources | synth (ours) | synth (bare app, same resources) | ratio | resources per attendee template | bytes per attendee template | user data per host (longest names) |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(row);
}
console.log('');
console.log(`Attendee template with multiHostCount=8 (9 hosts): ${eightStack.resources} resources, ${kb(eightStack.bytes)} ` +
  `(CloudFormation limit 1 MB through S3). Workshop stack: ${workshopStack.resources} resources, ${kb(workshopStack.bytes)}.`);
