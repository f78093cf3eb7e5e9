import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LabNetwork } from '../../../lib/network/lab-network';
import { nagFindings, newApp } from '../../fixtures/cdk';

describe('LabNetwork', () => {
  test('a /16 with two public /20 subnets, no NAT gateway, no Elastic IP, a rejected-traffic flow log', () => {
    const stack = new Stack(newApp(), 'Net');
    new LabNetwork(stack, 'Network');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true, CidrBlock: Match.stringLikeRegexp('/20$') });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('wraps an existing VPC without creating anything', () => {
    const stack = new Stack(newApp(), 'Net');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
      vpcId: 'vpc-12345678', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-12345678'],
    });
    const network = new LabNetwork(stack, 'Network', { vpc });
    expect(network.vpc).toBe(vpc);
    expect(network.node.findAll().filter((construct) => construct instanceof CfnResource)).toEqual([]);
  });

  test.each([
    [{ cidr: '10.0.0.0/24' }, /'cidr' is "10.0.0.0\/24"; allowed: an IPv4 CIDR from \/16 to \/19/],
    [{ maxAzs: 0 }, /'maxAzs' is 0; allowed: a whole number from 1 to 6/],
    [{ cidr: '10.0.0.0/19', maxAzs: 3 }, /'maxAzs' is 3; allowed: a whole number from 1 to 2/],
  ])('rejects %j', (props, message) => {
    expect(() => new LabNetwork(new Stack(newApp(), 'Net'), 'Network', props)).toThrow(message);
  });
});
