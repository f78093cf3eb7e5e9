import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { CfnResource } from 'aws-cdk-lib';
import { WorkshopRule } from '../../../lib/rules/workshop-rule';

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
