#!/usr/bin/env node
/**
 * Writes the self-contained template (npm run template): the whole lab of one
 * attendee (network, step documents, hosts) as ONE CloudFormation template
 * with no asset and no bootstrap reference, for attendees who deploy into
 * their own account (console or `aws cloudformation deploy`) and for AWS
 * Workshop Studio. Its last line of output is the path of the file written.
 *
 *   npm run template                                   # cdk.out.template/container-networks-lab.template.json
 *   npm run template -- --workshop-studio              # adds AssetsBucketName/AssetsBucketPrefix parameters
 *   npm run template -- --out FILE --workshop-name NAME
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SelfContainedLabStack } from '../lib/stacks/self-contained-stack';
import { selfContainedSynthesizer, workshopStudioSynthesizer } from '../lib/stacks/synthesizers';

/** Where the template goes unless --out says otherwise (git-ignored, like every cdk.out.* folder). */
export const DEFAULT_TEMPLATE_FILE = path.join('cdk.out.template', 'container-networks-lab.template.json');

/** Above this many bytes the console and the CLI must upload the template to S3 first (they do it for you in the console). */
export const INLINE_TEMPLATE_LIMIT = 51_200;

interface Options {
  out: string;
  workshopStudio: boolean;
  workshopName?: string;
}

function parseArgs(args: readonly string[]): Options {
  const options: Options = { out: DEFAULT_TEMPLATE_FILE, workshopStudio: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--workshop-studio') {
      options.workshopStudio = true;
    } else if (arg === '--out' && args[index + 1]) {
      options.out = args[++index];
    } else if (arg === '--workshop-name' && args[index + 1]) {
      options.workshopName = args[++index];
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: npm run template -- [--workshop-studio] [--out FILE] [--workshop-name NAME]`);
    }
  }
  return options;
}

/** Synthesizes the self-contained template (cdk-nag on) and returns its JSON text. */
export function selfContainedTemplate(options: { workshopStudio?: boolean; workshopName?: string; stepsDirectory?: string } = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-template-'));
  try {
    const app = new App({ outdir, context: { '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true, '@aws-cdk/aws-iam:minimizePolicies': true } });
    const stack = new SelfContainedLabStack(app, 'ContainerNetworksLab', {
      workshopName: options.workshopName,
      stepsDirectory: options.stepsDirectory,
      workshopStudio: options.workshopStudio,
      synthesizer: options.workshopStudio ? workshopStudioSynthesizer() : selfContainedSynthesizer(),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    if (artifact.assets.length > 0) {
      throw new Error(`the template needs ${artifact.assets.length} asset(s); a self-contained template must have none`);
    }
    return JSON.stringify(artifact.template, undefined, 1) + '\n';
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const text = selfContainedTemplate(options);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, text);
    const bytes = Buffer.byteLength(text);
    console.error(`container-networks-lab template: ${bytes} bytes${options.workshopStudio ? ', for AWS Workshop Studio' : ''}` +
      (bytes > INLINE_TEMPLATE_LIMIT ? ` (over ${INLINE_TEMPLATE_LIMIT}: the console uploads it to S3 for you; the CLI needs --s3-bucket)` : ''));
    console.log(options.out);
  } catch (error) {
    console.error(`container-networks-lab template: ${(error as Error).message}`);
    process.exit(1);
  }
}
