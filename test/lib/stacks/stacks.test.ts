import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { AttendeeStack } from '../../../lib/stacks/attendee-stack';
import { WorkshopStack } from '../../../lib/stacks/workshop-stack';
import { acknowledgements, FIXTURE_STEPS, nagFindings, newApp } from '../../fixtures/cdk';

function fixtureApp(context: Record<string, unknown> = {}) {
  const app = newApp({ expiresAt: '2026-05-04T18:00:00Z', ...context });
  return { app, ...buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS }) };
}

/** Every template of an app, synthesized once. */
function templates(stacks: readonly Stack[]): Template[] {
  return stacks.map((stack) => Template.fromStack(stack));
}

describe('WorkshopStack', () => {
  test('the lab network and three documents per step found in the steps folder', () => {
    const { workshop } = fixtureApp();
    const template = Template.fromStack(workshop);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::SSM::Document', 6);
    for (const name of ['01-first-step', '06-across-hosts']) {
      for (const action of ['run', 'check', 'reset']) {
        template.hasResourceProperties('AWS::SSM::Document', { Name: `container-networks-${name}-${action}` });
      }
    }
    template.hasResourceProperties('AWS::EC2::VPC', { Tags: Match.arrayWith([{ Key: 'workshop', Value: 'container-networks' }]) });
    expect(workshop.stackName).toBe('container-networks');
  });

  test.each(['Workshop', 'aws-lab', `a${'b'.repeat(31)}`])('rejects the workshop name %j', (workshopName) => {
    expect(() => new WorkshopStack(newApp(), 'W', { workshopName, stepsDirectory: FIXTURE_STEPS })).toThrow(`'workshopName' is ${JSON.stringify(workshopName)}`);
  });
});

describe('AttendeeStack', () => {
  test('default: one single host and two multi hosts, tagged, with outputs; no SSH (the key pair is there, port 22 closed)', () => {
    const { attendees } = fixtureApp();
    expect(attendees.map((stack) => stack.stackName)).toEqual(['container-networks-attendee1']);
    const template = Template.fromStack(attendees[0]);
    template.resourceCountIs('AWS::EC2::Instance', 3);
    template.resourceCountIs('AWS::EC2::KeyPair', 1);
    for (const [index, instance] of Object.values(template.findResources('AWS::EC2::Instance')).entries()) {
      const tags = Object.fromEntries((instance.Properties.Tags as Array<{ Key: string; Value: string }>).map((tag) => [tag.Key, tag.Value]));
      expect(tags).toMatchObject({ 'workshop': 'container-networks', 'attendee': 'attendee1' });
      expect(tags['cnlab:topology']).toBe(index === 0 ? 'single' : 'multi');
      expect(tags['cnlab:host-index']).toBe(String(index === 0 ? 1 : index));
    }
    template.allResourcesProperties('AWS::EC2::SecurityGroup', { Tags: Match.arrayWith([{ Key: 'attendee', Value: 'attendee1' }]) });
    // No port 22 anywhere: not in a group's inline rules, not as a rule resource of its own.
    const port22 = Match.objectLike({ FromPort: Match.anyValue() });
    expect(template.findResources('AWS::EC2::SecurityGroup', { Properties: { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 22 })]) } })).toEqual({});
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: Match.objectLike({ FromPort: 22 }) })).toEqual({});
    expect(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: port22 })).not.toEqual({}); // the tunnel rules are there, so the search works
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual([
      'AccessGroup', 'CostPerHour', 'Expiry',
      'MultiHost1InstanceId', 'MultiHost1PrivateIp', 'MultiHost1PublicIp', 'MultiHost1SessionUrl',
      'MultiHost2InstanceId', 'MultiHost2PrivateIp', 'MultiHost2PublicIp', 'MultiHost2SessionUrl',
      'MultiHostAddresses',
      'SingleHostInstanceId', 'SingleHostPrivateIp', 'SingleHostPublicIp', 'SingleHostSessionUrl',
      'SshKeyCommand',
    ]);
    const stack = attendees[0];
    const instanceIds = Object.keys(template.findResources('AWS::EC2::Instance'));
    expect(outputs.MultiHostAddresses.Value).toEqual({
      'Fn::Join': [',', [{ 'Fn::GetAtt': [instanceIds[1], 'PrivateIp'] }, { 'Fn::GetAtt': [instanceIds[2], 'PrivateIp'] }]],
    });
    expect(outputs.SingleHostSessionUrl.Value).toEqual({
      'Fn::Join': ['', [
        'https://', { Ref: 'AWS::Region' }, '.console.aws.amazon.com/systems-manager/session-manager/', { Ref: instanceIds[0] },
        '?region=', { Ref: 'AWS::Region' },
      ]],
    });
    expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['container-networks']);
  });

  test('with sshCidr: a key pair named after its stack, port 22 from exactly that CIDR, SSH and key outputs', () => {
    const { attendees } = fixtureApp({ sshCidr: '198.51.100.0/24', hostOs: 'ubuntu-24.04', attendees: 'alice,bob' });
    const [alice] = templates(attendees);
    alice.resourceCountIs('AWS::EC2::KeyPair', 1);
    const keyPair = Object.values(alice.findResources('AWS::EC2::KeyPair'))[0];
    expect(keyPair.Properties.KeyName).toBe('container-networks-alice-lab-key');
    const bobKeyPair = Object.values(Template.fromStack(attendees[1]).findResources('AWS::EC2::KeyPair'))[0];
    expect(bobKeyPair.Properties.KeyName).toBe('container-networks-bob-lab-key');
    const sshRules = Object.values(alice.findResources('AWS::EC2::SecurityGroup'))
      .flatMap((group) => (group.Properties.SecurityGroupIngress ?? []) as Array<Record<string, unknown>>);
    expect(sshRules).toHaveLength(3);
    for (const rule of sshRules) {
      expect(rule).toMatchObject({ CidrIp: '198.51.100.0/24', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' });
    }
    const outputs = alice.toJSON().Outputs;
    const keyPairId = Object.keys(alice.findResources('AWS::EC2::KeyPair'))[0];
    // issue 11.10: the key file is never readable by others, not even for a moment (umask, in a subshell)
    expect(outputs.SshKeyCommand.Value).toEqual({
      'Fn::Join': ['', ['(umask 077 && aws ssm get-parameter --name /ec2/keypair/', { 'Fn::GetAtt': [keyPairId, 'KeyPairId'] },
        ' --with-decryption --query Parameter.Value --output text > key.pem)']],
    });
    expect(outputs.SingleHostSshCommand.Value).toEqual({
      'Fn::Join': ['', ['ssh -i key.pem ubuntu@', { 'Fn::GetAtt': [Object.keys(alice.findResources('AWS::EC2::Instance'))[0], 'PublicIp'] }]],
    });
  });

  test('amiId pins the image on every host, with no AMI parameter', () => {
    const template = Template.fromStack(fixtureApp({ amiId: 'ami-0123456789abcdef0' }).attendees[0]);
    template.allResourcesProperties('AWS::EC2::Instance', { ImageId: 'ami-0123456789abcdef0' });
    expect(Object.keys(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' }))).toEqual([]);
  });

  test('topologies and multiHostCount are honoured', () => {
    const single = fixtureApp({ topologies: 'single' }).attendees[0];
    Template.fromStack(single).resourceCountIs('AWS::EC2::Instance', 1);
    expect(Object.keys(single.topologies)).toEqual(['single']);
    const multi = fixtureApp({ topologies: 'multi', multiHostCount: '4' }).attendees[0];
    Template.fromStack(multi).resourceCountIs('AWS::EC2::Instance', 4);
    expect(Object.keys(multi.topologies)).toEqual(['multi']);
  });

  test.each([
    [{ attendee: 'Bob' }, `'attendee' is "Bob"`],
    [{ hostCounts: { multi: 9 } }, `'hostCounts.multi' is 9; allowed: a whole number from 2 to 8`],
    [{ workshopName: 'aws-lab' }, `'workshopName' is "aws-lab"; allowed: a lower case letter, then up to 30 lower case letters, digits or dashes, not starting with aws`],
    [{ topologies: [] }, `'topologies' is []`],
    [{ sshCidr: '0.0.0.0/0' }, `'sshCidr' is "0.0.0.0/0"; allowed: a CIDR of /16 or narrower, such as 203.0.113.0/24 (a wider one, up to 0.0.0.0/0, also needs 'allowSshFromAnywhere'=true)`],
    [{ sshCidr: '0.0.0.0/1' }, `'sshCidr' is "0.0.0.0/1"; allowed: a CIDR of /16 or narrower`],
    [{ sshCidr: '10.0.0.1/8' }, 'host bits are set'],
  ])('rejects %j', (props, message) => {
    const app = newApp();
    const workshop = new WorkshopStack(app, 'W', { stepsDirectory: FIXTURE_STEPS });
    expect(() => new AttendeeStack(app, 'A', { vpc: workshop.vpc, attendee: 'alice', stepsDirectory: FIXTURE_STEPS, ...props })).toThrow(message);
  });
});

describe('issue 11.7: turning SSH on or off does not replace hosts', () => {
  test('instance properties (KeyName included) are identical with and without sshCidr; only security group rules differ', () => {
    const without = Template.fromStack(fixtureApp().attendees[0]).toJSON();
    const withSsh = Template.fromStack(fixtureApp({ sshCidr: '198.51.100.0/24' }).attendees[0]).toJSON();
    const instances = (template: any) => Object.fromEntries(Object.entries(template.Resources as Record<string, any>)
      .filter(([, resource]) => resource.Type === 'AWS::EC2::Instance'));
    expect(Object.keys(instances(without))).toHaveLength(3);
    expect(instances(withSsh)).toEqual(instances(without));
    for (const instance of Object.values(instances(without))) {
      expect((instance as any).Properties.KeyName).toEqual({ Ref: expect.stringMatching(/^KeyPair/) });
    }
    const changed = Object.keys(withSsh.Resources).filter((id) => JSON.stringify(withSsh.Resources[id]) !== JSON.stringify(without.Resources[id]));
    expect(changed.map((id) => withSsh.Resources[id].Type)).toEqual(['AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroup']);
    expect(Object.keys(withSsh.Resources).sort()).toEqual(Object.keys(without.Resources).sort());
  });
});

describe('issue 11.6: attendees spread over the subnets, an attendee\'s hosts stay together', () => {
  test('each attendee\'s hosts share one subnet; the attendees use both of the VPC\'s subnets', () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    const { attendees } = fixtureApp({ attendees: names.join(',') });
    const subnetOf = new Map<string, string>();
    for (const stack of attendees) {
      const subnets = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'))
        .map((instance) => JSON.stringify(instance.Properties.SubnetId));
      expect(subnets).toHaveLength(3);
      expect(new Set(subnets).size).toBe(1);
      subnetOf.set(stack.attendee, subnets[0]);
    }
    expect(new Set(subnetOf.values()).size).toBe(2);
    // Stable: an attendee keeps their subnet when others are added (a hash of the name, not the position).
    const again = fixtureApp({ attendees: ['zoe', ...names.slice(0, 4)].join(',') }).attendees;
    for (const stack of again.filter((candidate) => candidate.attendee !== 'zoe')) {
      const [instance] = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'));
      expect([stack.attendee, JSON.stringify(instance.Properties.SubnetId)]).toEqual([stack.attendee, subnetOf.get(stack.attendee)]);
    }
  });
});

describe('issue 11.2: an attendee reaches only their own hosts and their own key', () => {
  const policyOf = (template: Template): any => Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0];
  let alice: Template;
  let bob: Template;
  beforeAll(() => {
    const { attendees } = fixtureApp({ attendees: 'alice,bob' });
    [alice, bob] = templates(attendees);
  });

  test.each([['alice', () => alice], ['bob', () => bob]] as const)('%s: a policy on the workshop path, in a group of that name', (attendee, template) => {
    template().resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const policy = policyOf(template());
    expect(policy.Properties).toMatchObject({ ManagedPolicyName: `container-networks-${attendee}-access`, Path: '/cnlab/container-networks/' });
    const [groupId, group] = Object.entries(template().findResources('AWS::IAM::Group'))[0];
    expect(group.Properties).toMatchObject({ GroupName: `container-networks-${attendee}`, Path: '/cnlab/container-networks/' });
    expect(JSON.stringify(group.Properties.ManagedPolicyArns)).toContain(Object.keys(template().findResources('AWS::IAM::ManagedPolicy'))[0]);
    expect(template().toJSON().Outputs.AccessGroup.Value).toEqual({ Ref: groupId });
  });

  test.each([['alice', () => alice], ['bob', () => bob]] as const)('%s: sessions only on instances tagged with this workshop and this attendee', (attendee, template) => {
    const statements: any[] = policyOf(template()).Properties.PolicyDocument.Statement;
    const onInstances = statements.filter((statement) => JSON.stringify(statement.Resource).includes(':instance/'));
    expect(onInstances).toHaveLength(1);
    expect(onInstances[0]).toMatchObject({
      Action: 'ssm:StartSession',
      Condition: {
        StringEquals: { 'aws:ResourceTag/workshop': 'container-networks', 'aws:ResourceTag/attendee': attendee },
        BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
      },
    });
    // Every other StartSession is on the shell document only; sessions are resumed and ended only if they are the caller's own.
    for (const statement of statements.filter((candidate) => [candidate.Action].flat().includes('ssm:StartSession') && candidate !== onInstances[0])) {
      expect(JSON.stringify(statement.Resource)).toMatch(/:document\/SSM-SessionManagerRunShell"/);
    }
    const own = statements.find((statement) => [statement.Action].flat().includes('ssm:TerminateSession'));
    expect(own.Action).toEqual(['ssm:ResumeSession', 'ssm:TerminateSession']);
    expect(JSON.stringify(own.Resource)).toContain(':session/${aws:username}-*');
    expect(JSON.stringify(own.Resource)).toContain(':session/${aws:userid}-*');
  });

  test('CloudShell, where the card\'s key command runs with the attendee\'s own credentials: environments only, no other CloudShell or IAM action', () => {
    const statements: any[] = policyOf(alice).Properties.PolicyDocument.Statement;
    const shell = statements.filter((statement) => JSON.stringify(statement.Action).includes('cloudshell:'));
    expect(shell).toHaveLength(1);
    expect(shell[0].Action).toEqual(['cloudshell:CreateEnvironment', 'cloudshell:CreateSession', 'cloudshell:DescribeEnvironments',
      'cloudshell:GetEnvironmentStatus', 'cloudshell:PutCredentials', 'cloudshell:StartEnvironment']); // the CDK sorts actions
    expect(JSON.stringify(shell[0].Resource)).toContain(':environment/*');
    expect(JSON.stringify(statements)).not.toMatch(/"iam:CreateAccessKey"|"cloudshell:\*"/);
  });

  test('each reads exactly their own key parameter: alice\'s policy names alice\'s key pair, bob\'s names bob\'s', () => {
    for (const template of [alice, bob]) {
      const statements: any[] = policyOf(template).Properties.PolicyDocument.Statement;
      const reads = statements.filter((statement) => JSON.stringify(statement.Action).includes('ssm:GetParameter'));
      expect(reads).toHaveLength(1);
      const keyPairId = Object.keys(template.findResources('AWS::EC2::KeyPair'))[0];
      expect(reads[0].Action).toBe('ssm:GetParameter');
      expect(JSON.stringify(reads[0].Resource)).toBe(JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
        ':parameter/ec2/keypair/', { 'Fn::GetAtt': [keyPairId, 'KeyPairId'] }]] }));
      // Nothing else of SSM beyond sessions and the console's lists: no SendCommand, no other parameter.
      expect(JSON.stringify(statements)).not.toMatch(/"ssm:(SendCommand|GetParameters|GetParametersByPath|\*)"/);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  test('zero findings on every stack, with and without SSH; every acknowledgement has a reason', () => {
    for (const context of [{}, { sshCidr: '203.0.113.0/24' }, { sshCidr: '0.0.0.0/0', allowSshFromAnywhere: 'true' }]) {
      const { app } = fixtureApp({ attendees: 'alice,bob', ...context });
      expect(nagFindings(app)).toEqual([]);
      for (const ack of acknowledgements(app)) {
        expect(ack.reason.trim()).not.toBe('');
      }
    }
  });

  test.each([
    ['on: a violation of either pack fails the synth', true],
    ['off (nag: false): the same app synthesizes', false],
  ])('registered on the app by buildWorkshopApp, %s', (_what, nag) => {
    for (const [rule, addViolation] of [
      ['AwsSolutions-S1', (built: ReturnType<typeof buildWorkshopApp>) => new s3.Bucket(built.workshop, 'Unlogged', { enforceSSL: true })],
      ['Workshop-NoEipNoNat', (built: ReturnType<typeof buildWorkshopApp>) => new ec2.CfnEIP(built.attendees[0], 'Eip')],
    ] as const) {
      const app = newApp();
      const built = buildWorkshopApp(app, { stepsDirectory: FIXTURE_STEPS, nag });
      addViolation(built);
      if (nag) {
        expect(() => app.synth()).toThrow(rule);
      } else {
        expect(() => app.synth()).not.toThrow();
      }
    }
  });
});
