/** Operating systems a lab host can run. */
export type HostOs = 'ubuntu-24.04' | 'debian-12';

/** All supported host operating systems; the first is the default. */
export const HOST_OSES: readonly HostOs[] = ['ubuntu-24.04', 'debian-12'];

/** What the CDK side needs to know about a host operating system. */
export interface HostOsFacts {
  /** Public SSM parameter holding the current AMI id (resolved by EC2 at instance launch, so synth needs no lookup and redeploys keep the image). */
  readonly amiParameter: string;
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
  'ubuntu-24.04': {
    amiParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
    rootDeviceName: '/dev/sda1',
    sshUser: 'ubuntu',
  },
  'debian-12': {
    amiParameter: '/aws/service/debian/release/12/latest/amd64',
    rootDeviceName: '/dev/xvda',
    sshUser: 'admin',
  },
};
