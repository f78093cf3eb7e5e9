import { Aws, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of a {@link LabNetwork}. */
export interface LabNetworkProps {
  /**
   * An existing VPC to put the lab hosts in instead of creating one. It needs
   * public subnets (hosts reach package mirrors and Systems Manager directly).
   * @default - a new VPC: public subnets only, no NAT gateway, no Elastic IP
   */
  readonly vpc?: ec2.IVpc;
  /**
   * IPv4 range of the new VPC. Ignored when `vpc` is given.
   * @default 10.40.0.0/16
   */
  readonly cidr?: string;
  /**
   * Number of availability zones of the new VPC (one public subnet in each). Ignored when `vpc` is given.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * How long the new VPC's flow log is kept. Ignored when `vpc` is given.
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * Which traffic the new VPC's flow log records: rejected packets only (what a tunnel that does not
   * come up needs), or accepted ones too (who talked to whom during the event; more log volume, more
   * cost). Ignored when `vpc` is given.
   * @default ec2.FlowLogTrafficType.REJECT
   */
  readonly flowLogTrafficType?: ec2.FlowLogTrafficType;
  /**
   * Remove every rule from the new VPC's default security group (no lab host uses it), with the
   * custom resource `@aws-cdk/aws-ec2:restrictDefaultSecurityGroup` brings (a small Lambda function
   * from the CDK's asset bucket). Ignored when `vpc` is given.
   * @default true, unless the app's context sets the feature flag
   * `@aws-cdk/aws-ec2:restrictDefaultSecurityGroup` to false (the local emulator does: it cannot run Lambda functions)
   */
  readonly restrictDefaultSecurityGroup?: boolean;
}

/** The CDK feature flag that makes a VPC restrict its default security group. */
export const RESTRICT_DEFAULT_SECURITY_GROUP_FLAG = '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup';

/** Prefix length of each public subnet: /20 is 4,091 usable addresses, room for 100 attendees x 9 hosts twice over. */
const PUBLIC_SUBNET_MASK = 20;

/**
 * The network all lab hosts of a workshop share: by default a new VPC with
 * public subnets only. One VPC for all attendees keeps the account inside the
 * default quotas (5 VPCs, 5 internet gateways, 5 Elastic IPs per region), and
 * public subnets without NAT gateways avoid their hourly and per-GB cost.
 *
 * The new VPC has a flow log of REJECTED traffic to CloudWatch Logs (one week):
 * it answers "why does my tunnel not come up" (a packet the security groups
 * dropped) at a small cost, and satisfies cdk-nag's AwsSolutions-VPC7;
 * `flowLogTrafficType: ALL` records accepted traffic too. Its default security
 * group is emptied (no lab host uses it).
 */
export class LabNetwork extends Construct {
  /** The VPC the lab hosts go into. */
  public readonly vpc: ec2.IVpc;
  /** The subnets lab hosts are placed in. */
  public readonly hostSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: LabNetworkProps = {}) {
    super(scope, id);

    if (props.vpc) {
      const newVpcOnly = (['cidr', 'maxAzs', 'flowLogRetention', 'flowLogTrafficType', 'restrictDefaultSecurityGroup'] as const)
        .filter((key) => props[key] !== undefined);
      if (newVpcOnly.length > 0) {
        throw new Error(`LabNetwork ${this.node.path}: ${newVpcOnly.map((key) => `'${key}'`).join(', ')} apply to a new VPC only; leave them out when passing 'vpc'.`);
      }
      this.vpc = props.vpc;
      this.hostSubnets = { subnetType: ec2.SubnetType.PUBLIC };
      return;
    }

    const cidr = props.cidr ?? '10.40.0.0/16';
    const cidrMatch = /^(\d{1,3}\.){3}\d{1,3}\/(\d{1,2})$/.exec(cidr);
    if (!cidrMatch || Number(cidrMatch[2]) < 16 || Number(cidrMatch[2]) > 19) {
      throw new Error(`LabNetwork ${this.node.path}: 'cidr' is ${JSON.stringify(cidr)}; allowed: an IPv4 CIDR from /16 to /19, e.g. 10.40.0.0/16 (each subnet is a /${PUBLIC_SUBNET_MASK}).`);
    }
    const maxAzs = props.maxAzs ?? 2;
    const subnetsThatFit = 2 ** (PUBLIC_SUBNET_MASK - Number(cidrMatch[2]));
    if (!Number.isInteger(maxAzs) || maxAzs < 1 || maxAzs > Math.min(subnetsThatFit, 6)) {
      throw new Error(`LabNetwork ${this.node.path}: 'maxAzs' is ${maxAzs}; allowed: a whole number from 1 to ${Math.min(subnetsThatFit, 6)} for ${cidr}.`);
    }

    const flag: unknown = this.node.tryGetContext(RESTRICT_DEFAULT_SECURITY_GROUP_FLAG);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      natGateways: 0,
      restrictDefaultSecurityGroup: props.restrictDefaultSecurityGroup ?? !(flag === false || flag === 'false'),
      subnetConfiguration: [{
        name: 'Public',
        subnetType: ec2.SubnetType.PUBLIC,
        cidrMask: PUBLIC_SUBNET_MASK,
        mapPublicIpOnLaunch: true,
      }],
    });

    quietenRestrictDefaultSecurityGroupProvider(Stack.of(this));

    const flowLogGroup = new logs.LogGroup(this, 'RejectedTraffic', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Only the flow-log service of this account, delivering this account's flow logs, may assume the role
    // (confused deputy: another account's flow log cannot write into this log group through it).
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc-flow-log/*` },
        },
      }),
      description: 'Writes the lab VPC\'s flow log to its log group',
    });
    vpc.addFlowLog('RejectedTraffic', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole),
      trafficType: props.flowLogTrafficType ?? ec2.FlowLogTrafficType.REJECT,
      maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
    });

    this.vpc = vpc;
    this.hostSubnets = { subnetType: ec2.SubnetType.PUBLIC };
  }
}

/**
 * aws-cdk-lib's function behind the custom resource that empties the default security group names its
 * role both in DependsOn and through Fn::GetAtt; cfn-lint warns about the first (W3005). Not ours to
 * change: the warning is switched off for that one resource (.cfnlintrc.yaml lists why).
 */
function quietenRestrictDefaultSecurityGroupProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  const handler = provider?.node.tryFindChild('Handler');
  if (handler instanceof CfnResource) {
    handler.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  }
}
