import { Construct } from 'constructs';
import { LabHost, LabHostProps } from '../host/lab-host';
import { ILabTopology } from './lab-topology';

/** Properties of a {@link SingleHostTopology}: those of its one host. */
export interface SingleHostTopologyProps extends Omit<LabHostProps, 'topology'> {}

/** The topology of steps 1 to 5 and 7: one lab host. */
export class SingleHostTopology extends Construct implements ILabTopology {
  /** The topology kind, `single`. */
  public readonly kind = 'single' as const;
  /** The host. */
  public readonly host: LabHost;
  /** The hosts, in order (one). */
  public readonly hosts: readonly LabHost[];

  constructor(scope: Construct, id: string, props: SingleHostTopologyProps) {
    super(scope, id);
    this.host = new LabHost(this, 'Host', { ...props, topology: this.kind });
    this.hosts = [this.host];
  }
}
