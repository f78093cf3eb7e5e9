import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LabNetwork } from '../../../lib/network/lab-network';
import { nagFindings, newApp, REPOSITORY } from '../../fixtures/cdk';

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

  test('issue 11.10: only this account\'s flow-log service, for this account\'s flow logs, assumes the flow-log role', () => {
    const stack = new Stack(newApp(), 'Net');
    new LabNetwork(stack, 'Network');
    const template = Template.fromStack(stack);
    const [role] = Object.values(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } })] } },
    }));
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':vpc-flow-log/*']] } },
    });
    const [flowLog] = Object.values(template.findResources('AWS::EC2::FlowLog'));
    expect(JSON.stringify(flowLog.Properties.DeliverLogsPermissionArn)).toContain(Object.keys(template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'vpc-flow-logs.amazonaws.com' } })] } },
    }))[0]);
  });

  test('issue 11.10: the flow log can record accepted traffic too, for the event', () => {
    const stack = new Stack(newApp(), 'Net');
    new LabNetwork(stack, 'Network', { flowLogTrafficType: ec2.FlowLogTrafficType.ALL });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });

  test('issue 11.10: the default security group is emptied, in cdk.json\'s app and by default; not when the flag says false (the local emulator)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(REPOSITORY, 'cdk.json'), 'utf8')).context['@aws-cdk/aws-ec2:restrictDefaultSecurityGroup']).toBe(true);
    const count = (context: Record<string, unknown>, props = {}): number => {
      const stack = new Stack(newApp(context), 'Net');
      new LabNetwork(stack, 'Network', props);
      return Object.keys(Template.fromStack(stack).findResources('Custom::VpcRestrictDefaultSG')).length;
    };
    expect(count({})).toBe(1);
    expect(count({ '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': undefined })).toBe(1);
    expect(count({ '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': 'false' })).toBe(0);
    expect(count({}, { restrictDefaultSecurityGroup: false })).toBe(0);
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
    [{ vpc: ec2.Vpc.fromVpcAttributes(new Stack(newApp(), 'Other'), 'V', { vpcId: 'vpc-1', availabilityZones: ['a'] }), flowLogTrafficType: ec2.FlowLogTrafficType.ALL },
      /'flowLogTrafficType' apply to a new VPC only/],
  ])('rejects %j', (props, message) => {
    expect(() => new LabNetwork(new Stack(newApp(), 'Net'), 'Network', props)).toThrow(message);
  });
});
