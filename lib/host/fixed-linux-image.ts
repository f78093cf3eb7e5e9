import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * A Linux AMI given by its id, the same in every region: for a pinned image
 * (hosts are not replaced when the vendor publishes a new one) or for a local
 * AWS emulator that cannot resolve the vendors' public SSM parameters.
 * Unlike MachineImage.genericLinux it needs no region at synth time, so
 * stacks stay environment agnostic. User data is left to the host.
 */
export class FixedLinuxImage implements ec2.IMachineImage {
  /** @param amiId the AMI id, e.g. ami-0123456789abcdef0 */
  constructor(private readonly amiId: string) {
    if (!/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(amiId)) {
      throw new Error(`FixedLinuxImage: 'amiId' is ${JSON.stringify(amiId)}; allowed: an AMI id such as ami-0123456789abcdef0.`);
    }
  }

  /** The image configuration for an instance. */
  public getImage(_scope: Construct): ec2.MachineImageConfig {
    return { imageId: this.amiId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() };
  }
}
