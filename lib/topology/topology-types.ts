import { Construct } from 'constructs';
import { TopologyKind } from '../contract';
import { LabHostProps } from '../host/lab-host';
import { ILabTopology } from './lab-topology';
import { MultiHostTopology } from './multi-host';
import { SingleHostTopology } from './single-host';

/** How the stacks make a topology of one kind. */
export interface LabTopologyType {
  /** Construct id of the topology in a stack; it starts the names of its outputs (`SingleHostInstanceId`). */
  readonly id: string;
  /** Starts the names of the CloudFormation conditions of the self-contained template (`HasSingle`). */
  readonly conditionLabel: string;
  /** Description of the output listing the hosts' addresses, for a topology whose steps receive HOSTS. */
  readonly addressesDescription?: string;
  /**
   * Instance type of the kind's hosts when the organiser names none: the
   * smallest t3 that keeps 30 % memory headroom above the peak working set
   * the rehearsal measures on such a host (README, "Cost").
   */
  readonly defaultInstanceType: string;
  /** Makes the topology with the given number of hosts (within the kind's range). */
  create(scope: Construct, id: string, props: LabHostProps, hostCount: number): ILabTopology;
}

/**
 * Every topology kind's construct: the one list the stacks loop over. A new
 * kind is an entry in the contract's TOPOLOGIES, a construct file in this
 * folder, and a line here.
 */
export const LAB_TOPOLOGY_TYPES: Readonly<Record<TopologyKind, LabTopologyType>> = {
  single: {
    id: 'SingleHost',
    conditionLabel: 'Single',
    // Builds all six lab images; every single-host step's containers up at once (the rehearsal's
    // cross-step check) peaked at 1.3 GiB measured: 4 GiB (2 GiB would leave barely 30 %).
    defaultInstanceType: 't3.medium',
    create: (scope, id, props) => new SingleHostTopology(scope, id, props),
  },
  multi: {
    id: 'MultiHost',
    conditionLabel: 'Multi',
    // Builds the client and hello images and runs step 6: peak about 0.38 GiB measured, 1 GiB.
    defaultInstanceType: 't3.micro',
    addressesDescription: 'Private IPv4 addresses of the multi-host topology, in host order: the HOSTS parameter of step 6',
    create: (scope, id, props, hostCount) => new MultiHostTopology(scope, id, { ...props, hostCount }),
  },
};
