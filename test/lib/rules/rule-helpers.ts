import { Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CfnResource } from 'aws-cdk-lib';
import { WorkshopRule } from '../../../lib/rules/workshop-rule';
import { WorkshopChecks } from '../../../lib/rules/workshop-checks';

/** The rule's verdict on every CloudFormation resource under a scope, by construct path (N/A left out). */
export function verdicts(rule: WorkshopRule, scope: IConstruct): Record<string, NagRuleResult> {
  const results: Record<string, NagRuleResult> = {};
  for (const node of scope.node.findAll()) {
    if (node instanceof CfnResource) {
      const result = rule.rule(node);
      if (result !== NagRuleCompliance.NOT_APPLICABLE) {
        results[node.node.path] = result;
      }
    }
  }
  return results;
}

/** The pack's findings under a stack, as `rule @ path`. */
export function packFindings(stack: Stack): string[] {
  return new WorkshopChecks().validateScope(stack).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} @ ${resource.constructPath}`));
}
