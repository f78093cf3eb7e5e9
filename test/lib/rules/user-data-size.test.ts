import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { LabHost } from '../../../lib/host/lab-host';
import { USER_DATA_LIMIT } from '../../../lib/host/private/user-data';
import { USER_DATA_SIZE } from '../../../lib/rules/user-data-size';
import { FIXTURE_STEPS, FIXTURE_USER_DATA, networkStack } from '../../fixtures/cdk';
import { verdicts } from './rule-helpers';

function instanceWithUserData(text: string) {
  const { stack, vpc } = networkStack();
  const userData = ec2.UserData.custom(text);
  new ec2.Instance(stack, 'Plain', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }), userData,
  });
  return stack;
}

describe('Workshop-UserDataSize', () => {
  test('compliant: a lab host, measured with the longest deploy-time names', () => {
    const { stack, vpc } = networkStack();
    const host = new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    expect(verdicts(USER_DATA_SIZE, stack)).toEqual({ 'TestStack/Host/Resource/Resource': NagRuleCompliance.COMPLIANT });
    expect(host.userDataBytes).toBeLessThanOrEqual(USER_DATA_LIMIT);
  });

  test('compliant: another instance just under the limit', () => {
    expect(Object.values(verdicts(USER_DATA_SIZE, instanceWithUserData('#!/bin/bash\n'.padEnd(USER_DATA_LIMIT, '#'))))).toEqual([NagRuleCompliance.COMPLIANT]);
  });

  test('non-compliant: another instance over 16 KB', () => {
    expect(Object.values(verdicts(USER_DATA_SIZE, instanceWithUserData('#!/bin/bash\n'.padEnd(USER_DATA_LIMIT + 1, '#'))))).toEqual([NagRuleCompliance.NON_COMPLIANT]);
  });
});
