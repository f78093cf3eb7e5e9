import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { atExpressionTime, EXPIRY_TARGETS, expiryTime, LabExpiry } from '../../../lib/expiry/lab-expiry';
import { acknowledgements, FIXTURE_STEPS, nagFindings, newApp } from '../../fixtures/cdk';

const NOW = new Date('2026-05-04T08:10:00Z');

function fixtureApp(context: Record<string, unknown> = {}, now: Date = NOW) {
  const app = newApp(context);
  return { app, ...buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now }) };
}

/** Resource types of an attendee stack that have no Tags property in CloudFormation. */
const UNTAGGABLE = new Set(['AWS::CloudFormation::WaitConditionHandle', 'AWS::IAM::InstanceProfile', 'AWS::EC2::SecurityGroupIngress',
  'AWS::Scheduler::Schedule', 'AWS::IAM::Policy']);

describe('expiry time', () => {
  test.each([
    ['2026-05-04T08:10:00Z', 8, '2026-05-04T17:00:00.000Z'],
    ['2026-05-04T08:00:00Z', 8, '2026-05-04T16:00:00.000Z'],
    ['2026-05-04T23:59:59Z', 1, '2026-05-05T01:00:00.000Z'],
    ['2026-05-04T08:00:00Z', 168, '2026-05-11T08:00:00.000Z'],
  ])('deployed %s for %d h: %s (rounded up to the hour, never earlier)', (now, hours, expected) => {
    expect(expiryTime(new Date(now), hours).toISOString()).toBe(expected);
  });

  test('the same template for every synth within one hour', () => {
    expect(expiryTime(new Date('2026-05-04T08:01:00Z'), 8)).toEqual(expiryTime(new Date('2026-05-04T08:59:00Z'), 8));
  });

  test('at() text: UTC without zone suffix', () => {
    expect(atExpressionTime(new Date('2026-05-04T17:00:00Z'))).toBe('2026-05-04T17:00:00');
  });
});

describe('attendee expiry (default: stop, 8 hours after the synth)', () => {
  let attendees: ReturnType<typeof fixtureApp>['attendees'];
  let template: Template;
  let instanceIds: string[];
  beforeAll(() => {
    ({ attendees } = fixtureApp({ attendees: 'alice,bob' }));
    template = Template.fromStack(attendees[0]);
    instanceIds = Object.keys(template.findResources('AWS::EC2::Instance'));
  });

  test('a one-time schedule in UTC, named after the stack, that calls ec2:StopInstances on this attendee\'s hosts', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'container-networks-alice',
      ScheduleExpression: 'at(2026-05-04T17:00:00)',
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

  test('least privilege: the schedule\'s role may stop exactly these instances, and only the scheduler of this account assumes it', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: `Lab expiry: stops the lab hosts of this stack once, at the expiry time` } });
    const [role] = Object.values(roles);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
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
      expect([id, tags['expires-at']]).toEqual([id, resource.Type === 'AWS::EC2::KeyPair' ? undefined : '2026-05-04T17:00:00Z']);
    }
  });

  test('outputs: when, and what an hour costs', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ExpiresAt.Value).toBe('2026-05-04T17:00:00Z (stop)');
    expect(outputs.CostPerHour.Value).toBe('USD 0.0592 per hour running, USD 0.0026 per hour stopped');
  });

  test('expiresAt and expiresAfterHours from context', () => {
    const fixed = Template.fromStack(fixtureApp({ expiresAt: '2026-05-05T12:30Z', expiresAfterHours: '2' }).attendees[0]);
    fixed.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'at(2026-05-05T12:30:00)' });
    const day = Template.fromStack(fixtureApp({ expiresAfterHours: '24' }).attendees[0]);
    day.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'at(2026-05-05T09:00:00)' });
  });

  test('an expiresAt in the past warns (cdk destroy with the same context must still synthesize)', () => {
    const { attendees } = fixtureApp({ expiresAt: '2026-05-01T00:00:00Z' });
    Annotations.fromStack(attendees[0]).hasWarning('*', Match.stringLikeRegexp('expiresAt 2026-05-01T00:00:00.000Z is not in the future'));
  });

  test('the workshop stack has no schedule; with the stop action no attendee stack imports the deleter role', () => {
    const { workshop, attendees } = fixtureApp();
    Template.fromStack(workshop).resourceCountIs('AWS::Scheduler::Schedule', 0);
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

describe('expiryAction=delete', () => {
  let workshop: ReturnType<typeof fixtureApp>['workshop'];
  let attendees: ReturnType<typeof fixtureApp>['attendees'];
  let workshopTemplate: Template;
  let alice: Template;
  beforeAll(() => {
    ({ workshop, attendees } = fixtureApp({ expiryAction: 'delete', attendees: 'alice,bob' }));
    workshopTemplate = Template.fromStack(workshop);
    alice = Template.fromStack(attendees[0]);
  });

  test('the schedule calls cloudformation:DeleteStack on its own stack, with the deleter role of the workshop stack', () => {
    alice.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Arn: EXPIRY_TARGETS.delete } });
    const schedule = Object.values(alice.findResources('AWS::Scheduler::Schedule'))[0];
    const input = JSON.stringify(schedule.Properties.Target.Input);
    expect(input).toContain('{"Ref":"AWS::StackId"}');
    expect(input).toContain('RoleARN');
    expect(input).toContain('Fn::ImportValue');
  });

  test('the schedule\'s role: DeleteStack on this stack and PassRole of the deleter role to CloudFormation, nothing else', () => {
    const [role] = Object.values(alice.findResources('AWS::IAM::Role', { Properties: { Description: 'Lab expiry: deletes this stack once, at the expiry time' } }));
    const statements = role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
    expect(statements.map((statement: any) => [statement.Action, statement.Resource.Ref ?? 'import'])).toEqual([
      ['cloudformation:DeleteStack', 'AWS::StackId'],
      ['iam:PassRole', 'import'],
    ]);
    expect(statements[1].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  test('the deleter role lives in the workshop stack, is assumed by CloudFormation only, and is narrowed by tag and name prefix', () => {
    const roles = Object.values(workshopTemplate.findResources('AWS::IAM::Role'))
      .filter((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('cloudformation.amazonaws.com'));
    expect(roles).toHaveLength(1);
    const [role] = roles;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' } },
    ]);
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    const bySid = Object.fromEntries(statements.map((statement: any) => [statement.Sid, statement]));
    expect(bySid.DeleteTaggedEc2.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/workshop': 'container-networks' } });
    expect(JSON.stringify(bySid.DeleteTaggedRoles.Resource)).toContain(':role/container-networks-*');
    expect(JSON.stringify(bySid.DeleteSchedules.Resource)).toContain(':schedule/default/container-networks-*');
    expect(statements.filter((statement: any) => statement.Resource === '*').map((statement: any) => statement.Sid).sort())
      .toEqual(['DeleteTaggedEc2', 'Describe']);
  });

  test('outputs say delete', () => {
    expect(alice.toJSON().Outputs.ExpiresAt.Value).toBe('2026-05-04T17:00:00Z (delete)');
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
  test.each([
    [{ expiresAt: '2026-05-04 17:00', action: 'stop' }, `'expiresAt' is "2026-05-04 17:00"`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'reboot' }, `'action' is "reboot"; allowed: stop, delete`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'stop', instances: [] }, `'instances' is empty`],
    [{ expiresAt: '2026-05-04T17:00:00', action: 'delete' }, `'deleteRole' is missing`],
  ])('rejects %j', (props, message) => {
    const stack = new Stack(newApp(), 'S');
    expect(() => new LabExpiry(stack, 'E', props as any)).toThrow(message);
  });

  test('stop with an instance from outside: one ARN, its id in the input', () => {
    const stack = new Stack(newApp(), 'S');
    const instance = { instanceId: 'i-0123456789abcdef0' } as unknown as ec2.IInstance;
    new LabExpiry(stack, 'E', { expiresAt: '2026-05-04T17:00:00', action: 'stop', instances: [instance] });
    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: { Input: '{"InstanceIds":["i-0123456789abcdef0"]}' },
    });
  });
});
