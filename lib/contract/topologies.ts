/**
 * The topology kinds: which hosts an attendee gets, and where a step runs.
 * A host is tagged with its kind (cnlab:topology), a step document with the
 * kind its step runs on (cnlab:hosts, from step.json's `hosts`); the lab
 * command and the rehearsal match the two. To add a kind, add an entry here
 * and a construct in lib/topology/ (see docs/design.md).
 */

/** What the tools and the constructs agree on about one topology kind. */
export interface TopologySpec {
  /** Fewest hosts. */
  readonly minHosts: number;
  /** Most hosts. */
  readonly maxHosts: number;
  /** Hosts when nothing else is said. */
  readonly defaultHosts: number;
  /** What it is for, one line. */
  readonly description: string;
}

/** Every topology kind, in the order the labs use them (hosts are listed in this order). */
export const TOPOLOGIES = {
  single: { minHosts: 1, maxHosts: 1, defaultHosts: 1, description: 'one lab host (steps 1 to 5 and 7)' },
  multi: { minHosts: 2, maxHosts: 8, defaultHosts: 2, description: 'hosts in one subnet joined by tunnels (step 6)' },
} as const satisfies Record<string, TopologySpec>;

/** A topology kind: `single` or `multi`. */
export type TopologyKind = keyof typeof TOPOLOGIES;

/** All topology kinds, in order. */
export const TOPOLOGY_KINDS = Object.keys(TOPOLOGIES) as readonly TopologyKind[];

/** Whether a text is a topology kind. */
export function isTopologyKind(text: unknown): text is TopologyKind {
  return typeof text === 'string' && (TOPOLOGY_KINDS as readonly string[]).includes(text);
}

/** Whether a topology can have more than one host: its steps then receive HOSTS. */
export function takesHostsParameter(kind: TopologyKind): boolean {
  return TOPOLOGIES[kind].maxHosts > 1;
}

/** Why a host count does not fit a topology, or undefined when it does. */
export function hostCountProblem(kind: TopologyKind, count: number): string | undefined {
  const { minHosts, maxHosts } = TOPOLOGIES[kind];
  if (Number.isInteger(count) && count >= minHosts && count <= maxHosts) {
    return undefined;
  }
  return minHosts === maxHosts ? `exactly ${minHosts}` : `a whole number from ${minHosts} to ${maxHosts}`;
}
