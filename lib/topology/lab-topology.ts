import { IConstruct } from 'constructs';
import { TopologyKind } from '../contract';
import type { LabHost } from '../host/lab-host';

/**
 * A group of one attendee's lab hosts of one kind (see TOPOLOGIES in the
 * contract). The stacks create every topology through this interface: they
 * tag its hosts with the kind and their position, print their outputs, and
 * pass a topology of several hosts the HOSTS parameter.
 */
export interface ILabTopology extends IConstruct {
  /** The topology kind: the hosts' `cnlab:topology` tag and the `hosts` of the steps that run on it. */
  readonly kind: TopologyKind;
  /** The hosts, in host order (their `cnlab:host-index` is the position, from 1). */
  readonly hosts: readonly LabHost[];
}
