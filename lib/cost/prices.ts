/**
 * What a lab host costs per hour, from one small price table.
 *
 * Prices: AWS on-demand list prices, Linux, region us-east-1 (N. Virginia),
 * USD, as published on aws.amazon.com/ec2/pricing/on-demand/ and
 * aws.amazon.com/ebs/pricing/ and aws.amazon.com/vpc/pricing/ (public IPv4),
 * last checked 2025-06 (PRICES_CHECKED). Other regions cost 0 to 30 % more.
 * Savings plans, the free tier and data transfer are not counted: this is an
 * upper bound to budget with, not a bill.
 *
 * Only x86_64 types: the hosts boot the amd64 images of Ubuntu and Debian.
 */

/** When the prices below were last compared with AWS's price pages. */
export const PRICES_CHECKED = '2025-06';

/** The region the prices are for. */
export const PRICES_REGION = 'us-east-1';

/** On-demand USD per instance-hour, Linux, us-east-1. */
export const INSTANCE_HOUR_USD: Readonly<Record<string, number>> = {
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  't3.2xlarge': 0.3328,
  't3a.micro': 0.0094,
  't3a.small': 0.0188,
  't3a.medium': 0.0376,
  't3a.large': 0.0752,
  't3a.xlarge': 0.1504,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm6i.large': 0.096,
  'm6i.xlarge': 0.192,
  'm7i.large': 0.1008,
  'm7i.xlarge': 0.2016,
  'c6i.large': 0.085,
  'c6i.xlarge': 0.17,
};

/** gp3 storage, USD per GiB-month (baseline 3,000 IOPS and 125 MB/s are included). */
export const GP3_GIB_MONTH_USD = 0.08;

/** Public IPv4 address, USD per address-hour (every lab host has one, in use or idle). */
export const PUBLIC_IPV4_HOUR_USD = 0.005;

/** Hours AWS bills a month of EBS storage over. */
export const HOURS_PER_MONTH = 730;

/**
 * Root volume size of a lab host unless LabHostProps.rootVolumeGiB says
 * otherwise: the AMI's own 8 GiB, the least EBS allows from it. The rehearsal
 * measured about 2.1 GiB written by provisioning and the labs on the single
 * host (README, "Cost").
 */
export const DEFAULT_ROOT_VOLUME_GIB = 8;

/** The instance types with a price: what the self-contained template offers. */
export function pricedInstanceTypes(): string[] {
  return Object.keys(INSTANCE_HOUR_USD);
}

/** What one running lab host costs per hour, or undefined for an instance type not in the table. */
export function hostHourUsd(instanceType: string, rootVolumeGiB: number = DEFAULT_ROOT_VOLUME_GIB): number | undefined {
  const instance = INSTANCE_HOUR_USD[instanceType];
  if (instance === undefined) {
    return undefined;
  }
  return instance + rootVolumeGiB * GP3_GIB_MONTH_USD / HOURS_PER_MONTH + PUBLIC_IPV4_HOUR_USD;
}

/** What one stopped lab host costs per hour: its volume only (a stopped instance gives its public IPv4 address back). */
export function stoppedHostHourUsd(rootVolumeGiB: number = DEFAULT_ROOT_VOLUME_GIB): number {
  return rootVolumeGiB * GP3_GIB_MONTH_USD / HOURS_PER_MONTH;
}

/** Cost of an attendee (all their hosts running) per hour, or undefined for an unpriced instance type. */
export function attendeeHourUsd(instanceType: string, hosts: number, rootVolumeGiB: number = DEFAULT_ROOT_VOLUME_GIB): number | undefined {
  const host = hostHourUsd(instanceType, rootVolumeGiB);
  return host === undefined ? undefined : host * hosts;
}

/** Cost of a whole workshop: attendees x hours x attendee-hour, or undefined for an unpriced instance type. */
export function workshopUsd(instanceType: string, attendees: number, hostsPerAttendee: number, hours: number): number | undefined {
  const perHour = attendeeHourUsd(instanceType, hostsPerAttendee);
  return perHour === undefined ? undefined : perHour * attendees * hours;
}

/** A USD amount for an output: 4 decimals under a dollar, 2 above. */
export function formatUsd(amount: number): string {
  return `USD ${amount < 1 ? amount.toFixed(4) : amount.toFixed(2)}`;
}
