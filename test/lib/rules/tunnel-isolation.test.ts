import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { TUNNEL_ISOLATION } from '../../../lib/rules/tunnel-isolation';
import { MultiHostTopology } from '../../../lib/topology/multi-host';
import { FIXTURE_STEPS, FIXTURE_USER_DATA, networkStack, newApp, workshopRuleFindings } from '../../fixtures/cdk';
import { verdicts } from './rule-helpers';

describe('Workshop-TunnelIsolation', () => {
  test('compliant: the multi-host topology admits tunnels only from its own group', () => {
    const { stack, vpc } = networkStack();
    new MultiHostTopology(stack, 'MultiHost', { vpc, stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA });
    const results = Object.values(verdicts(TUNNEL_ISOLATION, stack));
    expect(results.length).toBeGreaterThanOrEqual(3); // GRE, VXLAN, Geneve rules
    expect(new Set(results)).toEqual(new Set([NagRuleCompliance.COMPLIANT]));
    expect(workshopRuleFindings(stack).filter((finding) => finding.startsWith('Workshop-TunnelIsolation'))).toEqual([]);
  });

  test.each([
    ['GRE from an address range', (group: ec2.SecurityGroup) => group.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), new ec2.Port({ protocol: '47' as ec2.Protocol, stringRepresentation: 'GRE' }))],
    ['VXLAN from anywhere', (group: ec2.SecurityGroup) => group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(4789))],
    ['Geneve inside a wide UDP range', (group: ec2.SecurityGroup) => group.addIngressRule(ec2.Peer.ipv4('192.0.2.0/24'), ec2.Port.udpRange(6000, 7000))],
  ])('non-compliant: %s', (_what, open) => {
    const { stack, vpc } = networkStack();
    const group = new ec2.SecurityGroup(stack, 'Open', { vpc });
    open(group);
    expect(verdicts(TUNNEL_ISOLATION, stack)).toEqual({ 'TestStack/Open/Resource': NagRuleCompliance.NON_COMPLIANT });
    expect(workshopRuleFindings(stack)).toContain('Workshop-TunnelIsolation @ TestStack/Open/Resource');
  });

  test('non-compliant: tunnels from a group of another stack (another attendee)', () => {
    const other = new Stack(newApp(), 'Other');
    const theirs = ec2.SecurityGroup.fromSecurityGroupId(other, 'Theirs', 'sg-0123456789abcdef0');
    const mine = new ec2.SecurityGroup(other, 'Mine', { vpc: ec2.Vpc.fromVpcAttributes(other, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a'] }) });
    mine.addIngressRule(theirs, ec2.Port.udp(4789));
    expect(Object.values(verdicts(TUNNEL_ISOLATION, other))).toEqual([NagRuleCompliance.NON_COMPLIANT]);
  });

  test('other traffic is not its business', () => {
    const { stack, vpc } = networkStack();
    new ec2.SecurityGroup(stack, 'Web', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
    expect(verdicts(TUNNEL_ISOLATION, stack)).toEqual({});
  });
});
