import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Which of `count` subnets an attendee's hosts go into: a hash of the
 * attendee name (32-bit FNV-1a) modulo the count. The attendees of a workshop
 * spread over the subnets, and so over the availability zones, so that a
 * capacity shortage of one instance type in one zone stops only some of them;
 * an attendee's own hosts stay together (the multi-host topology's tunnels
 * run between hosts of one subnet). A hash, not the attendee's position in
 * the list: adding or removing an attendee never moves (and so replaces)
 * another attendee's hosts.
 */
export function attendeeSubnetIndex(attendee: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`attendeeSubnetIndex: 'count' is ${count}; allowed: a whole number of subnets, at least 1.`);
  }
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(attendee, 'utf8')) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** The one subnet of a selection an attendee's hosts go into (see attendeeSubnetIndex). */
export function attendeeSubnet(vpc: ec2.IVpc, selection: ec2.SubnetSelection, attendee: string): ec2.ISubnet {
  const subnets = vpc.selectSubnets(selection).subnets;
  if (subnets.length === 0) {
    throw new Error(`The subnet selection for ${JSON.stringify(attendee)} selects no subnet of the VPC; lab hosts need a public subnet.`);
  }
  return subnets[attendeeSubnetIndex(attendee, subnets.length)];
}
