import * as fs from 'fs';

/** Where the traced processes connected to, from `strace -e trace=connect` output. */
export interface ConnectionSummary {
  /** Number of IPv4/IPv6 connect() calls. */
  readonly total: number;
  /** Distinct addresses that are not loopback (127.0.0.0/8, ::1, ::ffff:127.x), with a count each. */
  readonly nonLoopback: ReadonlyMap<string, number>;
}

const IPV4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([0-9.]+)"\)/;
const IPV6 = /sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([0-9a-fA-F:.]+)"/;

/** Whether an address is a loopback address. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}

/**
 * Reads strace output (one or more files) and counts internet connects.
 * A connect to port 0 is not a connection (Node's resolver probes with one),
 * and unix sockets are ignored.
 */
export function summarizeConnections(traceFiles: readonly string[]): ConnectionSummary {
  let total = 0;
  const nonLoopback = new Map<string, number>();
  for (const file of traceFiles) {
    if (!fs.existsSync(file)) {
      continue;
    }
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('connect(')) {
        continue;
      }
      const match = IPV4.exec(line) ?? IPV6.exec(line);
      if (!match) {
        continue;
      }
      const [, port, address] = match;
      total++;
      if (!isLoopback(address)) {
        const key = `${address}:${port}`;
        nonLoopback.set(key, (nonLoopback.get(key) ?? 0) + 1);
      }
    }
  }
  return { total, nonLoopback };
}
