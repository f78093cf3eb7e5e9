import { App } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildWorkshopApp, WorkshopApp } from '../../../lib/app/build-workshop-app';
import { FIXTURE_STEPS, newApp, workshopRuleFindings } from '../../fixtures/cdk';

/**
 * What only many attendees in one account can show: the account-wide quotas
 * and the shape of a parallel deployment. Each stack's own invariants (no
 * Elastic IP or NAT gateway, tunnels only between an attendee's hosts,
 * template limits, user data size) are rules in lib/rules, run here over the
 * whole app. The app is synthesized once, with the small fixture steps and
 * without aws-cdk-lib's built-in validation, so 100 attendees take seconds.
 */
const ATTENDEES = 100;
const SSH_CIDR = '203.0.113.0/24';
const names = Array.from({ length: ATTENDEES }, (_, index) => `attendee${index + 1}`);

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
const resourcesOf = (artifact: cxapi.CloudFormationStackArtifact): Resources => artifact.template.Resources ?? {};

describe(`${ATTENDEES} attendees in one account`, () => {
  let app: App;
  let built: WorkshopApp;
  let assembly: cxapi.CloudAssembly;
  beforeAll(() => {
    app = newApp({ attendees: names.join(','), sshCidr: SSH_CIDR });
    built = buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now: new Date('2026-05-04T08:00:00Z') });
    assembly = app.synth();
  });
  const count = (type: string): Array<[string, number]> =>
    assembly.stacks.map((artifact) => [artifact.stackName, Object.values(resourcesOf(artifact)).filter((resource) => resource.Type === type).length]);

  test('one stack per attendee plus the workshop stack', () => {
    expect(assembly.stacks).toHaveLength(ATTENDEES + 1);
    expect(built.attendees.map((stack) => stack.stackName)).toEqual(names.map((name) => `container-networks-${name}`));
  });

  test('quotas: exactly one VPC and one internet gateway in the whole app (5 of each per region), both in the workshop stack', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::InternetGateway']) {
      expect(count(type).filter(([, n]) => n > 0)).toEqual([[built.workshop.stackName, 1]]);
    }
  });

  test('every stack keeps the workshop rules (no EIP or NAT, tunnel isolation, template and user data limits)', () => {
    expect(workshopRuleFindings(app)).toEqual([]);
  });

  test('deploy --all --concurrency N: attendee stacks depend on the workshop stack only, the workshop stack on nothing', () => {
    const workshopArtifact = assembly.getStackArtifact(built.workshop.artifactId);
    expect(built.workshop.dependencies).toEqual([]);
    const stackArtifactIds = new Set(assembly.stacks.map((artifact) => artifact.id));
    expect(workshopArtifact.dependencies.filter((dependency) => stackArtifactIds.has(dependency.id))).toEqual([]);
    for (const stack of built.attendees) {
      expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['container-networks']);
      expect(assembly.getStackArtifact(stack.artifactId).dependencies.map((dependency) => dependency.id).filter((id) => stackArtifactIds.has(id)))
        .toEqual([workshopArtifact.id]);
    }
  });

  test('attendee stacks export nothing and import only the workshop stack\'s exports', () => {
    for (const stack of built.attendees) {
      const artifact = assembly.getStackArtifact(stack.artifactId);
      const outputs = Object.values(artifact.template.Outputs ?? {}) as Array<Record<string, unknown>>;
      expect(outputs.filter((output) => output.Export)).toEqual([]);
      const imports = [...JSON.stringify(artifact.template).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1]);
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) {
        expect(name.startsWith(`${built.workshop.stackName}:`)).toBe(true);
      }
    }
  });

  test('the only address-based ingress is SSH from the organiser\'s range, never the VPC\'s', () => {
    for (const artifact of assembly.stacks) {
      const rules = Object.values(resourcesOf(artifact)).flatMap((resource) => resource.Type === 'AWS::EC2::SecurityGroup'
        ? (resource.Properties?.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? []
        : resource.Type === 'AWS::EC2::SecurityGroupIngress' ? [resource.Properties ?? {}] : []);
      for (const rule of rules.filter((candidate) => candidate.CidrIp !== undefined || candidate.CidrIpv6 !== undefined)) {
        expect(rule).toMatchObject({ CidrIp: SSH_CIDR, IpProtocol: 'tcp', FromPort: 22, ToPort: 22 });
      }
    }
  });
});

describe('the largest attendee with the real lab files (multiHostCount=8, SSH on)', () => {
  test('keeps the template limits: rules checked after synthesis', () => {
    const big = newApp({ attendees: 'a', multiHostCount: '8', sshCidr: SSH_CIDR });
    buildWorkshopApp(big, { nag: false, now: new Date('2026-05-04T08:00:00Z') });
    big.synth();
    expect(workshopRuleFindings(big)).toEqual([]);
  });
});
