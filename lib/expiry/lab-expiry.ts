import { Aws, CfnCondition, CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { EXPIRES_AT_PATTERN, expiryScheduleGroupName, LAB_TAGS, workshopIamPath } from '../contract';

/** What happens to an attendee's lab when it expires. */
export type ExpiryAction = 'stop' | 'delete';

/** All expiry actions; the first is the default. */
export const EXPIRY_ACTIONS: readonly ExpiryAction[] = ['stop', 'delete'];

/** EventBridge Scheduler's universal targets (AWS SDK calls, no code) used here. */
export const EXPIRY_TARGETS = {
  stop: 'arn:aws:scheduler:::aws-sdk:ec2:stopInstances',
  delete: 'arn:aws:scheduler:::aws-sdk:cloudformation:deleteStack',
} as const;

// The expiry time's text and pattern live in the contract (the lab command reads and moves it too);
// exported here as before.
export { atExpressionTime, EXPIRES_AT_PATTERN } from '../contract';

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
   * The instances to stop: at the expiry time with 'stop'; with 'delete' too, at the same time as the
   * deletion starts, so that hosts of a stack whose deletion fails do not run on.
   */
  readonly instances: readonly ec2.IInstance[];
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
   * Name of the schedule (1 to 64 letters, digits, '-', '_', '.'); with 'delete' the stop schedule is
   * named after it with `-stop`, when that fits.
   * @default - a name CloudFormation makes up
   */
  readonly scheduleName?: string;
  /**
   * The EventBridge Scheduler schedule group the schedules go into (it must exist). The schedules'
   * role trusts the scheduler only on behalf of this group (aws:SourceArn), and ExpiryDeleterRole may
   * delete schedules of its workshop's group only.
   * @default 'default' (the account's default group)
   */
  readonly scheduleGroupName?: string;
}

/** The parts of a schedule that differ between its actions. */
interface ExpiryTarget {
  readonly id: string;
  readonly name?: string;
  readonly arn: string;
  readonly input: Record<string, unknown>;
  readonly description: string;
}

/**
 * A one-time EventBridge Scheduler schedule that stops this stack's lab
 * hosts, or deletes this stack (after stopping its hosts, by a second
 * schedule at the same time), at a fixed time. No code: the schedule calls
 * the AWS API through a universal target, with a role that can do exactly
 * that and nothing else (ec2:StopInstances on these instances; and
 * cloudformation:DeleteStack on this stack plus passing the deleter role to
 * CloudFormation), which only the scheduler of this account, on behalf of
 * the schedule group, may assume.
 */
export class LabExpiry extends Construct {
  /** The schedule of the action (with 'delete': the one that deletes the stack). */
  public readonly schedule: scheduler.CfnSchedule;
  /** With 'delete': the schedule that stops the hosts at the same time. */
  public readonly stopSchedule?: scheduler.CfnSchedule;
  /** The role the schedules call the API with. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LabExpiryProps) {
    super(scope, id);
    validateLabExpiryProps(this.node.path, props);
    const stack = Stack.of(this);
    const groupName = props.scheduleGroupName ?? 'default';
    const instanceIds = props.instances.map((instance) => instance.instanceId);
    const statements = [new iam.PolicyStatement({
      sid: 'StopTheseLabHosts',
      actions: ['ec2:StopInstances'],
      resources: instanceIds.map((instanceId) => stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: instanceId })),
    })];
    const stop: ExpiryTarget = {
      id: props.action === 'stop' ? 'Schedule' : 'StopSchedule',
      name: props.action === 'stop' ? props.scheduleName : stopScheduleName(props.scheduleName),
      arn: EXPIRY_TARGETS.stop,
      input: { InstanceIds: instanceIds },
      description: 'Container Networks lab: stops the lab hosts of this attendee at the expiry time',
    };
    const targets: ExpiryTarget[] = [stop];
    if (props.action === 'delete') {
      const deleteRole = props.deleteRole as iam.IRole;
      statements.push(
        new iam.PolicyStatement({ sid: 'DeleteThisStack', actions: ['cloudformation:DeleteStack'], resources: [stack.stackId] }),
        new iam.PolicyStatement({
          sid: 'PassTheDeleterRoleToCloudFormation',
          actions: ['iam:PassRole'],
          resources: [deleteRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        }),
      );
      targets.push({
        id: 'Schedule', name: props.scheduleName, arn: EXPIRY_TARGETS.delete,
        input: { StackName: stack.stackId, RoleARN: deleteRole.roleArn },
        description: 'Container Networks lab: deletes the stack of this attendee at the expiry time (its hosts are stopped at the same time)',
      });
    }
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Confused deputy: only this account's scheduler, running a schedule of this group, may assume it.
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': scheduleGroupArn(groupName) } },
      }),
      description: `Lab expiry: ${props.action === 'stop' ? 'stops the lab hosts of this stack' : 'stops the lab hosts of this stack and deletes it'} once, at the expiry time`,
      inlinePolicies: { Expiry: new iam.PolicyDocument({ statements }) },
    });
    const schedules = targets.map((target) => this.addSchedule(target, props.expiresAt, groupName));
    this.schedule = schedules[schedules.length - 1];
    this.stopSchedule = props.action === 'delete' ? schedules[0] : undefined;
    if (props.condition) {
      for (const child of this.node.findAll()) {
        if (child instanceof CfnResource) {
          child.cfnOptions.condition = props.condition;
        }
      }
    }
  }

  /** One one-time schedule in UTC, calling one API with this construct's role. */
  private addSchedule(target: ExpiryTarget, expiresAt: string, groupName: string): scheduler.CfnSchedule {
    return new scheduler.CfnSchedule(this, target.id, {
      name: target.name,
      groupName: groupName === 'default' ? undefined : groupName,
      description: target.description,
      scheduleExpression: `at(${expiresAt})`,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: target.arn,
        roleArn: this.role.roleArn,
        input: Stack.of(this).toJsonString(target.input),
        // A throttled or failed call is retried for up to an hour.
        retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}

/** The name of the stop schedule next to a delete schedule, when it fits in 64 characters. */
function stopScheduleName(scheduleName: string | undefined): string | undefined {
  return scheduleName !== undefined && scheduleName.length <= 59 ? `${scheduleName}-stop` : undefined;
}

/** The ARN of a schedule group of this stack's account and region. */
function scheduleGroupArn(groupName: string): string {
  return `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule-group/${groupName}`;
}

/** Every problem of LabExpiry's props, thrown as one error naming the prop and what is allowed. */
function validateLabExpiryProps(where: string, props: LabExpiryProps): void {
  if (!EXPIRY_ACTIONS.includes(props.action)) {
    throw new Error(`LabExpiry ${where}: 'action' is ${JSON.stringify(props.action)}; allowed: ${EXPIRY_ACTIONS.join(', ')}.`);
  }
  if (!Token.isUnresolved(props.expiresAt) && !new RegExp(EXPIRES_AT_PATTERN).test(props.expiresAt)) {
    throw new Error(`LabExpiry ${where}: 'expiresAt' is ${JSON.stringify(props.expiresAt)}; allowed: yyyy-mm-ddThh:mm:ss in UTC, e.g. 2026-05-04T18:00:00.`);
  }
  if ((props.instances ?? []).length === 0) {
    throw new Error(`LabExpiry ${where}: 'instances' is empty; expiry stops the instances (with either action).`);
  }
  if (props.action === 'delete' && !props.deleteRole) {
    throw new Error(`LabExpiry ${where}: 'deleteRole' is missing; the delete action needs the role CloudFormation deletes the stack with (ExpiryDeleterRole).`);
  }
  if (props.scheduleGroupName !== undefined && !/^[0-9A-Za-z._-]{1,64}$/.test(props.scheduleGroupName)) {
    throw new Error(`LabExpiry ${where}: 'scheduleGroupName' is ${JSON.stringify(props.scheduleGroupName)}; allowed: 1 to 64 letters, digits, '.', '_' or '-'.`);
  }
}

/** Properties of an {@link ExpiryDeleterRole}. */
export interface ExpiryDeleterRoleProps {
  /** Workshop name: attendee stack resources are tagged `workshop=<workshopName>` and `attendee=<name>`. */
  readonly workshopName: string;
  /**
   * The schedule group of the workshop's expiry schedules: the deleter may delete schedules of this group only.
   * @default expiryScheduleGroupName(workshopName), `<workshop>-lab-expiry`
   */
  readonly scheduleGroupName?: string;
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
 * of this workshop holds, scoped by the tags `workshop=<name>` and
 * `attendee` (present) wherever IAM and CloudFormation allow tags (EC2
 * instances, security groups, key pairs; IAM roles), else by the workshop's
 * own IAM path or schedule group (see the comments in the policy).
 */
export class ExpiryDeleterRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ExpiryDeleterRoleProps) {
    super(scope, id);
    const workshop = props.workshopName;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `Deletes expired attendee stacks of workshop ${workshop} (passed to CloudFormation by their expiry schedules)`,
      inlinePolicies: {
        DeleteAttendeeStacks: new iam.PolicyDocument({ statements: deleterStatements(Stack.of(this), workshop, props.scheduleGroupName ?? expiryScheduleGroupName(workshop)) }),
      },
    });
    const why = 'Deleting an attendee stack needs delete rights on resources whose ids are not known when the workshop stack is deployed; '
      + 'only CloudFormation, passed this role by an attendee expiry schedule, uses it, and CloudFormation touches only the stack being deleted.';
    const path = workshopIamPath(workshop);
    Validations.of(this.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: `${why} Describe calls take no resource; EC2 and IAM role deletes are narrowed by the conditions aws:ResourceTag/workshop=${workshop} and aws:ResourceTag/attendee present.` },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*]', reason: `${why} Role names are made up by CloudFormation; roles are narrowed by the conditions aws:ResourceTag/workshop=${workshop} and aws:ResourceTag/attendee present (the workshop stack's own roles have no attendee tag).` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile${path}*]`, reason: `${why} Instance profiles carry no tags in CloudFormation; the lab hosts' profiles lie on the workshop's own IAM path ${path}.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:group${path}*]`, reason: `${why} IAM groups cannot carry tags; the attendee access groups lie on the workshop's own IAM path ${path}.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:policy${path}*]`, reason: `${why} Managed policies carry no tags in CloudFormation; the attendee access policies lie on the workshop's own IAM path ${path}.` },
      { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/ec2/keypair/*]', reason: `${why} EC2 keeps each key pair's private key in /ec2/keypair/<key pair id>, an id known only once the key pair exists, in a parameter EC2 creates without the stack's tags.` },
      { id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${props.scheduleGroupName ?? expiryScheduleGroupName(workshop)}/*]`, reason: `${why} Schedules carry no tags; the expiry schedules of this workshop are in its own schedule group.` },
    );
  }
}

/** The deleter's statements: tag conditions where IAM and CloudFormation allow them, the workshop's IAM path or schedule group where not. */
function deleterStatements(stack: Stack, workshop: string, scheduleGroup: string): iam.PolicyStatement[] {
  const attendeeResource = {
    StringEquals: { [`aws:ResourceTag/${LAB_TAGS.workshop}`]: workshop },
    Null: { [`aws:ResourceTag/${LAB_TAGS.attendee}`]: 'false' },
  };
  const iamArn = (resource: string): string => stack.formatArn({ service: 'iam', region: '', resource, resourceName: `${workshopIamPath(workshop).slice(1)}*` });
  return [
    new iam.PolicyStatement({
      sid: 'Describe',
      actions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeKeyPairs',
        'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceAttribute', 'iam:GetRole', 'iam:GetInstanceProfile', 'iam:GetGroup', 'iam:GetPolicy'],
      resources: ['*'],
    }),
    // Attendee resources only: the workshop stack's own resources carry no attendee tag.
    new iam.PolicyStatement({
      sid: 'DeleteAttendeeEc2',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteSecurityGroup', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteKeyPair'],
      resources: ['*'],
      conditions: attendeeResource,
    }),
    new iam.PolicyStatement({
      sid: 'DeleteAttendeeRoles',
      actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole'],
      resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })],
      conditions: attendeeResource,
    }),
    // Names (paths) only where tags cannot be: CloudFormation gives AWS::IAM::InstanceProfile and
    // AWS::IAM::ManagedPolicy no Tags, and IAM groups take none at all. The attendee stacks put them on the
    // workshop's own path, /cnlab/<workshop>/ (the closing slash keeps other workshops' paths out).
    new iam.PolicyStatement({ sid: 'DeleteAttendeeInstanceProfiles', actions: ['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'], resources: [iamArn('instance-profile')] }),
    new iam.PolicyStatement({
      sid: 'DeleteAttendeeAccessGroups',
      actions: ['iam:DeleteGroup', 'iam:DetachGroupPolicy', 'iam:ListAttachedGroupPolicies', 'iam:ListGroupPolicies'],
      resources: [iamArn('group')],
    }),
    new iam.PolicyStatement({
      sid: 'DeleteAttendeeAccessPolicies',
      actions: ['iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:ListPolicyVersions', 'iam:ListEntitiesForPolicy', 'iam:DetachGroupPolicy'],
      resources: [iamArn('policy')],
    }),
    // By name: EC2 creates this parameter for a key pair made by CloudFormation, named after the key pair's
    // id (known only once it exists) and without the stack's tags.
    new iam.PolicyStatement({
      sid: 'DeleteKeyPairParameters',
      actions: ['ssm:DeleteParameter'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'ec2/keypair/*' })],
    }),
    // Schedules take no tags: the workshop's expiry schedules have a schedule group of their own.
    new iam.PolicyStatement({
      sid: 'DeleteExpirySchedules',
      actions: ['scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
      resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${scheduleGroup}/*` })],
    }),
  ];
}
