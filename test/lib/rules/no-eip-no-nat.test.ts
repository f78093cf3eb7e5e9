import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { LabNetwork } from '../../../lib/network/lab-network';
import { NO_EIP_NO_NAT } from '../../../lib/rules/no-eip-no-nat';
import { newApp, workshopRuleFindings } from '../../fixtures/cdk';
import { verdicts } from './rule-helpers';

describe('Workshop-NoEipNoNat', () => {
  test('compliant: the lab network has neither', () => {
    const stack = new Stack(newApp(), 'Net');
    new LabNetwork(stack, 'Network');
    expect(verdicts(NO_EIP_NO_NAT, stack)).toEqual({});
    expect(workshopRuleFindings(stack)).toEqual([]);
  });

  test('non-compliant: a VPC with a NAT gateway (and its Elastic IP)', () => {
    const stack = new Stack(newApp(), 'Net');
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
    const results = verdicts(NO_EIP_NO_NAT, stack);
    expect(Object.keys(results).sort()).toEqual(['Net/Vpc/PublicSubnet1/EIP', 'Net/Vpc/PublicSubnet1/NATGateway']);
    expect(new Set(Object.values(results))).toEqual(new Set([NagRuleCompliance.NON_COMPLIANT]));
    expect(workshopRuleFindings(stack)).toContain('Workshop-NoEipNoNat @ Net/Vpc/PublicSubnet1/NATGateway');
  });
});
