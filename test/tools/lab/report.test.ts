// lab report and lab check --watch --out against a fake AWS account: the file,
// its figures, the exit code. (The browser test renders the page.)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatUsd, hostHourUsd, stoppedHostHourUsd } from '../../../lib/cost/prices';
import { hostCost } from '../../../tools/lab/cost-so-far';
import { FoundHost } from '../../../tools/lab/aws/host-inventory';
import { restoreFakeAws, runLab, runWatch } from './fixtures';
import { INJECTION, morningWithChecks, NOW } from './morning';

afterEach(restoreFakeAws);

describe('lab report', () => {
  test('one round of readiness and checks, written as one self-contained page; exit 1 while a check fails', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-report-')), 'out', 'progress.html');
    const { code, stdout } = await runLab(morningWithChecks(), ['report', '--out', file], {}, NOW);
    expect(code).toBe(1);
    expect(stdout).toBe(`wrote ${file}: 3 attendee(s), 7/7 hosts ready, 13 checks passed, 7 not passing\n`);
    const page = fs.readFileSync(file, 'utf8');
    expect(page).not.toMatch(/<script|<link|src="http|href="http/);
    expect(page).toContain('title="multi#2: FAIL: no tunnel port to 10.0.2.11 on br-tun; run step 6 again">FAIL</td>');
    expect(page).not.toContain(INJECTION);
    expect(page).toContain('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
  });

  test('cost so far: each running host at its list price since it last started (alice: a t3.small and two t3.micro with 8 GiB each, for 2 h)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-report-')), 'report.html');
    await runLab(morningWithChecks(), ['report', '--out', file], {}, NOW);
    const alice = formatUsd(2 * (hostHourUsd('t3.small', 8)! + 2 * hostHourUsd('t3.micro', 8)!));
    const row = /<tr data-attendee="alice">[\s\S]*?<\/tr>/.exec(fs.readFileSync(file, 'utf8'))?.[0] ?? '';
    expect(row).toContain(`<td class="cost">${alice}</td>`);
  });

  test('a stopped host counts only its volumes per hour; an unpriced type is said so, not guessed', () => {
    const base: FoundHost = { attendee: 'a', instanceId: 'i-1', topology: 'single', hostIndex: 1, instanceState: 'stopped', agentStatus: 'ConnectionLost', instanceType: 't3.large', volumeIds: ['vol-1'] };
    expect(hostCost(base, new Map([['vol-1', 20]]), NOW)).toEqual({ instanceId: 'i-1', soFarUsd: 0, perHourUsd: stoppedHostHourUsd(20), note: 'stopped: volumes only' });
    expect(hostCost({ ...base, instanceState: 'running', instanceType: 'x9.huge', launchTime: '2026-05-04T09:00:00Z' }, new Map(), NOW).note).toBe('no price for x9.huge in lib/cost/prices.ts');
  });

  test('lab check --watch --out FILE rewrites the page each round, reloading at the interval; --out without --watch is refused', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-report-')), 'live.html');
    await runWatch(morningWithChecks(), ['--interval', '45', '--out', file], 2, { startAt: NOW });
    const page = fs.readFileSync(file, 'utf8');
    expect(page).toContain('<meta http-equiv="refresh" content="45">');
    expect(page).toMatch(/checked 2026-05-04 10:0\d:\d\d UTC/);
    expect(page).not.toContain('checked 2026-05-04 10:00:00 UTC');
    const refused = await runLab(morningWithChecks(), ['check', '--out', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('lab check takes --out only with --watch');
  });
});
