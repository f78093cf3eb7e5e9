import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { WorkshopRule } from './workshop-rule';

/** UDP ports of the tunnel protocols the labs use: VXLAN and Geneve. */
const TUNNEL_UDP_PORTS = [4789, 6081];

/** One ingress rule, as written inline or as its own resource. */
interface IngressRule {
  readonly ipProtocol?: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIp?: string;
  readonly cidrIpv6?: string;
  readonly sourcePrefixListId?: string;
  readonly sourceSecurityGroupId?: string;
}

/** Whether a rule lets tunnel traffic in: GRE (IP protocol 47), or UDP over a tunnel port. */
function isTunnelRule(rule: IngressRule): boolean {
  const protocol = String(rule.ipProtocol ?? '').toLowerCase();
  if (protocol === '47' || protocol === 'gre' || protocol === '-1') {
    return true;
  }
  const from = rule.fromPort ?? -1;
  const to = rule.toPort ?? -1;
  return (protocol === 'udp' || protocol === '17') && TUNNEL_UDP_PORTS.some((port) => from === -1 || (from <= port && port <= to));
}

/** Whether the rule's source is a security group of the same template (Ref or GetAtt of one of its resources). */
function sourceIsOwnGroup(stack: Stack, rule: IngressRule): boolean {
  if (rule.cidrIp !== undefined || rule.cidrIpv6 !== undefined || rule.sourcePrefixListId !== undefined || rule.sourceSecurityGroupId === undefined) {
    return false;
  }
  const source = stack.resolve(rule.sourceSecurityGroupId) as Record<string, unknown> | string;
  return typeof source === 'object' && source !== null && ('Ref' in source || 'Fn::GetAtt' in source);
}

/**
 * Tunnel traffic (GRE, VXLAN, Geneve) may enter a lab host only from a
 * security group of the same stack: an attendee's hosts tunnel to each
 * other, never to another attendee's hosts or to an address range.
 */
export const TUNNEL_ISOLATION: WorkshopRule = {
  id: 'TunnelIsolation',
  info: 'A security group admits tunnel traffic (GRE, VXLAN or Geneve) from an address range or from a group of another stack.',
  explanation: 'Tunnels join the hosts of one attendee. Admitting them from anywhere else lets another attendee (or the internet) inject packets into the lab bridge: allow them only from a security group of the attendee\'s own stack.',
  level: NagMessageLevel.ERROR,
  rule: (node: CfnResource) => {
    const stack = Stack.of(node);
    let rules: IngressRule[];
    if (node instanceof ec2.CfnSecurityGroupIngress) {
      rules = [node];
    } else if (node instanceof ec2.CfnSecurityGroup) {
      // Resolved L1 properties keep their TypeScript (camelCase) names.
      rules = (stack.resolve(node.securityGroupIngress) as IngressRule[] | undefined) ?? [];
    } else {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const tunnels = rules.filter(isTunnelRule);
    if (tunnels.length === 0) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    return tunnels.every((rule) => sourceIsOwnGroup(stack, rule)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
