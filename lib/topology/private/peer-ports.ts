import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Traffic a topology lets flow between its own hosts: data, turned into security group rules by {@link openPeerPorts}. */
export interface PeerPort {
  /** `tcp`, `udp`, `icmp` (all ICMP), or an IP protocol number such as `47` (GRE; no ports). */
  readonly protocol: string;
  /** The port, for tcp and udp. */
  readonly port?: number;
  /** The rule's description. */
  readonly description: string;
  /** How a protocol number is shown, e.g. `GRE (IP protocol 47)`. */
  readonly label?: string;
}

function toEc2Port(peerPort: PeerPort): ec2.Port {
  switch (peerPort.protocol) {
    case 'tcp': return ec2.Port.tcp(peerPort.port as number);
    case 'udp': return ec2.Port.udp(peerPort.port as number);
    case 'icmp': return ec2.Port.allIcmp();
    default:
      // A protocol without ports (GRE): the explicit -1 range keeps local emulators (moto) from failing on a missing port.
      return new ec2.Port({
        protocol: peerPort.protocol as ec2.Protocol, fromPort: -1, toPort: -1, stringRepresentation: peerPort.label ?? `IP protocol ${peerPort.protocol}`,
      });
  }
}

/** Opens the ports to a security group from the group itself, in the order given. */
export function openPeerPorts(group: ec2.SecurityGroup, ports: readonly PeerPort[]): void {
  for (const peerPort of ports) {
    group.addIngressRule(group, toEc2Port(peerPort), peerPort.description);
    if (/^\d+$/.test(peerPort.protocol)) {
      acknowledgePortlessRule(group, peerPort.protocol);
    }
  }
}

/** CloudFormation ignores the ports of a rule for a protocol without ports; both linters flag the -1 range (W3687). */
function acknowledgePortlessRule(group: ec2.SecurityGroup, protocol: string): void {
  Validations.of(group).acknowledge({
    id: 'CloudFormation-Validate::W3687',
    reason: 'CloudFormation ignores the ports of a GRE rule; the explicit -1 range is there because moto, the local AWS emulator the project rehearses deployments with, fails on a GRE rule without ports.',
  });
  // The same note for cfn-lint (which CI runs on the synthesized templates).
  for (const child of group.node.findAll()) {
    if (child instanceof ec2.CfnSecurityGroupIngress && child.ipProtocol === protocol) {
      child.addMetadata('cfn-lint', { config: { ignore_checks: ['W3687'] } });
    }
  }
}
