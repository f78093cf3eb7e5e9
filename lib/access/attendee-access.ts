import { Aws, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { attendeeAccessGroupName, ATTENDEE_NAME_RULE, isValidAttendeeName, isValidWorkshopName, LAB_TAGS, workshopIamPath, WORKSHOP_NAME_RULE } from '../contract';

/** Properties of an {@link AttendeeAccess}. */
export interface AttendeeAccessProps {
  /** Workshop name: the hosts' `workshop` tag, and the first part of the group and policy names. */
  readonly workshopName: string;
  /** Attendee name: the hosts' `attendee` tag. */
  readonly attendee: string;
  /**
   * The attendee's key pair (made in this stack): its private key (Parameter Store, `/ec2/keypair/<key pair id>`) is the one parameter the attendee may read.
   * @default - no SSH key to read
   */
  readonly keyPair?: ec2.KeyPair;
}

/** The Session Manager document the console and `aws ssm start-session` use for a shell. */
export const SESSION_DOCUMENT = 'SSM-SessionManagerRunShell';

/**
 * What one attendee may do in a shared account, as an IAM customer managed
 * policy and an IAM group that has it (both named after the attendee, on the
 * workshop's IAM path):
 *
 * - start Session Manager sessions on instances tagged with this workshop
 *   AND this attendee, and on no other instance; resume and end their own
 *   sessions (session ids start with the caller's user name or user id);
 * - read their own SSH private key, the parameter `/ec2/keypair/<id>` of
 *   their key pair, and no other parameter;
 * - list instances and sessions (the console's Session Manager pages need
 *   it; these list calls cannot be narrowed, so an attendee sees the other
 *   hosts' ids and tags, never a way in);
 * - change their own console password (IAM users created with a password to reset).
 *
 * The organiser hands it out by adding an IAM user per attendee to the group
 * `<workshop>-<attendee>`, or by referencing the policy (name and path) from an
 * IAM Identity Center permission set (docs/organiser-runbook.md, "Access and safety").
 */
export class AttendeeAccess extends Construct {
  /** The policy. */
  public readonly policy: iam.ManagedPolicy;
  /** The group that has the policy. */
  public readonly group: iam.Group;

  constructor(scope: Construct, id: string, props: AttendeeAccessProps) {
    super(scope, id);
    if (!isValidWorkshopName(props.workshopName)) {
      throw new Error(`AttendeeAccess ${this.node.path}: 'workshopName' is ${JSON.stringify(props.workshopName)}; allowed: ${WORKSHOP_NAME_RULE}.`);
    }
    if (!isValidAttendeeName(props.attendee)) {
      throw new Error(`AttendeeAccess ${this.node.path}: 'attendee' is ${JSON.stringify(props.attendee)}; allowed: ${ATTENDEE_NAME_RULE}.`);
    }
    const name = attendeeAccessGroupName(props.workshopName, props.attendee);
    const path = workshopIamPath(props.workshopName);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: `${name}-access`,
      path,
      description: `Workshop ${props.workshopName}: Session Manager on ${props.attendee}'s lab hosts only, and ${props.attendee}'s SSH key`,
      statements: attendeeAccessStatements(Stack.of(this), props),
    });
    this.group = new iam.Group(this, 'Group', { groupName: name, path, managedPolicies: [this.policy] });
    Validations.of(this.policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'List and describe calls the Session Manager console makes (instances, sessions, connection status) and the account password policy take no resource; they reveal ids and tags, never a way into another attendee\'s host.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]`,
        reason: `Instance ids are not known when the policy is written; the statement is narrowed by the conditions aws:ResourceTag/${LAB_TAGS.workshop}=${props.workshopName} and aws:ResourceTag/${LAB_TAGS.attendee}=${props.attendee}.`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudshell:<AWS::Region>:<AWS::AccountId>:environment/*]',
        reason: 'A CloudShell environment is created by, and private to, the principal that uses it; the id is not known before. The attendee gets a shell with their own credentials, nothing more.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:session/<aws:username>-*]',
        reason: 'A session id is the caller\'s name and a random suffix: the attendee may resume and end their own sessions only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*:<AWS::AccountId>:session/<aws:userid>-*]',
        reason: 'The same for callers that are not IAM users (IAM Identity Center, roles): their session ids start with their user id.',
      },
    );
  }
}

/** The statements of an attendee's access policy (literal attendee and workshop in every condition). */
function attendeeAccessStatements(stack: Stack, props: AttendeeAccessProps): iam.PolicyStatement[] {
  const arn = (service: string, resource: string, region: string = Aws.REGION): string =>
    `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${resource}`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'SessionsOnOwnHostsOnly',
      actions: ['ssm:StartSession'],
      resources: [arn('ec2', 'instance/*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${LAB_TAGS.workshop}`]: props.workshopName, [`aws:ResourceTag/${LAB_TAGS.attendee}`]: props.attendee },
        BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
      },
    }),
    new iam.PolicyStatement({ sid: 'ShellSessionDocument', actions: ['ssm:StartSession'], resources: [arn('ssm', `document/${SESSION_DOCUMENT}`)] }),
    new iam.PolicyStatement({
      sid: 'OwnSessions',
      actions: ['ssm:ResumeSession', 'ssm:TerminateSession'],
      resources: [arn('ssm', 'session/${aws:username}-*', '*'), arn('ssm', 'session/${aws:userid}-*', '*')],
    }),
    new iam.PolicyStatement({
      sid: 'ConsoleLists',
      actions: ['ec2:DescribeInstances', 'ssm:DescribeInstanceInformation', 'ssm:DescribeInstanceProperties', 'ssm:DescribeSessions',
        'ssm:GetConnectionStatus', 'iam:GetAccountPasswordPolicy'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      // AWS CloudShell in the console: a shell with the attendee's own credentials, where the
      // card's key command runs without access keys. Environments are private to their creator.
      sid: 'OwnCloudShell',
      actions: ['cloudshell:CreateEnvironment', 'cloudshell:CreateSession', 'cloudshell:DescribeEnvironments',
        'cloudshell:GetEnvironmentStatus', 'cloudshell:StartEnvironment', 'cloudshell:PutCredentials'],
      resources: [arn('cloudshell', 'environment/*')],
    }),
    new iam.PolicyStatement({
      sid: 'OwnPassword',
      actions: ['iam:ChangePassword'],
      resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:user/\${aws:username}`],
    }),
  ];
  if (props.keyPair) {
    statements.push(new iam.PolicyStatement({
      sid: 'OwnSshKeyOnly',
      actions: ['ssm:GetParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `ec2/keypair/${props.keyPair.keyPairId}` })],
    }));
  }
  return statements;
}
