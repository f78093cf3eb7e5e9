import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildWorkshopApp } from '../lib/app';
import { FIXTURE_STEPS, newApp } from './fixtures/cdk';

/**
 * Many attendees in one account: the quotas that matter hold by construction.
 * The app is synthesized once (Template.fromStack would synthesize it again
 * for every stack), with the small fixture steps, without cdk-nag and
 * without aws-cdk-lib's built-in validation, so 100 attendees take a few
 * seconds. Template sizes with the real lab files are checked below.
 */
const ATTENDEES = 100;
const SSH_CIDR = '203.0.113.0/24';
const names = Array.from({ length: ATTENDEES }, (_, index) => `attendee${index + 1}`);
const app = newApp({ attendees: names.join(','), sshCidr: SSH_CIDR });
const built = buildWorkshopApp(app, { nag: false, stepsDirectory: FIXTURE_STEPS, now: new Date('2026-05-04T08:00:00Z') });
const assembly = app.synth();
const stacks = assembly.stacks;
const workshopArtifact = assembly.getStackArtifact(built.workshop.artifactId);
const attendeeArtifacts = built.attendees.map((stack) => assembly.getStackArtifact(stack.artifactId));

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;
const resourcesOf = (artifact: cxapi.CloudFormationStackArtifact): Resources => artifact.template.Resources ?? {};
const count = (type: string): Array<[string, number]> =>
  stacks.map((artifact) => [artifact.stackName, Object.values(resourcesOf(artifact)).filter((resource) => resource.Type === type).length]);

describe(`${ATTENDEES} attendees in one account`, () => {
  test('one stack per attendee plus the workshop stack', () => {
    expect(stacks).toHaveLength(ATTENDEES + 1);
    expect(built.attendees.map((stack) => stack.stackName)).toEqual(names.map((name) => `container-networks-${name}`));
  });

  test('exactly one VPC and one internet gateway in the whole app, both in the workshop stack', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::InternetGateway']) {
      expect(count(type).filter(([, n]) => n > 0)).toEqual([[workshopArtifact.stackName, 1]]);
    }
  });

  test('no Elastic IP, no NAT gateway anywhere', () => {
    for (const type of ['AWS::EC2::EIP', 'AWS::EC2::NatGateway']) {
      expect(count(type).filter(([, n]) => n > 0)).toEqual([]);
    }
  });

  test('every stack under 500 resources and every template under 1 MB', () => {
    for (const artifact of stacks) {
      expect(Object.keys(resourcesOf(artifact)).length).toBeLessThan(500);
      expect(fs.statSync(path.join(assembly.directory, artifact.templateFile)).size).toBeLessThan(1024 * 1024);
    }
  });

  test('deploy --all --concurrency N: attendee stacks depend on the workshop stack only, the workshop stack on nothing', () => {
    expect(built.workshop.dependencies).toEqual([]);
    const stackArtifactIds = new Set(stacks.map((artifact) => artifact.id));
    expect(workshopArtifact.dependencies.filter((dependency) => stackArtifactIds.has(dependency.id))).toEqual([]);
    for (const [index, stack] of built.attendees.entries()) {
      expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['container-networks']);
      expect(attendeeArtifacts[index].dependencies.map((dependency) => dependency.id).filter((id) => stackArtifactIds.has(id)))
        .toEqual([workshopArtifact.id]);
    }
  });

  test('attendee stacks export nothing and import only the workshop stack\'s exports', () => {
    for (const artifact of attendeeArtifacts) {
      const outputs = Object.values(artifact.template.Outputs ?? {}) as Array<Record<string, unknown>>;
      expect(outputs.filter((output) => output.Export)).toEqual([]);
      const imports = [...JSON.stringify(artifact.template).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1]);
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) {
        expect(name.startsWith(`${workshopArtifact.stackName}:`)).toBe(true);
      }
    }
  });

  test('isolation: hosts accept traffic only from their own attendee\'s groups (and SSH from the given CIDR); never from the VPC range', () => {
    for (const artifact of attendeeArtifacts) {
      const resources = resourcesOf(artifact);
      const ownGroups = new Set(Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::EC2::SecurityGroup').map(([id]) => id));
      expect(ownGroups.size).toBeGreaterThan(0);
      const rules: Array<Record<string, any>> = [];
      for (const resource of Object.values(resources)) {
        if (resource.Type === 'AWS::EC2::SecurityGroup') {
          rules.push(...(resource.Properties?.SecurityGroupIngress ?? []));
        } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress') {
          rules.push(resource.Properties ?? {});
          // A separate rule belongs to one of this attendee's groups.
          expect(ownGroups.has(resource.Properties?.GroupId?.['Fn::GetAtt']?.[0])).toBe(true);
        }
      }
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule.SourcePrefixListId).toBeUndefined();
        expect(rule.CidrIpv6).toBeUndefined();
        if (rule.SourceSecurityGroupId !== undefined) {
          // Fn::GetAtt of a group in this very template: no import, no literal id, no other attendee's group.
          expect(Object.keys(rule.SourceSecurityGroupId)).toEqual(['Fn::GetAtt']);
          expect(ownGroups.has(rule.SourceSecurityGroupId['Fn::GetAtt'][0])).toBe(true);
        } else {
          // The only address-based rule is SSH from the organiser's range; never the VPC's 10.40.0.0/16 or any part of it.
          expect(rule).toMatchObject({ CidrIp: SSH_CIDR, IpProtocol: 'tcp', FromPort: 22, ToPort: 22 });
        }
      }
    }
  });
});

describe('template sizes with the real lab files (largest attendee: multiHostCount=8, SSH on)', () => {
  test('workshop and attendee templates stay under 1 MB and 500 resources', () => {
    const big = newApp({ attendees: 'a', multiHostCount: '8', sshCidr: SSH_CIDR });
    buildWorkshopApp(big, { nag: false, now: new Date('2026-05-04T08:00:00Z') });
    const bigAssembly = big.synth();
    for (const artifact of bigAssembly.stacks) {
      expect(Object.keys(resourcesOf(artifact)).length).toBeLessThan(500);
      expect(fs.statSync(path.join(bigAssembly.directory, artifact.templateFile)).size).toBeLessThan(1024 * 1024);
    }
  });
});
