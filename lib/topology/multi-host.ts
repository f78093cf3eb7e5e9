import { Fn, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { LabHost, LabHostProps } from '../host/lab-host';

/** Properties of a {@link MultiHostTopology}. */
export interface MultiHostTopologyProps extends Omit<LabHostProps, 'vpcSubnets'> {
  /**
   * Number of hosts.
   * @default 2
   */
  readonly hostCount?: number;
  /**
   * The subnets to pick the hosts' one subnet from (all hosts share the first).
   * @default - the VPC's public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** Lowest and highest number of hosts. */
export const MULTI_HOST_RANGE = { min: 2, max: 8 } as const;

/**
 * The tunnel protocols between the hosts, in one place: the security group
 * below opens exactly these (plus ICMP), from the group itself.
 * GRE is IP protocol 47; VXLAN and Geneve are UDP.
 */
export const TUNNEL_PROTOCOLS = {
  gre: { ipProtocol: '47' },
  vxlan: { ipProtocol: 'udp', port: 4789 },
  geneve: { ipProtocol: 'udp', port: 6081 },
} as const;

/**
 * The topology of step 6: hosts in one subnet whose containers talk through
 * Open vSwitch tunnels (GRE, VXLAN or Geneve) between the hosts' private
 * addresses. The hosts share one security group, `tunnelSecurityGroup`, that
 * lets the tunnel protocols and ICMP in from members of the group only; the
 * check's HTTP requests to peer containers travel inside the tunnels, so no
 * other port is opened.
 *
 * Peers: each host learns the others from the step parameter HOSTS, the
 * hosts' private addresses in host order (`hostAddresses`; the attendee
 * stack's output MultiHostAddresses).
 */
export class MultiHostTopology extends Construct {
  /** The hosts, in order. */
  public readonly hosts: readonly LabHost[];
  /** The hosts' private IPv4 addresses, in host order. */
  public readonly hostAddresses: readonly string[];
  /** The group that lets tunnel traffic flow between the hosts. */
  public readonly tunnelSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MultiHostTopologyProps) {
    super(scope, id);
    const hostCount = props.hostCount ?? 2;
    if (!Number.isInteger(hostCount) || hostCount < MULTI_HOST_RANGE.min || hostCount > MULTI_HOST_RANGE.max) {
      throw new Error(`MultiHostTopology ${this.node.path}: 'hostCount' is ${hostCount}; allowed: a whole number from ${MULTI_HOST_RANGE.min} to ${MULTI_HOST_RANGE.max}.`);
    }
    // All hosts in the same subnet: the first of the selection.
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC }).subnets;
    if (subnets.length === 0) {
      throw new Error(`MultiHostTopology ${this.node.path}: 'vpcSubnets' selects no subnet in the VPC.`);
    }
    const subnet = subnets[0];

    // Hosts first: a host whose props are wrong fails before anything else is created.
    const { hostCount: _hostCount, vpcSubnets: _vpcSubnets, ...hostProps } = props;
    const hosts: LabHost[] = [];
    for (let index = 1; index <= hostCount; index++) {
      hosts.push(new LabHost(this, `Host${index}`, { ...hostProps, vpcSubnets: { subnets: [subnet] } }));
    }

    this.tunnelSecurityGroup = new ec2.SecurityGroup(this, 'TunnelSecurityGroup', {
      vpc: props.vpc,
      description: 'Lab tunnels between the multi-host lab hosts: GRE, VXLAN, Geneve and ICMP from this group only',
      allowAllOutbound: false,
    });
    const group = this.tunnelSecurityGroup;
    // GRE has no ports; the explicit -1 range keeps local emulators (moto) from failing on a missing port.
    group.addIngressRule(group, new ec2.Port({
      protocol: TUNNEL_PROTOCOLS.gre.ipProtocol as ec2.Protocol, fromPort: -1, toPort: -1, stringRepresentation: 'GRE (IP protocol 47)',
    }), 'GRE tunnels between lab hosts');
    Validations.of(group).acknowledge({
      id: 'CloudFormation-Validate::W3687',
      reason: 'CloudFormation ignores the ports of a GRE rule; the explicit -1 range is there because moto, the local AWS emulator the project rehearses deployments with, fails on a GRE rule without ports.',
    });
    // The same note for cfn-lint (which CI runs on the synthesized templates).
    for (const child of group.node.findAll()) {
      if (child instanceof ec2.CfnSecurityGroupIngress && child.ipProtocol === TUNNEL_PROTOCOLS.gre.ipProtocol) {
        child.addMetadata('cfn-lint', { config: { ignore_checks: ['W3687'] } });
      }
    }
    group.addIngressRule(group, ec2.Port.udp(TUNNEL_PROTOCOLS.vxlan.port), 'VXLAN tunnels between lab hosts');
    group.addIngressRule(group, ec2.Port.udp(TUNNEL_PROTOCOLS.geneve.port), 'Geneve tunnels between lab hosts');
    group.addIngressRule(group, ec2.Port.allIcmp(), 'ping between lab hosts');
    // The hosts also send these to each other; their own groups allow all outbound.
    for (const host of hosts) {
      host.addSecurityGroup(group);
    }

    this.hosts = hosts;
    this.hostAddresses = hosts.map((host) => host.instancePrivateIp);
  }

  /** The host addresses joined with commas (the HOSTS parameter of step 6). */
  public get hostAddressList(): string {
    return Fn.join(',', [...this.hostAddresses]);
  }
}
