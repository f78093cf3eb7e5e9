import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WorkshopChecks } from '../rules/workshop-checks';
import { SelfContainedLabStack } from '../stacks/self-contained-stack';
import { selfContainedSynthesizer, workshopStudioSynthesizer } from '../stacks/synthesizers';

/** Where the template goes unless --out says otherwise (git-ignored, like every cdk.out.* folder). */
export const DEFAULT_TEMPLATE_FILE = path.join('cdk.out.template', 'container-networks-lab.template.json');

/** Above this many bytes the console and the CLI must upload the template to S3 first (they do it for you in the console). */
export const INLINE_TEMPLATE_LIMIT = 51_200;

/** Options of {@link selfContainedTemplate}. */
export interface SelfContainedTemplateOptions {
  /**
   * Add AWS Workshop Studio's AssetsBucketName and AssetsBucketPrefix parameters.
   * @default false
   */
  readonly workshopStudio?: boolean;
  /**
   * Workshop name: prefix of the document names.
   * @default 'container-networks'
   */
  readonly workshopName?: string;
  /**
   * Folder of step folders.
   * @default - the package's built-in steps
   */
  readonly stepsDirectory?: string;
}

/**
 * Synthesizes the self-contained template (SelfContainedLabStack, cdk-nag on)
 * and returns its JSON text: one attendee's whole lab as ONE CloudFormation
 * template with no asset and no bootstrap reference.
 */
export function selfContainedTemplate(options: SelfContainedTemplateOptions = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-template-'));
  try {
    const app = new App({ outdir, context: { '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true, '@aws-cdk/aws-iam:minimizePolicies': true } });
    const stack = new SelfContainedLabStack(app, 'ContainerNetworksLab', {
      workshopName: options.workshopName,
      stepsDirectory: options.stepsDirectory,
      workshopStudio: options.workshopStudio,
      synthesizer: options.workshopStudio ? workshopStudioSynthesizer() : selfContainedSynthesizer(),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new WorkshopChecks(app));
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

