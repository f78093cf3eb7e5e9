import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { FixedLinuxImage } from '../../../lib/host/fixed-linux-image';
import { HostComponent } from '../../../lib/host/host-component';
import { LabHost, LabHostProps } from '../../../lib/host/lab-host';
import { USER_DATA_LIMIT } from '../../../lib/host/private/user-data';
import { acknowledgements, FIXTURE_STEPS, FIXTURE_USER_DATA, FIXTURES, nagFindings, networkStack, renderTemplateValue } from '../../fixtures/cdk';

function hostTemplate(props: Partial<LabHostProps> = {}): { template: Template; host: LabHost; stack: Stack } {
  const { stack, vpc } = networkStack();
  const host = new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA, ...props });
  return { template: Template.fromStack(stack), host, stack };
}

/** The shared files resources of a template: wait condition handles that carry cfn-init metadata (not the readiness handles). */
function filesResources(template: Template): Record<string, any> {
  return template.findResources('AWS::CloudFormation::WaitConditionHandle', { Metadata: Match.objectLike({ 'AWS::CloudFormation::Init': Match.anyValue() }) });
}

function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  expect(values).toHaveLength(1);
  return values[0];
}

describe('LabHost', () => {
  test('boots the current AMI of the default OS (Debian 13) from the public SSM parameter, t3.medium by default', () => {
    const { template } = hostTemplate();
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: 'resolve:ssm:/aws/service/debian/release/13/latest/amd64',
      InstanceType: 't3.medium',
    });
  });

  test.each([
    ['debian-13', 't4g.large', '/aws/service/debian/release/13/latest/arm64'],
    ['ubuntu-24.04', 'm7g.xlarge', '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id'],
    ['debian-13', 'm7i.large', '/aws/service/debian/release/13/latest/amd64'],
  ] as const)('%s on %s boots the image of the instance type\'s architecture: %s (issue 11.8)', (hostOs, instanceType, parameter) => {
    hostTemplate({ hostOs, instanceType: new ec2.InstanceType(instanceType) }).template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: `resolve:ssm:${parameter}`, InstanceType: instanceType,
    });
  });

  test('the host may read its own tags from the instance metadata (expiry warnings), and its instance profile sits on the given IAM path', () => {
    const { template } = hostTemplate({ instanceProfilePath: '/cnlab/container-networks/' });
    template.hasResourceProperties('AWS::EC2::Instance', { MetadataOptions: Match.objectLike({ InstanceMetadataTags: 'enabled', HttpTokens: 'required' }) });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/cnlab/container-networks/' });
    expect(() => hostTemplate({ instanceProfilePath: 'cnlab' })).toThrow(`'instanceProfilePath' is "cnlab"; allowed: an IAM path that starts and ends with /`);
  });

  test('resolves the AMI parameter at launch, not through a template parameter a redeploy would re-read', () => {
    const { template } = hostTemplate();
    expect(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' })).toEqual({});
    expect(template.findParameters('*', { Default: Match.stringLikeRegexp('^/aws/service/') })).toEqual({});
  });

  test('tells cfn-lint that the resolve:ssm: ImageId is no AMI id (E1152), and only then', () => {
    const { template } = hostTemplate();
    template.hasResource('AWS::EC2::Instance', { Metadata: Match.objectLike({ 'cfn-lint': { config: { ignore_checks: ['E1152'] } } }) });
    const pinned = hostTemplate({ machineImage: new FixedLinuxImage('ami-0123456789abcdef0') }).template;
    const instance = only(pinned.findResources('AWS::EC2::Instance'));
    expect(instance.Metadata?.['cfn-lint']).toBeUndefined();
  });

  test('requires IMDSv2 on the instance, with no launch template', () => {
    const { template } = hostTemplate();
    template.hasResourceProperties('AWS::EC2::Instance', {
      MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
    });
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
  });

  test('sizes and encrypts the root volume on the OS root device: /dev/xvda for Debian (the default)', () => {
    const { template } = hostTemplate({ rootVolumeGiB: 40 });
    template.hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [{
        DeviceName: '/dev/xvda',
        Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 40, DeleteOnTermination: true },
      }],
    });
  });

  test('Debian 13 by default: Debian AMI parameter, /dev/xvda root, admin user, HOST_OS in user data', () => {
    const { template, host } = hostTemplate({});
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: 'resolve:ssm:/aws/service/debian/release/13/latest/amd64',
      BlockDeviceMappings: [Match.objectLike({ DeviceName: '/dev/xvda' })],
    });
    expect(host.hostOs).toBe('debian-13');
    expect(host.sshUser).toBe('admin');
    const instance = only(template.findResources('AWS::EC2::Instance'));
    expect(renderTemplateValue(instance.Properties.UserData)).toContain('host os: debian-13');
  });

  test('Ubuntu 24.04: Canonical AMI parameter, /dev/sda1 root, ubuntu user', () => {
    const { template, host } = hostTemplate({ hostOs: 'ubuntu-24.04' });
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: 'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
      BlockDeviceMappings: [Match.objectLike({ DeviceName: '/dev/sda1' })],
    });
    expect(host.sshUser).toBe('ubuntu');
  });

  test.each([['debian-13', 'admin'], ['ubuntu-24.04', 'ubuntu']] as const)('a %s host carries its login user in the tag cnlab:login-user (%s), for the lab command\'s cards', (hostOs, user) => {
    const { template } = hostTemplate({ hostOs });
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: 'cnlab:login-user', Value: user }]) });
  });

  test('takes an injected machine image instead of the public parameter', () => {
    const { template } = hostTemplate({ machineImage: ec2.MachineImage.fromSsmParameter('/lab/pinned-ami') });
    const parameters = Object.values(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' }));
    expect(parameters.map((parameter) => parameter.Default)).toEqual(['/lab/pinned-ami']);
  });

  test('role: exactly AmazonSSMManagedInstanceCore plus DescribeStackResource and SignalResource on its own stack, and no Parameter Store reads (issue 11.1)', () => {
    const { template } = hostTemplate();
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] } },
    });
    const [roleId, role] = Object.entries(roles)[0];
    expect(Object.keys(roles)).toHaveLength(1);
    expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns[0])).toContain(':iam::aws:policy/AmazonSSMManagedInstanceCore');
    expect(role.Properties.Policies).toEqual([{
      PolicyName: 'OwnStack',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'CfnInitAndSignal',
          Effect: 'Allow',
          Action: ['cloudformation:DescribeStackResource', 'cloudformation:SignalResource'],
          Resource: { Ref: 'AWS::StackId' },
        }],
      },
    }, {
      // Attendees are root on the host and so hold this role: AmazonSSMManagedInstanceCore would let them
      // read every parameter, every attendee's SSH private key among them. An explicit Deny wins over it.
      PolicyName: 'NoParameterReads',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'NoParameterStoreReads',
          Effect: 'Deny',
          Action: ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
          Resource: '*',
        }],
      },
    }]);
    // no other policy attached to the host role
    const attached = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId));
    expect(attached).toEqual([]);
  });

  test('no inbound rule unless SSH is allowed, then exactly the given CIDR on port 22', () => {
    const closed = hostTemplate().template;
    const group = only(closed.findResources('AWS::EC2::SecurityGroup'));
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    closed.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);

    const { stack, vpc } = networkStack();
    const host = new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    host.allowSshAccessFrom(ec2.Peer.ipv4('203.0.113.0/24'));
    const open = only(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'));
    expect(open.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '203.0.113.0/24', Description: 'SSH to the lab host', FromPort: 22, IpProtocol: 'tcp', ToPort: 22 },
    ]);
  });

  test('creation policy waits for one signal for the readiness timeout: 30 minutes by default, room for a busy morning (issue 11.5)', () => {
    expect(only(hostTemplate().template.findResources('AWS::EC2::Instance')).CreationPolicy)
      .toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT30M' } });
    expect(only(hostTemplate({ readinessTimeout: Duration.minutes(40) }).template.findResources('AWS::EC2::Instance')).CreationPolicy)
      .toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT40M' } });
  });

  test('user data: placeholders filled with the stack, the files resource, the instance and the region; no /opt/aws lines added by CDK', () => {
    const { template } = hostTemplate();
    const [instanceId, instance] = Object.entries(template.findResources('AWS::EC2::Instance'))[0];
    const [filesId] = Object.keys(filesResources(template));
    const [handleId] = Object.keys(template.findResources('AWS::CloudFormation::WaitConditionHandle', { Metadata: Match.absent() }));
    const userData = renderTemplateValue(instance.Properties.UserData);
    expect(userData).toBe(fs.readFileSync(FIXTURE_USER_DATA, 'utf8')
      .replace(/@@STACK_NAME@@/g, '${AWS::StackName}')
      .replace(/@@REGION@@/g, '${AWS::Region}')
      .replace(/@@INIT_RESOURCE@@/g, filesId)
      .replace(/@@LOGICAL_ID@@/g, instanceId)
      .replace(/@@CONFIGSETS@@/g, 'default')
      .replace(/@@HOST_OS@@/g, 'debian-13')
      .replace(/@@WAIT_HANDLE@@/g, `\${${handleId}}`));
    expect(instance.DependsOn).toContain(filesId);
  });

  test('issue 11.5: a wait condition per host, on the handle its user data signals with its reason, waiting the readiness timeout after the instance', () => {
    const { template } = hostTemplate({ readinessTimeout: Duration.minutes(45) });
    const [instanceId] = Object.keys(template.findResources('AWS::EC2::Instance'));
    const [handleId] = Object.keys(template.findResources('AWS::CloudFormation::WaitConditionHandle', { Metadata: Match.absent() }));
    const condition = only(template.findResources('AWS::CloudFormation::WaitCondition'));
    expect(condition).toMatchObject({ Properties: { Handle: { Ref: handleId }, Count: 1, Timeout: '2700' }, DependsOn: [instanceId] });
    // A user data template without @@WAIT_HANDLE@@ gets no wait condition (nothing would signal it).
    const own = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'user-data.sh');
    fs.writeFileSync(own, "#!/bin/bash\ncfn-init --stack '@@STACK_NAME@@' --resource '@@INIT_RESOURCE@@' --region '@@REGION@@'\n");
    hostTemplate({ userDataFile: own }).template.resourceCountIs('AWS::CloudFormation::WaitCondition', 0);
  });

  test('the real user data template fills, and stays under 16 KB with all components and the longest names', () => {
    const { stack, vpc } = networkStack();
    const host = new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS });
    expect(host.componentNames).toEqual(['lab-tools', 'expiry-notice', 'docker-engine', 'open-vswitch', 'pipework', 'lab-images']);
    expect(host.userDataBytes).toBeGreaterThan(0);
    expect(host.userDataBytes).toBeLessThanOrEqual(USER_DATA_LIMIT);
    const userData = renderTemplateValue(only(Template.fromStack(stack).findResources('AWS::EC2::Instance')).Properties.UserData);
    expect(userData).not.toMatch(/@@[A-Z_]+@@/);
    expect(userData).not.toContain('/opt/aws/bin/cfn-signal -e');
  });

  test('synth fails, naming the size, when the user data would exceed 16 KB', () => {
    const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'user-data.sh');
    fs.writeFileSync(big, `#!/bin/bash\n# ${'x'.repeat(16000)}\necho '@@STACK_NAME@@' '@@LOGICAL_ID@@' '@@INIT_RESOURCE@@'\n`);
    const { stack, vpc } = networkStack();
    expect(() => new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: big }))
      .toThrow(/user data is 16\d\d\d bytes .*EC2 allows 16384/);
  });

  test('an unknown placeholder in the user data template is an error', () => {
    const odd = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'user-data.sh');
    fs.writeFileSync(odd, '#!/bin/bash\necho @@NOT_A_THING@@\n');
    const { stack, vpc } = networkStack();
    expect(() => new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: odd })).toThrow(/@@NOT_A_THING@@/);
  });

  test('files: lab.sh, provision.sh, components with order, images and steps under /opt/container-networks', () => {
    const demo = HostComponent.fromScript({
      name: 'demo',
      installScript: path.join(FIXTURES, 'components', 'demo.sh'),
      checkScript: path.join(FIXTURES, 'components', 'demo.check.sh'),
    });
    const { template } = hostTemplate({ components: [HostComponent.labTools(), demo] });
    const handle = only(filesResources(template));
    const init = handle.Metadata['AWS::CloudFormation::Init'];
    expect(init.configSets).toEqual({ default: ['config'] });
    const files = init.config.files as Record<string, { content: string; mode: string }>;
    const home = '/opt/container-networks';
    expect(files[`${home}/components/order`].content).toBe('lab-tools\ndemo\n');
    expect(files[`${home}/components/demo.sh`].mode).toBe('000755');
    expect(files[`${home}/components/demo.check.sh`]).toBeDefined();
    expect(files[`${home}/lib/lab.sh`].mode).toBe('000644');
    expect(files[`${home}/provision.sh`].mode).toBe('000755');
    expect(files[`${home}/steps/06-across-hosts/step.json`]).toBeDefined();
    expect(files[`${home}/steps/01-first-step/run.sh`].mode).toBe('000755');
    expect(files[`${home}/images/hello/Dockerfile`]).toBeDefined();
  });

  test('a user data template without @@INIT_RESOURCE@@ gets the files on the instance itself', () => {
    const own = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'user-data.sh');
    fs.writeFileSync(own, "#!/bin/bash\ncfn-init --stack '@@STACK_NAME@@' --resource '@@LOGICAL_ID@@' --region '@@REGION@@'\n");
    const { template } = hostTemplate({ userDataFile: own });
    template.resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
    const [instanceId, instance] = Object.entries(template.findResources('AWS::EC2::Instance'))[0];
    expect(Object.keys(instance.Metadata['AWS::CloudFormation::Init'].config.files)).toContain('/opt/container-networks/provision.sh');
    expect(renderTemplateValue(instance.Properties.UserData)).toContain(`--resource '${instanceId}'`);
  });

  test('a component listed twice is an error', () => {
    const { stack, vpc } = networkStack();
    expect(() => new LabHost(stack, 'Host', {
      vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA, components: [HostComponent.labTools(), HostComponent.labTools()],
    })).toThrow("'components' lists 'lab-tools' twice");
  });

  test('the files resource keeps its logical id when a file changes (no host interruption on update)', () => {
    const changed = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'steps');
    fs.cpSync(FIXTURE_STEPS, changed, { recursive: true });
    fs.appendFileSync(path.join(changed, '01-first-step', 'run.sh'), 'show ip route\n');
    const filesId = (stepsDirectory: string): string[] =>
      Object.keys(filesResources(hostTemplate({ stepsDirectory }).template));
    expect(filesId(changed)).toEqual(filesId(FIXTURE_STEPS));
  });

  test('hosts with the same components but other files get their own copy', () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-')), 'steps');
    fs.cpSync(path.join(FIXTURE_STEPS, '01-first-step'), path.join(other, '01-first-step'), { recursive: true });
    const { stack, vpc } = networkStack();
    new LabHost(stack, 'One', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    new LabHost(stack, 'Two', { vpc, stepsDirectory: other, userDataFile: FIXTURE_USER_DATA });
    expect(Object.keys(filesResources(Template.fromStack(stack)))).toHaveLength(2);
  });

  test('hosts with the same files share one copy per stack', () => {
    const { stack, vpc } = networkStack();
    new LabHost(stack, 'One', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    new LabHost(stack, 'Two', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    expect(Object.keys(filesResources(Template.fromStack(stack)))).toHaveLength(1);
  });

  test('works where aws-ec2 and aws-iam take an instance or a grantee: rules land on its group, grants on its role', () => {
    const { stack, vpc } = networkStack();
    const host = new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    const asInstance: ec2.IInstance = host;
    asInstance.connections.allowFrom(ec2.Peer.ipv4('192.0.2.0/24'), ec2.Port.tcp(8080), 'web');
    new iam.Policy(stack, 'Extra', { statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: ['*'] })] }).attachToRole(host.role);
    host.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    const template = Template.fromStack(stack);
    const instanceId = stack.getLogicalId(host.instance.node.defaultChild as ec2.CfnInstance);
    const groupId = stack.getLogicalId(host.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    const roleId = stack.getLogicalId(host.role.node.defaultChild as iam.CfnRole);
    expect(template.toJSON().Resources[groupId].Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '192.0.2.0/24', Description: 'web', FromPort: 8080, IpProtocol: 'tcp', ToPort: 8080 },
    ]);
    template.hasResourceProperties('AWS::EC2::Instance', { SecurityGroupIds: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }] });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish' })]) },
    });
    expect(stack.resolve(host.instancePrivateIp)).toEqual({ 'Fn::GetAtt': [instanceId, 'PrivateIp'] });
    expect(stack.resolve(host.instanceId)).toEqual({ Ref: instanceId });
  });

  test.each([
    [{ rootVolumeGiB: 7 }, /'rootVolumeGiB' is 7; allowed: a whole number from 8 to 500/],
    [{ readinessTimeout: Duration.minutes(1) }, /'readinessTimeout' is 1 minute; allowed: 5 minutes to 12 hours/],
    [{ hostOs: 'centos-7' as never }, /'hostOs' is "centos-7"; allowed: debian-13, ubuntu-24.04/],
    [{ hostOs: 'debian-12' as never }, /'hostOs' is "debian-12"; allowed: debian-13, ubuntu-24.04 \(debian-12 was removed in 0.2.0.*use debian-13\)/],
    [{ components: [] }, /'components' is empty/],
    [{ rootDeviceName: 'sda1' }, /'rootDeviceName' is "sda1"/],
  ])('rejects bad props %#', (props, message) => {
    const { stack, vpc } = networkStack();
    expect(() => new LabHost(stack, 'Host', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA, ...props })).toThrow(message);
    // nothing half-created
    expect(stack.node.tryFindChild('Host')?.node.children ?? []).toHaveLength(0);
  });

  test('cdk-nag AwsSolutions: no findings, every acknowledgement has a reason', () => {
    const { stack, host } = hostTemplate();
    host.allowSshAccessFrom(ec2.Peer.ipv4('198.51.100.7/32'));
    expect(nagFindings(stack)).toEqual([]);
    const acks = acknowledgements(stack);
    expect(acks.map((ack) => ack.id)).toEqual(expect.arrayContaining([
      expect.stringContaining('AwsSolutions-IAM4'), expect.stringContaining('AwsSolutions-EC28'), expect.stringContaining('AwsSolutions-EC29'),
    ]));
    expect(acks.map((ack) => ack.id).join()).not.toContain('EC23');
    for (const ack of acks) {
      expect(ack.reason.trim().length).toBeGreaterThan(20);
    }
  });
});
