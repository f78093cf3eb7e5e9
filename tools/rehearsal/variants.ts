/**
 * The Docker variants the rehearsal runs every step on: machines built from a
 * Debian release, whose docker.io is the Docker a kind of lab host gets.
 */
export interface DockerVariant {
  /** Short id, used in machine names and the summary: `docker26`. */
  readonly id: string;
  /** The Debian release the machines are built from (debootstrap, and their package source). */
  readonly release: string;
  /** What the variant stands for. */
  readonly description: string;
  /** Last byte of the first machine's address on the emulated VPC (10.99.0.N); the next machines take the next ones. */
  readonly firstAddress: number;
}

/** Every variant, in the order of the summary. */
export const DOCKER_VARIANTS: readonly DockerVariant[] = [
  {
    id: 'docker26',
    release: 'trixie',
    description: "Debian 13's docker.io (26.1): what debian-13 hosts, the default, run",
    firstAddress: 11,
  },
  {
    id: 'docker28',
    release: 'unstable',
    description: "Debian unstable's docker.io (28.x), standing in for the Docker 27/28 of ubuntu-24.04 hosts",
    firstAddress: 21,
  },
];

/** The emulated VPC subnet's first three bytes (machine.sh makes the network 10.99.0.0/24). */
export const VPC_PREFIX = '10.99.0';

/** The address on the emulated VPC of a variant's machine: the variant's first address, plus `index`. */
export function machineAddress(variant: DockerVariant, index = 0): string {
  return `${VPC_PREFIX}.${variant.firstAddress + index}`;
}

/** Picks variants by id (`--variants docker26`); unknown ids are an error. */
export function selectVariants(ids: readonly string[] | undefined): DockerVariant[] {
  if (!ids || ids.length === 0) return [...DOCKER_VARIANTS];
  const unknown = ids.filter((id) => !DOCKER_VARIANTS.some((variant) => variant.id === id));
  if (unknown.length > 0) {
    throw new Error(`--variants: no variant ${unknown.join(', ')} (known: ${DOCKER_VARIANTS.map((variant) => variant.id).join(', ')}).`);
  }
  return DOCKER_VARIANTS.filter((variant) => ids.includes(variant.id));
}

/** A machine's name: the variant's number, the topology's first letter and the host index, e.g. `d26s1`, `d28m2`. */
export function machineName(variant: DockerVariant, topology: string, hostIndex: number): string {
  return `d${variant.id.replace(/\D/g, '')}${topology.charAt(0)}${hostIndex}`;
}
