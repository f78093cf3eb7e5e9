import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isLoopback, summarizeConnections } from '../../../tools/deploy-local/connections';

function traceFile(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-trace-')), 'x.connect.trace');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('summarizeConnections (strace -e trace=connect output)', () => {
  test('counts IPv4 and IPv6 connects, and lists the non-loopback ones with a count', () => {
    const file = traceFile([
      '123 connect(21, {sa_family=AF_INET, sin_port=htons(5000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '123 connect(22, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("52.94.1.1")}, 16) = -1 ENETUNREACH',
      '124 connect(23, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("52.94.1.1")}, 16) = -1 ENETUNREACH',
      '125 connect(24, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      '126 connect(25, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
    ]);
    const summary = summarizeConnections([file, '/nonexistent/trace']);
    expect(summary.total).toBe(4);
    expect([...summary.nonLoopback]).toEqual([['52.94.1.1:443', 2]]);
  });

  test('loopback is 127.0.0.0/8, ::1 and IPv4-mapped 127.x', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1'].some(isLoopback)).toBe(false);
  });
});
