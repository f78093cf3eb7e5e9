import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MultiHostTopology } from '../../../lib/topology/multi-host';
import { SingleHostTopology } from '../../../lib/topology/single-host';
import { FIXTURE_STEPS, FIXTURE_USER_DATA, nagFindings, networkStack } from '../../fixtures/cdk';

const common = { stepsDirectory: FIXTURE_STEPS, userDataFile: FIXTURE_USER_DATA };

describe('MultiHostTopology', () => {
  test('tunnel group: exactly GRE, VXLAN, Geneve and ICMP, each from the group itself', () => {
    const { stack, vpc } = networkStack();
    const topology = new MultiHostTopology(stack, 'Multi', { vpc, hostCount: 3, ...common });
    const template = Template.fromStack(stack);
    const groupId = stack.getLogicalId(topology.tunnelSecurityGroup.node.defaultChild as never);
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((rule) => rule.Properties);
    const self = { 'Fn::GetAtt': [groupId, 'GroupId'] };
    expect(rules.map(({ Description: _description, ...rule }) => rule)).toEqual([
      { IpProtocol: '47', FromPort: -1, ToPort: -1, GroupId: self, SourceSecurityGroupId: self },
      { IpProtocol: 'udp', FromPort: 4789, ToPort: 4789, GroupId: self, SourceSecurityGroupId: self },
      { IpProtocol: 'udp', FromPort: 6081, ToPort: 6081, GroupId: self, SourceSecurityGroupId: self },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, GroupId: self, SourceSecurityGroupId: self },
    ]);
    // and no inline rule on any group
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    }
  });

  test('hosts share one subnet, carry the tunnel group, and expose their addresses in order', () => {
    const { stack, vpc } = networkStack();
    const topology = new MultiHostTopology(stack, 'Multi', { vpc, hostCount: 3, ...common });
    expect(topology.hosts).toHaveLength(3);
    expect(topology.hostAddresses).toEqual(topology.hosts.map((host) => host.instancePrivateIp));
    const instances = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Instance'));
    expect(new Set(instances.map((instance) => JSON.stringify(instance.Properties.SubnetId))).size).toBe(1);
    for (const instance of instances) {
      expect(instance.Properties.SecurityGroupIds).toHaveLength(2);
      expect(JSON.stringify(instance.Properties.SecurityGroupIds)).toContain('TunnelSecurityGroup');
    }
    expect(Stack.of(topology).resolve(topology.hostAddressList)).toEqual({
      'Fn::Join': [',', topology.hosts.map((host) => ({ 'Fn::GetAtt': [Stack.of(host).getLogicalId(host.instance.node.defaultChild as never), 'PrivateIp'] }))],
    });
  });

  test.each([1, 9, 2.5])('rejects hostCount %p', (hostCount) => {
    const { stack, vpc } = networkStack();
    expect(() => new MultiHostTopology(stack, 'Multi', { vpc, hostCount, ...common }))
      .toThrow(`'hostCount' is ${hostCount}; allowed: a whole number from 2 to 8`);
  });

  test('a bad host prop fails before the tunnel group exists', () => {
    const { stack, vpc } = networkStack();
    expect(() => new MultiHostTopology(stack, 'Multi', { vpc, rootVolumeGiB: 1, ...common })).toThrow("'rootVolumeGiB' is 1");
    expect(stack.node.tryFindChild('Multi')?.node.tryFindChild('TunnelSecurityGroup')).toBeUndefined();
  });

  test('cdk-nag clean', () => {
    const { stack, vpc } = networkStack();
    new MultiHostTopology(stack, 'Multi', { vpc, ...common });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('SingleHostTopology', () => {
  test('one host', () => {
    const { stack, vpc } = networkStack();
    const topology = new SingleHostTopology(stack, 'Single', { vpc, ...common });
    expect(topology.hosts).toEqual([topology.host]);
    Template.fromStack(stack).resourceCountIs('AWS::EC2::Instance', 1);
  });
});
