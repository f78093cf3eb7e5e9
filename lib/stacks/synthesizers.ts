import { BootstraplessSynthesizer, CfnParameter, DefaultStackSynthesizer, IStackSynthesizer, Stack } from 'aws-cdk-lib';

/**
 * The template parameters AWS Workshop Studio fills in for every template of
 * an event: the bucket and key prefix holding the workshop's assets folder.
 */
export const WORKSHOP_STUDIO_PARAMETERS = { bucketName: 'AssetsBucketName', bucketPrefix: 'AssetsBucketPrefix' } as const;

/**
 * A synthesizer for AWS Workshop Studio: file assets (should there ever be
 * any) are addressed in `${AssetsBucketName}` under `${AssetsBucketPrefix}`,
 * and the templates carry no bootstrap version parameter or rule, so the
 * participant accounts need no `cdk bootstrap`. Pair it with
 * addWorkshopStudioParameters() on each stack.
 *
 * Today the app has no assets at all (the lab files travel in cfn-init
 * metadata inside the templates), so nothing actually points at the bucket.
 */
export function workshopStudioSynthesizer(): IStackSynthesizer {
  return new DefaultStackSynthesizer({
    fileAssetsBucketName: `\${${WORKSHOP_STUDIO_PARAMETERS.bucketName}}`,
    bucketPrefix: `\${${WORKSHOP_STUDIO_PARAMETERS.bucketPrefix}}`,
    generateBootstrapVersionRule: false,
  });
}

/** Declares the two parameters Workshop Studio fills in (the synthesizer's asset locations refer to them). */
export function addWorkshopStudioParameters(stack: Stack): void {
  new CfnParameter(stack, WORKSHOP_STUDIO_PARAMETERS.bucketName, {
    type: 'String',
    default: '',
    description: 'Filled in by AWS Workshop Studio: the bucket of the workshop assets (unused: this template has no file assets)',
  });
  new CfnParameter(stack, WORKSHOP_STUDIO_PARAMETERS.bucketPrefix, {
    type: 'String',
    default: '',
    description: 'Filled in by AWS Workshop Studio: the key prefix of the workshop assets, ending in / (unused: this template has no file assets)',
  });
}

/**
 * A synthesizer for a template deployed by itself (console, `aws
 * cloudformation deploy`): no bootstrap version check, no asset parameters.
 * It refuses assets outright, so a future change that adds one fails the
 * synth instead of producing a template that cannot be deployed.
 */
export function selfContainedSynthesizer(): IStackSynthesizer {
  return new BootstraplessSynthesizer({});
}
