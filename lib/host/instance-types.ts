/**
 * Which EC2 instance types a lab host can be, and which CPU architecture each
 * one has, so that a host boots the image of its own architecture (a t4g
 * host gets the arm64 image of its OS, a t3 host the amd64 one).
 *
 * EC2 has no offline list of instance types, so this is the app's own list of
 * current families (general purpose, compute, memory and storage optimized;
 * accelerated, high-memory and Mac families are left out: nothing in the labs
 * needs them). A family missing here is refused at synth time with the list;
 * add it to KNOWN_FAMILIES when AWS launches one.
 */

/** A CPU architecture of lab hosts, named as Debian and Ubuntu name their images. */
export type HostArchitecture = 'amd64' | 'arm64';

/** Families of AWS Graviton (arm64) processors, and the rest (x86_64). */
const ARM64_FAMILIES = [
  'a1', 't4g', 'm6g', 'm6gd', 'm7g', 'm7gd', 'm8g', 'm8gd', 'c6g', 'c6gd', 'c6gn', 'c7g', 'c7gd', 'c7gn', 'c8g', 'c8gd', 'c8gn',
  'r6g', 'r6gd', 'r7g', 'r7gd', 'r8g', 'r8gd', 'x2gd', 'i4g', 'i8g', 'im4gn', 'is4gen',
] as const;
const AMD64_FAMILIES = [
  't2', 't3', 't3a', 'm5', 'm5a', 'm5ad', 'm5d', 'm5dn', 'm5n', 'm5zn', 'm6a', 'm6i', 'm6id', 'm6idn', 'm6in', 'm7a', 'm7i', 'm7i-flex',
  'm8a', 'm8i', 'm8i-flex', 'c5', 'c5a', 'c5ad', 'c5d', 'c5n', 'c6a', 'c6i', 'c6id', 'c6in', 'c7a', 'c7i', 'c7i-flex', 'c8i',
  'r5', 'r5a', 'r5ad', 'r5b', 'r5d', 'r5dn', 'r5n', 'r6a', 'r6i', 'r6id', 'r6idn', 'r6in', 'r7a', 'r7i', 'r7iz', 'r8i', 'z1d',
  'i3', 'i3en', 'i4i', 'i7ie', 'd3', 'd3en',
] as const;

/** Every family the app knows, with its architecture. */
export const KNOWN_FAMILIES: Readonly<Record<string, HostArchitecture>> = {
  ...Object.fromEntries(AMD64_FAMILIES.map((family) => [family, 'amd64'])),
  ...Object.fromEntries(ARM64_FAMILIES.map((family) => [family, 'arm64'])),
};

/** Instance sizes: nano to 48xlarge, and metal (metal-24xl and the like). */
const SIZE_PATTERN = /^(nano|micro|small|medium|large|xlarge|[1-9]\d?xlarge|metal(-\d{2}xl)?)$/;

/** What an instance type may be, in words (for error messages). */
export const INSTANCE_TYPE_RULE = 'an EC2 instance type written family.size, e.g. t3.large (x86_64) or t4g.large (arm64, Graviton)';

/** Why a text is not an instance type this app can boot, or undefined when it is one. */
export function instanceTypeProblem(instanceType: string): string | undefined {
  const [family, size, ...rest] = instanceType.split('.');
  if (size === undefined || rest.length > 0 || !/^[a-z][a-z0-9-]*$/.test(family)) {
    return INSTANCE_TYPE_RULE;
  }
  if (!(family in KNOWN_FAMILIES)) {
    return `${INSTANCE_TYPE_RULE}; '${family}' is not a family this app knows (${Object.keys(KNOWN_FAMILIES).sort().join(', ')}; add a new one in lib/host/instance-types.ts)`;
  }
  if (!SIZE_PATTERN.test(size)) {
    return `${INSTANCE_TYPE_RULE}; '${size}' is not an instance size (nano, micro, small, medium, large, xlarge, 2xlarge ... 48xlarge, metal)`;
  }
  return undefined;
}

/**
 * The architecture of an instance type: arm64 for Graviton families, amd64
 * for the rest (and for a type not known at synth time, such as a template
 * parameter, whose allowed values are x86_64 types).
 */
export function instanceArchitecture(instanceType: string): HostArchitecture {
  return KNOWN_FAMILIES[instanceType.split('.')[0]] ?? 'amd64';
}
