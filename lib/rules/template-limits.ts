import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { WorkshopRule } from './workshop-rule';

/** CloudFormation's limits on one template. */
export const TEMPLATE_LIMITS = { resources: 500, bytes: 1024 * 1024 } as const;

/** The first resource of each stack: the stack-wide check is reported once, there. */
function isFirstResourceOfStack(node: CfnResource): boolean {
  const stack = Stack.of(node);
  const first = stack.node.findAll().find((child) => child instanceof CfnResource && Stack.of(child) === stack);
  return first === node;
}

/** The synthesized template's size in bytes, when the cloud assembly has been written. */
function templateBytes(stack: Stack): number | undefined {
  const outdir = Stage.of(stack)?.outdir;
  const file = outdir ? path.join(outdir, stack.templateFile) : undefined;
  return file && fs.existsSync(file) ? fs.statSync(file).size : undefined;
}

/**
 * A stack stays within CloudFormation's template limits: 500 resources and
 * 1 MB (a template above 51,200 bytes must be deployed from S3, which the CDK
 * does). The size is measured on the synthesized template, so it is checked
 * when the rules run after synthesis (as cdk-nag does in `cdk synth`).
 */
export const TEMPLATE_LIMITS_RULE: WorkshopRule = {
  id: 'TemplateLimits',
  info: `The stack's template has more than ${TEMPLATE_LIMITS.resources} resources or more than 1 MB.`,
  explanation: 'CloudFormation refuses such a template. Lower multiHostCount, use fewer components or steps, or split the hosts over more stacks.',
  level: NagMessageLevel.ERROR,
  rule: (node: CfnResource) => {
    if (!isFirstResourceOfStack(node)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const stack = Stack.of(node);
    const resources = stack.node.findAll().filter((child) => child instanceof CfnResource && Stack.of(child) === stack).length;
    const bytes = templateBytes(stack) ?? 0;
    return resources <= TEMPLATE_LIMITS.resources && bytes <= TEMPLATE_LIMITS.bytes ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
