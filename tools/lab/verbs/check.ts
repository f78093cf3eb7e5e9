import { EXIT_CODES } from '../errors';
import { checkSteps } from '../checks';
import { checkGridToJson, formatCheckGrid } from '../format';
import { isFailedCell } from '../results';
import { LabVerb } from '../verb';

/** `lab check [STEP]`: the attendee × step grid of PASS / FAIL. */
export const checkVerb: LabVerb = {
  name: 'check',
  usage: `  check [STEP]           run the check of a step (default: every step), print an
                         attendee x step grid of PASS / FAIL with the FAIL reasons`,
  options: ['attendee', 'all', 'json'],
  step: 'optional',
  changesHosts: false,
  async run(invocation) {
    const grid = await checkSteps(invocation.context, { step: invocation.step, attendee: invocation.attendee, timeoutSeconds: invocation.timeoutSeconds });
    invocation.stdout(invocation.flags.has('json') ? `${JSON.stringify(checkGridToJson(grid), null, 2)}\n` : `${formatCheckGrid(grid)}\n`);
    const graded = grid.cells.filter((cell) => cell.verdict !== 'N/A');
    return graded.length > 0 && !grid.cells.some(isFailedCell) ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};
