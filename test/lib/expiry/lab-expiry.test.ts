import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { atExpressionTime, EXPIRY_TARGETS, LabExpiry } from '../../../lib/expiry/lab-expiry';
import { acknowledgements, FIXTURE_STEPS, nagFindings, newApp } from '../../fixtures/cdk';

const NOW = new Date('2026-05-04T08:10:00Z');
const END = '2026-05-04T17:00:00Z';

function fixtureApp(context: Record<string, unknown> = {}, now: Date = NOW) {
  const app = newApp({ expiresAt: END, ...context });
  return { app, ...buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now }) };
}

/** Resource types of an attendee stack that have no Tags property in CloudFormation. */
const UNTAGGABLE = new Set(['AWS::CloudFormation::WaitConditionHandle', 'AWS::CloudFormation::WaitCondition', 'AWS::IAM::InstanceProfile',
  'AWS::EC2::SecurityGroupIngress', 'AWS::Scheduler::Schedule', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Group']);

/** The value of the expires-at tag: the ExpiresAt parameter and a Z. */
const EXPIRES_AT_TAG = { 'Fn::Join': ['', [{ Ref: 'ExpiresAt' }, 'Z']] };

describe('issue 11.3: the expiry never moves by itself', () => {
  test('two synths hours apart give identical templates, with and without expiresAt', () => {
    for (const context of [{ attendees: 'alice,bob' }, { attendees: 'alice,bob', expiresAt: undefined }, { attendees: 'alice', expiryAction: 'delete' }]) {
      const morning = fixtureApp(context, new Date('2026-05-04T08:10:00Z'));
      const evening = fixtureApp(context, new Date('2026-05-04T19:40:00Z'));
      const stacks = [morning.workshop, ...morning.attendees].map((stack, index) => [stack, [evening.workshop, ...evening.attendees][index]] as const);
      for (const [a, b] of stacks) {
        expect(Template.fromStack(b).toJSON()).toEqual(Template.fromStack(a).toJSON());
      }
    }
  });

  test('the time is the stack parameter ExpiresAt, its default the context expiresAt; the schedule, the tags and the output use it', () => {
    const template = Template.fromStack(fixtureApp({ attendees: 'alice' }).attendees[0]);
    expect(template.toJSON().Parameters.ExpiresAt).toEqual({
      Type: 'String',
      Default: '2026-05-04T17:00:00',
      AllowedPattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$',
      ConstraintDescription: 'a UTC time written yyyy-mm-ddThh:mm:ss, e.g. 2026-05-04T18:00:00',
      Description: expect.stringContaining('a later cdk deploy keeps it; npx lab extend moves it'),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: { 'Fn::Join': ['', ['at(', { Ref: 'ExpiresAt' }, ')']] } });
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: 'expires-at', Value: EXPIRES_AT_TAG }]) });
    expect(template.toJSON().Outputs.Expiry.Value).toEqual({ 'Fn::Join': ['', [{ Ref: 'ExpiresAt' }, 'Z (stop)']] });
  });

  test('without expiresAt the parameter has no default (a new stack needs one) and the synth says so; deployed stacks keep theirs', () => {
    const { attendees } = fixtureApp({ expiresAt: undefined });
    expect(Template.fromStack(attendees[0]).toJSON().Parameters.ExpiresAt.Default).toBeUndefined();
    Annotations.fromStack(attendees[0]).hasWarning('*', Match.stringLikeRegexp('no expiresAt: creating this attendee stack needs one'));
  });

  test('expiresAfterHours, a time counted from the synth, is refused with what to use instead', () => {
    expect(() => fixtureApp({ expiresAfterHours: '8' })).toThrow(/Context 'expiresAfterHours' is no longer read: .*-c expiresAt=yyyy-mm-ddThh:mm:ssZ; move a deployed expiry with npx lab extend/);
  });

  test('an expiresAt in the past warns (cdk destroy with the same context must still synthesize)', () => {
    const { attendees } = fixtureApp({ expiresAt: '2026-05-01T00:00:00Z' });
    Annotations.fromStack(attendees[0]).hasWarning('*', Match.stringLikeRegexp('expiresAt 2026-05-01T00:00:00.000Z is not in the future'));
  });

  test('at() text: UTC without zone suffix', () => {
    expect(atExpressionTime(new Date('2026-05-04T17:00:00Z'))).toBe('2026-05-04T17:00:00');
  });
});

describe('attendee expiry (default: stop)', () => {
  let template: Template;
  let instanceIds: string[];
  beforeAll(() => {
    const { attendees } = fixtureApp({ attendees: 'alice,bob' });
    template = Template.fromStack(attendees[0]);
    instanceIds = Object.keys(template.findResources('AWS::EC2::Instance'));
  });

  test('a one-time schedule in UTC, named after the stack, in the workshop\'s schedule group, that calls ec2:StopInstances on this attendee\'s hosts', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'container-networks-alice',
      GroupName: 'container-networks-lab-expiry',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: { Arn: EXPIRY_TARGETS.stop },
    });
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0];
    const input = JSON.stringify(schedule.Properties.Target.Input);
    expect(instanceIds).toHaveLength(3);
    for (const id of instanceIds) {
      expect(input).toContain(`{"Ref":"${id}"}`);
    }
    expect(input).toContain('InstanceIds');
  });

  test('least privilege: the role may stop exactly these instances; only this account\'s scheduler, for the workshop\'s schedule group, assumes it (issue 11.10)', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Lab expiry: stops the lab hosts of this stack once, at the expiry time' } });
    const [role] = Object.values(roles);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
            ':schedule-group/container-networks-lab-expiry']] },
        },
      },
    }]);
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('ec2:StopInstances');
    expect(statements[0].Resource).toHaveLength(3);
    for (const id of instanceIds) {
      expect(JSON.stringify(statements[0].Resource)).toContain(`":instance/",{"Ref":"${id}"}`);
    }
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('workshop, attendee and expires-at on every taggable resource (expires-at not on the key pair: a tag change would replace it)', () => {
    const withSsh = Template.fromStack(fixtureApp({ sshCidr: '203.0.113.0/24' }).attendees[0]);
    const resources = Object.entries(withSsh.toJSON().Resources) as Array<[string, any]>;
    for (const [id, resource] of resources) {
      if (UNTAGGABLE.has(resource.Type)) {
        expect([id, resource.Properties?.Tags]).toEqual([id, undefined]);
        continue;
      }
      const tags = Object.fromEntries((resource.Properties?.Tags ?? []).map((tag: any) => [tag.Key, tag.Value]));
      expect([id, tags.workshop, tags.attendee]).toEqual([id, 'container-networks', 'attendee1']);
      expect([id, tags['expires-at']]).toEqual([id, resource.Type === 'AWS::EC2::KeyPair' ? undefined : EXPIRES_AT_TAG]);
    }
  });

  test('outputs: when, and what an hour costs', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.Expiry.Value).toEqual({ 'Fn::Join': ['', [{ Ref: 'ExpiresAt' }, 'Z (stop)']] });
    expect(outputs.CostPerHour.Value).toBe('USD 0.0800 per hour running, USD 0.0026 per hour stopped');
  });

  test('the workshop stack has the schedule group and no schedule; with the stop action no attendee stack imports the deleter role', () => {
    const { workshop, attendees } = fixtureApp();
    const workshopTemplate = Template.fromStack(workshop);
    workshopTemplate.resourceCountIs('AWS::Scheduler::Schedule', 0);
    workshopTemplate.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'container-networks-lab-expiry' });
    expect(JSON.stringify(Template.fromStack(attendees[0]).toJSON())).not.toContain('ExpiryDeleter');
  });

  test('the workshop stack is the same for stop and delete (switching the action never removes an export in use)', () => {
    const stop = Template.fromStack(fixtureApp({ expiryAction: 'stop', attendees: 'alice,bob' }).workshop).toJSON();
    const del = Template.fromStack(fixtureApp({ expiryAction: 'delete', attendees: 'alice,bob' }).workshop).toJSON();
    expect(stop).toEqual(del);
    const exported = Object.values(stop.Outputs).filter((output: any) => JSON.stringify(output.Value).includes('ExpiryDeleterRole'));
    expect(exported).toHaveLength(1);
    expect((exported[0] as any).Export.Name).toMatch(/^container-networks:ExportsOutputFnGetAttExpiryDeleterRole/);
  });
});

describe('expiryAction=delete (issue 11.4)', () => {
  let workshopTemplate: Template;
  let alice: Template;
  beforeAll(() => {
    const { workshop, attendees } = fixtureApp({ expiryAction: 'delete', attendees: 'alice,bob' });
    workshopTemplate = Template.fromStack(workshop);
    alice = Template.fromStack(attendees[0]);
  });

  test('at the expiry time one schedule stops the hosts and another deletes the stack with the workshop\'s deleter role', () => {
    alice.resourceCountIs('AWS::Scheduler::Schedule', 2);
    const schedules = Object.values(alice.findResources('AWS::Scheduler::Schedule'));
    const byTarget = Object.fromEntries(schedules.map((schedule) => [schedule.Properties.Target.Arn, schedule.Properties]));
    expect(Object.keys(byTarget).sort()).toEqual([EXPIRY_TARGETS.delete, EXPIRY_TARGETS.stop].sort());
    expect(byTarget[EXPIRY_TARGETS.stop].ScheduleExpression).toEqual(byTarget[EXPIRY_TARGETS.delete].ScheduleExpression);
    expect(byTarget[EXPIRY_TARGETS.stop].Name).toBe('container-networks-alice-stop');
    expect(JSON.stringify(byTarget[EXPIRY_TARGETS.stop].Target.Input)).toContain('InstanceIds');
    const input = JSON.stringify(byTarget[EXPIRY_TARGETS.delete].Target.Input);
    expect(input).toContain('{"Ref":"AWS::StackId"}');
    expect(input).toContain('RoleARN');
    expect(input).toContain('Fn::ImportValue');
  });

  test('the schedules\' role: StopInstances on these hosts, DeleteStack on this stack, PassRole of the deleter role to CloudFormation, nothing else', () => {
    const [role] = Object.values(alice.findResources('AWS::IAM::Role', { Properties: { Description: 'Lab expiry: stops the lab hosts of this stack and deletes it once, at the expiry time' } }));
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements.map((statement: any) => statement.Action)).toEqual(['ec2:StopInstances', 'cloudformation:DeleteStack', 'iam:PassRole']);
    expect(statements[2].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  test('the deleter role is assumed by CloudFormation only; it deletes attendee resources of this workshop by tag, and by the workshop\'s IAM path or schedule group where tags cannot be', () => {
    const roles = Object.values(workshopTemplate.findResources('AWS::IAM::Role'))
      .filter((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('cloudformation.amazonaws.com'));
    expect(roles).toHaveLength(1);
    const [role] = roles;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' } },
    ]);
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    const bySid = Object.fromEntries(statements.map((statement: any) => [statement.Sid, statement]));
    const attendeeOfThisWorkshop = { StringEquals: { 'aws:ResourceTag/workshop': 'container-networks' }, Null: { 'aws:ResourceTag/attendee': 'false' } };
    expect(bySid.DeleteAttendeeEc2.Condition).toEqual(attendeeOfThisWorkshop);
    expect(bySid.DeleteAttendeeRoles.Condition).toEqual(attendeeOfThisWorkshop);
    expect(JSON.stringify(bySid.DeleteAttendeeRoles.Resource)).toContain(':role/*');
    // No name prefix that another workshop ("container-networks-2") or the workshop stack's own roles could match.
    expect(JSON.stringify(statements)).not.toMatch(/:(role|instance-profile)\/container-networks-\*/);
    expect(JSON.stringify(bySid.DeleteAttendeeInstanceProfiles.Resource)).toContain(':instance-profile/cnlab/container-networks/*');
    expect(JSON.stringify(bySid.DeleteAttendeeAccessGroups.Resource)).toContain(':group/cnlab/container-networks/*');
    expect(JSON.stringify(bySid.DeleteAttendeeAccessPolicies.Resource)).toContain(':policy/cnlab/container-networks/*');
    expect(JSON.stringify(bySid.DeleteExpirySchedules.Resource)).toContain(':schedule/container-networks-lab-expiry/*');
    expect(statements.filter((statement: any) => statement.Resource === '*').map((statement: any) => statement.Sid).sort())
      .toEqual(['DeleteAttendeeEc2', 'Describe']);
  });

  test('the attendee stack puts what the deleter may only match by path on the workshop\'s path', () => {
    alice.allResourcesProperties('AWS::IAM::InstanceProfile', { Path: '/cnlab/container-networks/' });
    alice.allResourcesProperties('AWS::IAM::Group', { Path: '/cnlab/container-networks/' });
    alice.allResourcesProperties('AWS::IAM::ManagedPolicy', { Path: '/cnlab/container-networks/' });
    alice.allResourcesProperties('AWS::Scheduler::Schedule', { GroupName: 'container-networks-lab-expiry' });
  });

  test('outputs say delete', () => {
    expect(alice.toJSON().Outputs.Expiry.Value).toEqual({ 'Fn::Join': ['', [{ Ref: 'ExpiresAt' }, 'Z (delete)']] });
  });
});

describe('cdk-nag AwsSolutions with expiry', () => {
  test.each(['stop', 'delete'])('zero findings with expiryAction=%s; acknowledgements have reasons', (expiryAction) => {
    const { app } = fixtureApp({ attendees: 'alice,bob', expiryAction, sshCidr: '203.0.113.0/24' });
    expect(nagFindings(app)).toEqual([]);
    for (const ack of acknowledgements(app)) {
      expect(ack.reason.trim()).not.toBe('');
    }
  });
});

describe('LabExpiry validation', () => {
  const instance = { instanceId: 'i-0123456789abcdef0' } as unknown as ec2.IInstance;
  test.each([
    [{ expiresAt: '2026-05-04 17:00', action: 'stop', instances: [instance] }, `'expiresAt' is "2026-05-04 17:00"`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'reboot', instances: [instance] }, `'action' is "reboot"; allowed: stop, delete`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'stop', instances: [] }, `'instances' is empty`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'delete', instances: [instance] }, `'deleteRole' is missing`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'stop', instances: [instance], scheduleGroupName: 'a b' }, `'scheduleGroupName' is "a b"`],
  ])('rejects %j', (props, message) => {
    const stack = new Stack(newApp(), 'S');
    expect(() => new LabExpiry(stack, 'E', props as any)).toThrow(message);
  });

  test('stop with an instance from outside: one ARN, its id in the input; the default group', () => {
    const stack = new Stack(newApp(), 'S');
    new LabExpiry(stack, 'E', { expiresAt: '2026-05-04T17:00:00', action: 'stop', instances: [instance] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'at(2026-05-04T17:00:00)',
      GroupName: Match.absent(),
      Target: { Input: '{"InstanceIds":["i-0123456789abcdef0"]}' },
    });
    expect(JSON.stringify(template.toJSON())).toContain(':schedule-group/default');
  });
});
