import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { TEMPLATE_LIMITS, TEMPLATE_LIMITS_RULE } from '../../../lib/rules/template-limits';
import { newApp } from '../../fixtures/cdk';
import { verdicts } from './rule-helpers';

/** A stack of plain resources; synthesized when it has padding (CDK itself refuses to synthesize more than 500 resources). */
function stackWith(resources: number, descriptionBytes = 0): Stack {
  const app = newApp();
  const stack = new Stack(app, 'Big');
  for (let index = 0; index < resources; index++) {
    new CfnResource(stack, `Handle${index}`, { type: 'AWS::CloudFormation::WaitConditionHandle' });
  }
  if (descriptionBytes > 0) {
    new CfnResource(stack, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('padding', 'x'.repeat(descriptionBytes));
    app.synth();
  }
  return stack;
}

describe('Workshop-TemplateLimits', () => {
  test('compliant: within 500 resources and 1 MB, reported once per stack', () => {
    expect(verdicts(TEMPLATE_LIMITS_RULE, stackWith(TEMPLATE_LIMITS.resources))).toEqual({ 'Big/Handle0': NagRuleCompliance.COMPLIANT });
  });

  test('non-compliant: 501 resources (counted in the construct tree, before synthesis)', () => {
    expect(verdicts(TEMPLATE_LIMITS_RULE, stackWith(TEMPLATE_LIMITS.resources + 1))).toEqual({ 'Big/Handle0': NagRuleCompliance.NON_COMPLIANT });
  });

  test('non-compliant: a synthesized template over 1 MB', () => {
    expect(verdicts(TEMPLATE_LIMITS_RULE, stackWith(1, TEMPLATE_LIMITS.bytes))).toEqual({ 'Big/Handle0': NagRuleCompliance.NON_COMPLIANT });
  });
});
