import { Aws, CfnCondition, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

/** What happens to an attendee's lab when it expires. */
export type ExpiryAction = 'stop' | 'delete';

/** All expiry actions; the first is the default. */
export const EXPIRY_ACTIONS: readonly ExpiryAction[] = ['stop', 'delete'];

/** Allowed values of expiresAfterHours: one hour to one week. */
export const EXPIRES_AFTER_HOURS_RANGE = { min: 1, max: 168 } as const;

/** Default lifetime of an attendee's lab, in hours after the deployment. */
export const DEFAULT_EXPIRES_AFTER_HOURS = 8;

/** EventBridge Scheduler's universal targets (AWS SDK calls, no code) used here. */
export const EXPIRY_TARGETS = {
  stop: 'arn:aws:scheduler:::aws-sdk:ec2:stopInstances',
  delete: 'arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack',
} as const;

/**
 * The expiry time of a deployment made `now` that lasts `hours`: now plus the
 * hours, rounded UP to the next full hour (UTC). So every synth within the
 * same hour produces the same template (no churn in `cdk diff`), and a lab
 * never expires earlier than asked, at most an hour later.
 */
export function expiryTime(now: Date, hours: number): Date {
  const hourMs = 3_600_000;
  return new Date(Math.ceil((now.getTime() + hours * hourMs) / hourMs) * hourMs);
}

/** The text an `at(...)` expression takes: yyyy-mm-ddThh:mm:ss, in UTC, no zone suffix. */
export function atExpressionTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** Properties of a {@link LabExpiry}. */
export interface LabExpiryProps {
  /**
   * When: `yyyy-mm-ddThh:mm:ss` in UTC (see atExpressionTime), or a token
   * (e.g. a template parameter) that resolves to such a text at deploy time.
   */
  readonly expiresAt: string;
  /** What to do then. */
  readonly action: ExpiryAction;
  /**
   * 'stop': the instances to stop.
   * @default - none (required for 'stop')
   */
  readonly instances?: readonly ec2.IInstance[];
  /**
   * 'delete': the role CloudFormation deletes this stack with (see
   * ExpiryDeleterRole). It must live outside this stack: a stack cannot be
   * deleted with a role it deletes on the way.
   * @default - none (required for 'delete')
   */
  readonly deleteRole?: iam.IRole;
  /**
   * A condition put on every resource of this construct (the self-contained template's parameters).
   * @default - no condition
   */
  readonly condition?: CfnCondition;
  /**
   * Name of the schedule (1 to 64 letters, digits, '-', '_', '.'). The
   * deleter role may delete schedules named `<workshopName>-*` only, so a
   * delete schedule should be named after its stack.
   * @default - a name CloudFormation makes up
   */
  readonly scheduleName?: string;
}

/**
 * A one-time EventBridge Scheduler schedule that stops this stack's lab
 * hosts, or deletes this stack, at a fixed time. No code: the schedule calls
 * the AWS API through a universal target, with a role that can do exactly
 * that and nothing else (ec2:StopInstances on these instances; or
 * cloudformation:DeleteStack on this stack plus passing the deleter role to
 * CloudFormation).
 */
export class LabExpiry extends Construct {
  /** The schedule. */
  public readonly schedule: scheduler.CfnSchedule;
  /** The role the schedule calls the API with. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!EXPIRY_ACTIONS.includes(props.action)) {
      throw new Error(`LabExpiry ${this.node.path}: 'action' is ${JSON.stringify(props.action)}; allowed: ${EXPIRY_ACTIONS.join(', ')}.`);
    }
    if (!/^\$\{Token\[/.test(props.expiresAt) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(props.expiresAt)) {
      throw new Error(`LabExpiry ${this.node.path}: 'expiresAt' is ${JSON.stringify(props.expiresAt)}; allowed: yyyy-mm-ddThh:mm:ss in UTC, e.g. 2026-05-04T18:00:00.`);
    }
    if (props.action === 'stop' && (props.instances ?? []).length === 0) {
      throw new Error(`LabExpiry ${this.node.path}: 'instances' is empty; the stop action needs the instances to stop.`);
    }
    if (props.action === 'delete' && !props.deleteRole) {
      throw new Error(`LabExpiry ${this.node.path}: 'deleteRole' is missing; the delete action needs the role CloudFormation deletes the stack with (ExpiryDeleterRole).`);
    }

    const statements: iam.PolicyStatement[] = [];
    let input: Record<string, unknown>;
    if (props.action === 'stop') {
      const instanceIds = (props.instances ?? []).map((instance) => instance.instanceId);
      statements.push(new iam.PolicyStatement({
        sid: 'StopTheseLabHosts',
        actions: ['ec2:StopInstances'],
        resources: instanceIds.map((instanceId) => stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: instanceId })),
      }));
      input = { InstanceIds: instanceIds };
    } else {
      const deleteRole = props.deleteRole!;
      statements.push(
        new iam.PolicyStatement({ sid: 'DeleteThisStack', actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] }),
        new iam.PolicyStatement({
          sid: 'PassTheDeleterRoleToCloudFormation',
          actions: ['iam:PassRole'],
          resources: [deleteRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        }),
      );
      input = { StackName: stack.stackId, RoleARN: deleteRole.roleArn };
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Lab expiry: ${props.action === 'stop' ? 'stops the lab hosts of this stack' : 'deletes this stack'} once, at the expiry time`,
      inlinePolicies: { Expiry: new iam.PolicyDocument({ statements }) },
    });

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: props.scheduleName,
      description: props.action === 'stop'
        ? 'Container Networks lab: stops the lab hosts of this attendee at the expiry time'
        : 'Container Networks lab: deletes the stack of this attendee at the expiry time',
      scheduleExpression: `at(${props.expiresAt})`,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: EXPIRY_TARGETS[props.action],
        roleArn: this.role.roleArn,
        input: stack.toJsonString(input),
        // A throttled or failed call is retried for up to an hour.
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 },
      },
    });

    if (props.condition) {
      for (const child of this.node.findAll()) {
        if (child instanceof CfnResource) {
          child.cfnOptions.condition = props.condition;
        }
      }
    }
  }
}

/** Properties of an {@link ExpiryDeleterRole}. */
export interface ExpiryDeleterRoleProps {
  /** Workshop name: attendee stacks are named `<workshopName>-<attendee>` and tagged `workshop=<workshopName>`. */
  readonly workshopName: string;
}

/**
 * The role CloudFormation deletes expired attendee stacks with (the
 * `RoleARN` of the expiry schedule's DeleteStack call). It lives in the
 * workshop stack, which outlives the attendee stacks: a stack cannot be
 * deleted with a role that is one of its own resources (CloudFormation would
 * delete the role, or its policy, before it is done).
 *
 * Only CloudFormation can assume it, and only the attendees' expiry
 * schedules can pass it (their roles allow iam:PassRole on it, to
 * cloudformation.amazonaws.com only). It can delete what an attendee stack
 * holds: EC2 instances, security groups and key pairs tagged with this
 * workshop; IAM roles tagged with this workshop and instance profiles named
 * after its stacks; the private keys' SSM parameters; schedules. Describe
 * calls cannot be narrowed and use '*'.
 */
export class ExpiryDeleterRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ExpiryDeleterRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const tagged = { StringEquals: { 'aws:ResourceTag/workshop': props.workshopName } };
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `Deletes expired attendee stacks of workshop ${props.workshopName} (passed to CloudFormation by their expiry schedules)`,
      inlinePolicies: {
        DeleteAttendeeStacks: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'Describe',
              actions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeKeyPairs',
                'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceAttribute', 'iam:GetRole', 'iam:GetInstanceProfile'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteTaggedEc2',
              actions: ['ec2:TerminateInstances', 'ec2:DeleteSecurityGroup', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteKeyPair'],
              resources: ['*'],
              conditions: tagged,
            }),
            new iam.PolicyStatement({
              sid: 'DeleteTaggedRoles',
              actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
                'iam:ListInstanceProfilesForRole'],
              resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${props.workshopName}-*` })],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteInstanceProfiles',
              actions: ['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
              resources: [stack.formatArn({ service: 'iam', region: '', resource: 'instance-profile', resourceName: `${props.workshopName}-*` })],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteKeyPairParameters',
              actions: ['ssm:DeleteParameter'],
              resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'ec2/keypair/*' })],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteSchedules',
              actions: ['scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
              resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `default/${props.workshopName}-*` })],
            }),
          ],
        }),
      },
    });
    const why = 'Deleting an attendee stack needs delete rights on resources whose ids are not known when the workshop stack is deployed; '
      + 'only CloudFormation, passed this role by an attendee expiry schedule, uses it, and CloudFormation touches only the stack being deleted.';
    const w = props.workshopName;
    Validations.of(this.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: `${why} Describe calls take no resource; EC2 deletes are narrowed by the condition aws:ResourceTag/workshop=${w}.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${w}-*]`, reason: `${why} Attendee stacks, and so their roles, are named ${w}-<attendee>.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/${w}-*]`, reason: `${why} Instance profiles are named after their stack, ${w}-<attendee>.` },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/ec2/keypair/*]', reason: `${why} EC2 keeps each key pair's private key in /ec2/keypair/<key pair id>, an id known only once the key pair exists.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/default/${w}-*]`, reason: `${why} Expiry schedules are named after their stack, ${w}-<attendee>.` },
    );
  }
}
