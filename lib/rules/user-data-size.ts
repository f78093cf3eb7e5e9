import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { LabHost } from '../host/lab-host';
import { USER_DATA_LIMIT } from '../host/private/user-data';
import { WorkshopRule } from './workshop-rule';

/** The lab host an instance belongs to, if any. */
function labHostOf(node: CfnResource): LabHost | undefined {
  return node.node.scopes.slice().reverse().find((scope): scope is LabHost => scope instanceof LabHost);
}

/** The literal text of user data (Fn::Base64 of a string or of an Fn::Join), tokens counted as empty. */
function literalText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('Fn::Base64' in record) {
      return literalText(record['Fn::Base64']);
    }
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(literalText).join(separator);
    }
  }
  return '';
}

/**
 * An instance's user data fits EC2's 16 KB. For a LabHost the size is the
 * one it measured with every deploy-time value at its longest; for another
 * instance, the literal text of its user data.
 */
export const USER_DATA_SIZE: WorkshopRule = {
  id: 'UserDataSize',
  info: `The instance's user data is larger than EC2's limit of ${USER_DATA_LIMIT} bytes.`,
  explanation: 'EC2 refuses to launch the instance. Lab files belong in the AWS::CloudFormation::Init metadata (LabHostFiles), not in user data.',
  level: NagMessageLevel.ERROR,
  rule: (node: CfnResource) => {
    if (!(node instanceof ec2.CfnInstance)) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const host = labHostOf(node);
    const resolved = Token.isUnresolved(node.userData) ? Stack.of(node).resolve(node.userData) : node.userData;
    const bytes = host ? host.userDataBytes : Buffer.byteLength(literalText(resolved), 'utf8');
    return bytes <= USER_DATA_LIMIT ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
