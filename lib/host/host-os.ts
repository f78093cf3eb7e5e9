import { quoteInput } from '../contract';
import type { HostArchitecture } from './instance-types';

/** Operating systems a lab host can run. */
export type HostOs = 'debian-13' | 'ubuntu-24.04';

/**
 * All supported host operating systems; the first is the default. Debian 13
 * is the default because CI rehearses every step on machines built from
 * Debian 13's own packages (Docker 26.1); Ubuntu 24.04's Docker (27/28) is
 * covered by the rehearsal's Docker 28 variant.
 */
export const HOST_OSES: readonly HostOs[] = ['debian-13', 'ubuntu-24.04'];

/** The default host operating system. */
export const DEFAULT_HOST_OS: HostOs = HOST_OSES[0];

/** Host operating systems that were supported once, and what to use instead. */
export const RETIRED_HOST_OSES: Readonly<Record<string, string>> = {
  'debian-12': 'debian-12 was removed in 0.2.0 (Docker 20.10, out of support since 2023, and Compose v1 only; CI no longer rehearses it): use debian-13',
};

/** What the CDK side needs to know about a host operating system. */
export interface HostOsFacts {
  /**
   * Public SSM parameter holding the current AMI id, per CPU architecture (resolved by EC2 at
   * instance launch, so synth needs no lookup and redeploys keep the image).
   */
  readonly amiParameters: Readonly<Record<HostArchitecture, string>>;
  /**
   * Root device name of the AMI. A block device mapping on any other name adds
   * a second, unused disk instead of sizing and encrypting the root one.
   */
  readonly rootDeviceName: string;
  /** Login user of the image's default cloud-init configuration. */
  readonly sshUser: string;
}

/** One place for the per-OS facts. */
export const HOST_OS_FACTS: Readonly<Record<HostOs, HostOsFacts>> = {
  'debian-13': {
    // Debian's cloud team publishes one parameter per release under /aws/service/debian/release/
    // (the same scheme as 12's); to be confirmed on the first real deploy.
    amiParameters: { amd64: '/aws/service/debian/release/13/latest/amd64', arm64: '/aws/service/debian/release/13/latest/arm64' },
    rootDeviceName: '/dev/xvda',
    sshUser: 'admin',
  },
  'ubuntu-24.04': {
    amiParameters: {
      amd64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
      arm64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
    },
    rootDeviceName: '/dev/sda1',
    sshUser: 'ubuntu',
  },
};

/** The message for a host OS that is not (or no longer) supported, naming what is allowed. */
export function hostOsProblem(value: string): string | undefined {
  if ((HOST_OSES as readonly string[]).includes(value)) return undefined;
  const retired = RETIRED_HOST_OSES[value];
  return `${quoteInput(value)}; allowed: ${HOST_OSES.join(', ')}${retired ? ` (${retired})` : ''}`;
}
