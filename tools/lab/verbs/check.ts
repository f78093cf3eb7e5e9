import { EXIT_CODES, LabInputError } from '../errors';
import { checkSteps } from '../checks';
import { checkGridToJson, formatCheckGrid } from '../format';
import { gridPassed } from '../results';
import { LabVerb, VerbInvocation } from '../verb';
import { watchProgress } from '../watch';
import { writeReport } from './report';

/** `lab check [STEP]`: the attendee × step grid of PASS / FAIL. */
export const checkVerb: LabVerb = {
  name: 'check',
  usage: `  check [STEP]           run the check of a step (default: every step), print an
                         attendee x step grid of PASS / FAIL with the FAIL reasons;
                         with --watch, again every --interval until Ctrl-C (and
                         with --out FILE, the progress page rewritten each round)`,
  options: ['attendee', 'all', 'json', 'watch', 'interval', 'out'],
  step: 'optional',
  changesHosts: false,
  async run(invocation) {
    if (invocation.flags.has('watch')) {
      return watchChecks(invocation);
    }
    if (invocation.out !== undefined) {
      throw new LabInputError('lab check takes --out only with --watch (the page rewritten each round); for one page: lab report --out FILE.');
    }
    const grid = await checkSteps(invocation.context, { step: invocation.step, attendee: invocation.attendee, timeoutSeconds: invocation.timeoutSeconds });
    invocation.stdout(invocation.flags.has('json') ? `${JSON.stringify(checkGridToJson(grid), null, 2)}\n` : `${formatCheckGrid(grid)}\n`);
    return gridPassed(grid) ? EXIT_CODES.ok : EXIT_CODES.failed;
  },
};

/** `lab check --watch`: rounds until Ctrl-C. */
function watchChecks(invocation: VerbInvocation): Promise<number> {
  const stop = new AbortController();
  const out = invocation.out;
  invocation.onInterrupt(() => stop.abort());
  return watchProgress(invocation.context, {
    request: { step: invocation.step, attendee: invocation.attendee, timeoutSeconds: invocation.timeoutSeconds },
    intervalSeconds: invocation.intervalSeconds,
    signal: stop.signal,
    interactive: invocation.interactive,
    write: invocation.stdout,
    ...(out ? { onSnapshot: (snapshot) => writeReport(invocation.context, snapshot, out, invocation.intervalSeconds) } : {}),
  });
}
