/**
 * The tags by which the tools find what the constructs deployed
 * (docs/design.md, "Tags"): hosts by workshop, attendee, topology and
 * position; step documents by step, action and the topology they run on.
 */
export const LAB_TAGS = {
  /** Every resource: the workshop name. */
  workshop: 'workshop',
  /** Every resource of an attendee stack: the attendee name. */
  attendee: 'attendee',
  /** Every resource of an attendee stack: when its lab expires (UTC, yyyy-mm-ddThh:mm:ssZ). */
  expiresAt: 'expires-at',
  /** A lab host: the kind of its topology (see TOPOLOGIES). */
  topology: 'cnlab:topology',
  /** A lab host: its 1-based position in its topology; HOSTS lists addresses in this order. */
  hostIndex: 'cnlab:host-index',
  /** A lab host: the login user of its image (admin on Debian, ubuntu on Ubuntu), for the SSH command on attendee cards. */
  loginUser: 'cnlab:login-user',
  /** A step document: the step id, e.g. `06-across-hosts`. */
  step: 'cnlab:step',
  /** A step document: run, check or reset. */
  action: 'cnlab:action',
  /** A step document: the topology kind its step runs on (step.json `hosts`). */
  stepHosts: 'cnlab:hosts',
} as const;
