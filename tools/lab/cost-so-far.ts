import { DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DEFAULT_ROOT_VOLUME_GIB, hostHourUsd, PRICES_CHECKED, PRICES_REGION, stoppedHostHourUsd } from '../../lib/cost/prices';
import { LabContext } from './aws/context';
import { FoundHost } from './aws/host-inventory';
import { chunks, withBackoff } from './aws/retry';

/** What a host has cost since it last started, and costs per hour now, at the list prices of lib/cost/prices.ts. */
export interface HostCost {
  readonly instanceId: string;
  /** USD since EC2 last started it (LaunchTime), when running and priced; 0 when not running. */
  readonly soFarUsd?: number;
  /** USD per hour now: instance, volumes and public IPv4 when running; the volumes only when stopped. */
  readonly perHourUsd?: number;
  /** Why a figure is missing. */
  readonly note?: string;
}

/** The footnote the report prints under the cost figures. */
export const COST_NOTE = `List prices of ${PRICES_REGION} (checked ${PRICES_CHECKED}; other regions cost up to ~30 % more): ` +
  'instance, EBS volumes and public IPv4 address of each running host since EC2 last started it; ' +
  'a stopped host counts only from its next start, and data transfer is not counted.';

/** GiB by volume id (DescribeVolumes, up to 200 ids a call). */
export async function volumeSizes(context: LabContext, hosts: readonly FoundHost[]): Promise<Map<string, number>> {
  const ids = [...new Set(hosts.flatMap((host) => host.volumeIds ?? []))];
  const sizes = new Map<string, number>();
  for (const batch of chunks(ids, 200)) {
    const page = await withBackoff(() => context.ec2.send(new DescribeVolumesCommand({ VolumeIds: batch })), context.backoff);
    for (const volume of page?.Volumes ?? []) {
      if (volume.VolumeId && volume.Size !== undefined) {
        sizes.set(volume.VolumeId, volume.Size);
      }
    }
  }
  return sizes;
}

/** A host's cost at `now`; volumes of unknown size count as the default root volume. */
export function hostCost(host: FoundHost, sizes: ReadonlyMap<string, number>, now: number): HostCost {
  const volumeIds = host.volumeIds ?? [];
  const gib = volumeIds.length > 0 ? volumeIds.reduce((sum, id) => sum + (sizes.get(id) ?? DEFAULT_ROOT_VOLUME_GIB), 0) : DEFAULT_ROOT_VOLUME_GIB;
  if (host.instanceState !== 'running') {
    return { instanceId: host.instanceId, soFarUsd: 0, perHourUsd: stoppedHostHourUsd(gib), note: `${host.instanceState}: volumes only` };
  }
  const perHour = host.instanceType ? hostHourUsd(host.instanceType, gib) : undefined;
  if (perHour === undefined) {
    return { instanceId: host.instanceId, note: `no price for ${host.instanceType ?? 'an unknown instance type'} in lib/cost/prices.ts` };
  }
  const hours = host.launchTime ? Math.max(0, now - Date.parse(host.launchTime)) / 3600000 : 0;
  return { instanceId: host.instanceId, soFarUsd: perHour * hours, perHourUsd: perHour, ...(host.launchTime ? {} : { note: 'no launch time' }) };
}

/** The sum of some host costs, and whether any figure was missing. */
export function sumCosts(costs: readonly HostCost[]): { soFarUsd: number; perHourUsd: number; complete: boolean } {
  return {
    soFarUsd: costs.reduce((sum, cost) => sum + (cost.soFarUsd ?? 0), 0),
    perHourUsd: costs.reduce((sum, cost) => sum + (cost.perHourUsd ?? 0), 0),
    complete: costs.every((cost) => cost.soFarUsd !== undefined && cost.perHourUsd !== undefined),
  };
}
