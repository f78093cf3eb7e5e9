import * as crypto from 'crypto';
import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HostFile, renderInitMetadata } from './host-files';

/** The resource last made for a file list (hosts of a stack share the list object): saves hashing it again. */
const FILES_RESOURCE_BY_LIST = new WeakMap<readonly HostFile[], LabHostFiles>();

/**
 * One copy of the lab files per stack, for all hosts that need the same set.
 *
 * Why: the files (helpers, components, image build contexts, every step's
 * guide and scripts) are about 140 KB of template JSON (measured with the 7
 * built-in steps); carried on every instance they multiply with the hosts:
 * the default attendee (3 hosts) would need ~430 KB instead of ~175 KB, and
 * one with a single host plus an 8-host topology ~1.3 MB, past
 * CloudFormation's 1 MB template limit. So the `AWS::CloudFormation::Init` metadata sits once on a
 * resource that does nothing else (a wait condition handle: no cost, no
 * state), and each host runs `cfn-init --resource <its logical id>`.
 * Hosts with a different file set (other components) get another copy.
 */
export class LabHostFiles extends Construct {
  /**
   * The files resource of this stack for exactly these files, created on first use.
   *
   * Its logical id depends on the component names only, not on the files'
   * text: editing a script then updates the metadata in place, and the hosts'
   * user data (which names this resource) stays the same, so CloudFormation
   * does not stop and start every host. Running hosts keep the files they
   * booted with (cfn-init runs at first boot); a new host, or
   * `sudo /opt/aws/bin/cfn-init -v --stack <stack> --resource <id> --region <region>`
   * on a running one, gets the new files.
   *
   * @param componentNames the hosts' components, in order (names the resource)
   */
  public static forFiles(scope: Construct, componentNames: readonly string[], files: readonly HostFile[]): LabHostFiles {
    const stack = Stack.of(scope);
    const known = FILES_RESOURCE_BY_LIST.get(files);
    if (known && Stack.of(known) === stack) {
      return known;
    }
    const metadata = renderInitMetadata(files);
    const rendered = JSON.stringify(metadata);
    const shortHash = (text: string): string => crypto.createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
    let id = `LabHostFiles${shortHash(componentNames.join('\n'))}`;
    let existing = stack.node.tryFindChild(id);
    if (existing instanceof LabHostFiles && existing.rendered !== rendered) {
      // Same components but other files (another steps or images folder): a copy of its own.
      id = `LabHostFiles${shortHash(rendered)}`;
      existing = stack.node.tryFindChild(id);
    }
    const resource = existing instanceof LabHostFiles ? existing : new LabHostFiles(stack, id, metadata, rendered);
    FILES_RESOURCE_BY_LIST.set(files, resource);
    return resource;
  }

  /** The resource carrying the metadata. */
  public readonly resource: CfnWaitConditionHandle;
  /** Its logical id, for `cfn-init --resource`. */
  public readonly logicalId: string;

  /** The metadata as JSON, to tell file sets apart. */
  private readonly rendered: string;

  private constructor(scope: Construct, id: string, metadata: Record<string, unknown>, rendered: string) {
    super(scope, id);
    this.rendered = rendered;
    this.resource = new CfnWaitConditionHandle(this, 'Resource');
    this.resource.addMetadata('AWS::CloudFormation::Init', metadata);
    this.logicalId = Stack.of(this).getLogicalId(this.resource);
  }
}
