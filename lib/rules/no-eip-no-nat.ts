import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { WorkshopRule } from './workshop-rule';

/**
 * No Elastic IP and no NAT gateway: hosts take public addresses from their
 * subnet, so 100 attendees fit in one account's default quotas (5 Elastic
 * IPs per region) and pay no NAT hours.
 */
export const NO_EIP_NO_NAT: WorkshopRule = {
  id: 'NoEipNoNat',
  info: 'The stack has an Elastic IP or a NAT gateway.',
  explanation: 'A region allows 5 Elastic IPs by default, and every NAT gateway also takes one and costs by the hour: a workshop of 100 attendees would hit the quota. Lab hosts use public subnets with public addresses instead.',
  level: NagMessageLevel.ERROR,
  rule: (node: CfnResource) => {
    if (node instanceof ec2.CfnEIP || node instanceof ec2.CfnNatGateway) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
};
