/** Why a text is not an IPv4 CIDR in canonical form, or undefined when it is one. */
export function ipv4CidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return 'not written a.b.c.d/n';
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) {
    return 'an address part is above 255';
  }
  if (prefix > 32) {
    return 'the prefix length is above 32';
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    const network = (address & mask) >>> 0;
    const text = [24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.');
    return `host bits are set; did you mean ${text}/${prefix}?`;
  }
  return undefined;
}
