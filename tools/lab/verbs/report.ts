import * as fs from 'fs';
import * as path from 'path';
import { regionOf } from '../aws/access-facts';
import { LabContext } from '../aws/context';
import { hostCost, volumeSizes } from '../cost-so-far';
import { EXIT_CODES } from '../errors';
import { renderReportPage } from '../pages/report-page';
import { collectProgress, ProgressSnapshot } from '../progress';
import { isFailedCell } from '../results';
import { LabVerb } from '../verb';

/** Where `lab report` writes unless --out says otherwise. */
export const DEFAULT_REPORT_FILE = 'lab-report.html';

/** Writes the progress page of a snapshot (with the hosts' costs at its moment); resolves with the file's absolute path. */
export async function writeReport(context: LabContext, snapshot: ProgressSnapshot, file: string, refreshSeconds?: number): Promise<string> {
  const hosts = snapshot.readiness.map(({ host }) => host);
  const [region, sizes] = await Promise.all([regionOf(context), volumeSizes(context, hosts)]);
  const costs = hosts.map((host) => hostCost(host, sizes, snapshot.takenAt));
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Write then rename, so a browser reloading the page never reads half of it.
  fs.writeFileSync(`${target}.tmp`, renderReportPage({ snapshot, region, costs, ...(refreshSeconds ? { refreshSeconds } : {}) }));
  fs.renameSync(`${target}.tmp`, target);
  return target;
}

/** `lab report`: one round of readiness and checks, written as the progress page. */
export const reportVerb: LabVerb = {
  name: 'report',
  usage: `  report [STEP]          one round of readiness and checks, written as a progress page
                         (colours, time left, cost so far, FAIL reasons) to --out FILE
                         (default lab-report.html)`,
  options: ['attendee', 'all', 'out'],
  step: 'optional',
  changesHosts: false,
  async run(invocation) {
    const snapshot = await collectProgress(invocation.context, { step: invocation.step, attendee: invocation.attendee, timeoutSeconds: invocation.timeoutSeconds });
    const file = await writeReport(invocation.context, snapshot, invocation.out ?? DEFAULT_REPORT_FILE);
    const failed = snapshot.grid.cells.filter(isFailedCell);
    const ready = snapshot.readiness.filter(({ readiness }) => readiness === 'READY').length;
    invocation.stdout(`wrote ${file}: ${snapshot.grid.attendees.length} attendee(s), ${ready}/${snapshot.readiness.length} hosts ready, ` +
      `${snapshot.grid.cells.filter((cell) => cell.verdict === 'PASS').length} checks passed, ${failed.length} not passing\n`);
    snapshot.grid.warnings.forEach((warning) => invocation.stderr(`warning: ${warning}`));
    return failed.length === 0 && ready === snapshot.readiness.length ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};
