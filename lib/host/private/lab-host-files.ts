import * as crypto from 'crypto';
import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HostFile, renderInitMetadata } from './host-files';

/**
 * One copy of the lab files per stack, for all hosts that need the same set.
 *
 * Why: the files (helpers, components, image build contexts, every step's
 * guide and scripts) are some tens of KB of JSON; carried on every instance
 * they multiply with the hosts (an attendee with a single host and an
 * 8-host topology would carry 9 copies, past CloudFormation's 1 MB template
 * limit). So the `AWS::CloudFormation::Init` metadata sits once on a
 * resource that does nothing else (a wait condition handle: no cost, no
 * state), and each host runs `cfn-init --resource <its logical id>`.
 * Hosts with a different file set (other components) get another copy.
 */
export class LabHostFiles extends Construct {
  /**
   * The files resource of this stack for exactly these files, created on first use.
   */
  public static forFiles(scope: Construct, files: readonly HostFile[]): LabHostFiles {
    const stack = Stack.of(scope);
    const metadata = renderInitMetadata(files);
    const fingerprint = crypto.createHash('sha256').update(JSON.stringify(metadata)).digest('hex').slice(0, 8).toUpperCase();
    const id = `LabHostFiles${fingerprint}`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof LabHostFiles) {
      return existing;
    }
    return new LabHostFiles(stack, id, metadata);
  }

  /** The resource carrying the metadata. */
  public readonly resource: CfnWaitConditionHandle;
  /** Its logical id, for `cfn-init --resource`. */
  public readonly logicalId: string;

  private constructor(scope: Construct, id: string, metadata: Record<string, unknown>) {
    super(scope, id);
    this.resource = new CfnWaitConditionHandle(this, 'Resource');
    this.resource.addMetadata('AWS::CloudFormation::Init', metadata);
    this.logicalId = Stack.of(this).getLogicalId(this.resource);
  }
}
