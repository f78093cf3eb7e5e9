import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkshopApp } from '../../../lib/app/build-workshop-app';
import { pricedInstanceTypes } from '../../../lib/cost/prices';
import { EXPIRY_TARGETS } from '../../../lib/expiry/lab-expiry';
import { SelfContainedLabStack } from '../../../lib/stacks/self-contained-stack';
import { selfContainedSynthesizer, workshopStudioSynthesizer } from '../../../lib/stacks/synthesizers';
import { acknowledgements, FIXTURE_STEPS, nagFindings, newApp } from '../../fixtures/cdk';

/** Text that only a template needing `cdk bootstrap` or CDK assets contains. */
const BOOTSTRAP_MARKERS = ['BootstrapVersion', 'CheckBootstrapVersion', 'AssetParameters', 'cdk-hnb659fds', 'cdk.out', 'aws-cdk/assets'];

/** The self-contained template with the built-in lab files (sizes are the real ones), synthesized once. */
function selfContained(workshopStudio = false) {
  const app = newApp();
  const stack = new SelfContainedLabStack(app, 'ContainerNetworksLab', {
    workshopStudio,
    synthesizer: workshopStudio ? workshopStudioSynthesizer() : selfContainedSynthesizer(),
  });
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  return { app, stack, artifact, bytes: fs.statSync(path.join(assembly.directory, artifact.templateFile)).size };
}

describe('self-contained template (npm run template)', () => {
  let app: ReturnType<typeof selfContained>['app'];
  let artifact: ReturnType<typeof selfContained>['artifact'];
  let bytes: number;
  let json: any;
  let text: string;
  let template: Template;
  beforeAll(() => {
    ({ app, artifact, bytes } = selfContained());
    json = artifact.template;
    text = JSON.stringify(json);
    template = Template.fromJSON(json);
  });

  test('stack tags in the cloud assembly manifest (applied by cdk deploy) hold no unresolved token', () => {
    expect(artifact.tags).toEqual({ workshop: 'container-networks' });
    expect(JSON.stringify(app.synth().getStackByName('ContainerNetworksLab').tags)).not.toContain('${Token');
  });

  test('no asset and no bootstrap reference: deployable from the console in any account', () => {
    expect(artifact.assets).toEqual([]);
    for (const marker of BOOTSTRAP_MARKERS) {
      expect([marker, text.includes(marker)]).toEqual([marker, false]);
    }
    expect(json.Rules).toBeUndefined();
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual([]);
    expect(Object.values(json.Resources).filter((resource: any) => resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource')).toEqual([]);
  });

  test('under 1 MB (over 51,200 bytes, so the console stores it in S3 for you)', () => {
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(bytes).toBeGreaterThan(51_200);
  });

  test('parameters: SshCidr (empty = no SSH), InstanceType (priced types), Topologies, ExpiresAt (empty = never)', () => {
    expect(Object.keys(json.Parameters).filter((name) => !name.startsWith('SsmParameterValue')).sort())
      .toEqual(['ExpiresAt', 'InstanceType', 'SshCidr', 'Topologies']);
    expect(json.Parameters.SshCidr.Default).toBe('');
    const sshPattern = new RegExp(json.Parameters.SshCidr.AllowedPattern);
    expect(['', '203.0.113.0/24', '198.51.100.7/32'].every((value) => sshPattern.test(value))).toBe(true);
    expect(['0.0.0.0/0', 'my-laptop', '10.0.0.0/33'].some((value) => sshPattern.test(value))).toBe(false);
    // issue 11.8: no address part above 255, nothing wider than a /16 (the template has no allowSshFromAnywhere)
    for (const refused of ['256.1.1.1/32', '203.0.113.999/32', '1.2.3.300/24', '0.0.0.0/1', '10.0.0.0/8', '10.0.0.0/15', '01.2.3.4/32']) {
      expect([refused, sshPattern.test(refused)]).toEqual([refused, false]);
    }
    for (const accepted of ['255.255.255.255/32', '10.20.0.0/16', '0.0.0.0/16', '192.0.2.0/31']) {
      expect([accepted, sshPattern.test(accepted)]).toEqual([accepted, true]);
    }
    expect(json.Parameters.InstanceType).toMatchObject({ Default: 'measured', AllowedValues: ['measured', ...pricedInstanceTypes()] });
    expect(json.Parameters.Topologies).toMatchObject({ Default: 'both', AllowedValues: ['both', 'single', 'multi'] });
    expect(json.Parameters.ExpiresAt.Default).toBe('');
    expect(new RegExp(json.Parameters.ExpiresAt.AllowedPattern).test('2026-05-04T18:00:00')).toBe(true);
  });

  test('topologies and SSH through conditions: every host and SSH rule is conditional; the key pair is always there (issue 11.7)', () => {
    const instances = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(instances.map((instance) => instance.Condition)).toEqual(['HasSingle', 'HasMulti', 'HasMulti']);
    const keyPairId = Object.keys(template.findResources('AWS::EC2::KeyPair'))[0];
    for (const [index, instance] of instances.entries()) {
      // The same KeyName whatever SshCidr is: turning SSH on or off (a parameter update) never replaces a host.
      expect(instance.Properties.KeyName).toEqual({ Ref: keyPairId });
      // InstanceType 'measured' (the default): each kind of host at its measured size.
      expect(instance.Properties.InstanceType).toEqual({ 'Fn::If': ['MeasuredSizes', index === 0 ? 't3.medium' : 't3.micro', { Ref: 'InstanceType' }] });
    }
    expect(template.toJSON().Conditions.MeasuredSizes).toEqual({ 'Fn::Equals': [{ Ref: 'InstanceType' }, 'measured'] });
    expect(JSON.stringify(instances)).not.toContain('HasSsh');
    expect(Object.values(template.findResources('AWS::EC2::KeyPair')).map((keyPair) => keyPair.Condition)).toEqual([undefined]);
    // Named after the deployed stack, so every attendee stack in one account and region gets its own key pair.
    expect(Object.values(template.findResources('AWS::EC2::KeyPair')).map((keyPair) => keyPair.Properties.KeyName))
      .toEqual([{ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-lab-key']] }]);
    const ssh = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 22 } }));
    expect(ssh.map((rule) => rule.Condition)).toEqual(['SingleSsh', 'MultiSsh', 'MultiSsh']);
    for (const rule of ssh) {
      expect(rule.Properties.CidrIp).toEqual({ Ref: 'SshCidr' });
    }
  });

  test('the attendee is the stack name; expiry stops the hosts at ExpiresAt', () => {
    const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
    expect(instance.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'attendee', Value: { Ref: 'AWS::StackName' } }]));
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.map((schedule) => schedule.Condition)).toEqual(['SingleExpiry', 'MultiExpiry']);
    for (const schedule of schedules) {
      expect(schedule.Properties.ScheduleExpression).toEqual({ 'Fn::Join': ['', ['at(', { Ref: 'ExpiresAt' }, ')']] });
      expect(schedule.Properties.Target.Arn).toBe(EXPIRY_TARGETS.stop);
    }
  });

  test('the workshop part: one VPC, no NAT gateway, no Elastic IP, the step documents', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(Object.keys(template.findResources('AWS::SSM::Document')).length).toBeGreaterThanOrEqual(3);
  });

  test('cost per attendee-hour for the chosen type and topologies', () => {
    expect(json.Outputs.CostPerHour.Value).toEqual({ 'Fn::FindInMap': ['CostPerAttendeeHour', { Ref: 'InstanceType' }, { Ref: 'Topologies' }] });
    expect(json.Mappings.CostPerAttendeeHour['t3.large'].both).toBe('USD 0.2672 per hour while running');
    expect(json.Mappings.CostPerAttendeeHour['t3.small'].both).toBe('USD 0.0800 per hour while running');
    // The default, each kind at its measured size: t3.medium single host, two t3.micro multi-host hosts.
    expect(json.Mappings.CostPerAttendeeHour.measured).toEqual({
      single: 'USD 0.0475 per hour while running', multi: 'USD 0.0326 per hour while running', both: 'USD 0.0800 per hour while running',
    });
  });

  test('cdk-nag: no findings; every acknowledgement has a reason', () => {
    expect(nagFindings(app)).toEqual([]);
    for (const ack of acknowledgements(app)) {
      expect(ack.reason.trim()).not.toBe('');
    }
  });
});

describe('AWS Workshop Studio', () => {
  test('self-contained template: AssetsBucketName and AssetsBucketPrefix parameters, no bootstrap reference', () => {
    const { artifact } = selfContained(true);
    expect(Object.keys(artifact.template.Parameters)).toEqual(expect.arrayContaining(['AssetsBucketName', 'AssetsBucketPrefix']));
    const text = JSON.stringify(artifact.template);
    for (const marker of BOOTSTRAP_MARKERS) {
      expect([marker, text.includes(marker)]).toEqual([marker, false]);
    }
    expect(artifact.assets).toEqual([]);
  });

  test('the app with -c workshopStudio=true: every template without bootstrap references, with the two parameters', () => {
    const app = newApp({ workshopStudio: 'true', attendees: 'alice,bob' });
    buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now: new Date('2026-05-04T08:00:00Z') });
    const assembly = app.synth();
    expect(assembly.stacks).toHaveLength(3);
    for (const artifact of assembly.stacks) {
      const text = JSON.stringify(artifact.template);
      for (const marker of ['BootstrapVersion', 'CheckBootstrapVersion', 'AssetParameters']) {
        expect([artifact.stackName, marker, text.includes(marker)]).toEqual([artifact.stackName, marker, false]);
      }
      expect(Object.keys(artifact.template.Parameters)).toEqual(expect.arrayContaining(['AssetsBucketName', 'AssetsBucketPrefix']));
      expect(artifact.assets).toEqual([]);
    }
  });

  test('without the option the app keeps the bootstrap version check (cdk deploy needs cdk bootstrap)', () => {
    const app = newApp();
    buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now: new Date('2026-05-04T08:00:00Z') });
    for (const artifact of app.synth().stacks) {
      expect(artifact.template.Parameters.BootstrapVersion).toBeDefined();
    }
  });

  test('the self-contained synthesizer refuses assets', () => {
    const app = newApp();
    const stack = new SelfContainedLabStack(app, 'T', { stepsDirectory: FIXTURE_STEPS, synthesizer: selfContainedSynthesizer() });
    expect(() => stack.synthesizer.addFileAsset({ sourceHash: 'x', fileName: 'x' })).toThrow(/BootstraplessSynthesizer|assets/i);
  });
});
