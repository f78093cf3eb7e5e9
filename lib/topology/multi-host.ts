import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { hostCountProblem, TOPOLOGIES } from '../contract';
import { LabHost, LabHostProps } from '../host/lab-host';
import { ILabTopology } from './lab-topology';
import { openPeerPorts, PeerPort } from './private/peer-ports';

/** Properties of a {@link MultiHostTopology}. */
export interface MultiHostTopologyProps extends Omit<LabHostProps, 'vpcSubnets' | 'topology'> {
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

/**
 * What the hosts send each other, in one place: the tunnel protocols (GRE is
 * IP protocol 47; VXLAN and Geneve are UDP) and ping. The security group
 * below opens exactly these, from the group itself.
 */
const TUNNEL_PORTS: readonly PeerPort[] = [
  { protocol: '47', label: 'GRE (IP protocol 47)', description: 'GRE tunnels between lab hosts' },
  { protocol: 'udp', port: 4789, description: 'VXLAN tunnels between lab hosts' },
  { protocol: 'udp', port: 6081, description: 'Geneve tunnels between lab hosts' },
  { protocol: 'icmp', description: 'ping between lab hosts' },
];

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
export class MultiHostTopology extends Construct implements ILabTopology {
  /** The topology kind, `multi`. */
  public readonly kind = 'multi';
  /** The hosts, in order. */
  public readonly hosts: readonly LabHost[];
  /** The hosts' private IPv4 addresses, in host order. */
  public readonly hostAddresses: readonly string[];
  /** The group that lets tunnel traffic flow between the hosts. */
  public readonly tunnelSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: MultiHostTopologyProps) {
    super(scope, id);
    const hostCount = props.hostCount ?? TOPOLOGIES.multi.defaultHosts;
    const countProblem = hostCountProblem('multi', hostCount);
    if (countProblem) {
      throw new Error(`MultiHostTopology ${this.node.path}: 'hostCount' is ${hostCount}; allowed: ${countProblem}.`);
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
      hosts.push(new LabHost(this, `Host${index}`, { ...hostProps, topology: this.kind, vpcSubnets: { subnets: [subnet] } }));
    }

    this.tunnelSecurityGroup = new ec2.SecurityGroup(this, 'TunnelSecurityGroup', {
      vpc: props.vpc,
      description: 'Lab tunnels between the multi-host lab hosts: GRE, VXLAN, Geneve and ICMP from this group only',
      allowAllOutbound: false,
    });
    openPeerPorts(this.tunnelSecurityGroup, TUNNEL_PORTS);
    // The hosts also send these to each other; their own groups allow all outbound.
    for (const host of hosts) {
      host.addSecurityGroup(this.tunnelSecurityGroup);
    }

    this.hosts = hosts;
    this.hostAddresses = hosts.map((host) => host.instancePrivateIp);
  }

  /** The host addresses joined with commas (the HOSTS parameter of step 6). */
  public get hostAddressList(): string {
    return Fn.join(',', [...this.hostAddresses]);
  }
}
