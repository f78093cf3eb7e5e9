import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleResult } from 'cdk-nag';

/**
 * One workshop invariant, checked on every CloudFormation resource at synth
 * time by {@link WorkshopChecks} (cdk-nag's rule shape: a function of a
 * resource that says compliant, non-compliant or not applicable). A rule is
 * a file in lib/rules/ and a line in WORKSHOP_RULES.
 */
export interface WorkshopRule {
  /** Rule id suffix: findings are named `Workshop-<id>`. */
  readonly id: string;
  /** Why the rule was triggered. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  /** How a violation is reported. */
  readonly level: NagMessageLevel;
  /** The check. */
  readonly rule: (node: CfnResource) => NagRuleResult;
}
