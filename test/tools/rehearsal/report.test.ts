import { ACTION_SEQUENCE } from '../../../tools/rehearsal/plan';
import { progressLine, stepFailure, stepPassed, StepResult } from '../../../tools/rehearsal/report';
import { renderRehearsalSummary } from '../../../tools/rehearsal/summary';
import { DOCKER_VARIANTS } from '../../../tools/rehearsal/variants';
import { TemplateStep } from '../../../tools/rehearsal/documents';
import { judgeAction, notRehearsedLines, SETTLE_ATTEMPTS, settledLeftovers, snapshotDifference } from '../../../tools/rehearsal/verdict';

const OK_EXIT = { exitCode: 0, signal: null, timedOut: false };

describe('verdict on an action', () => {
  test('a check must print a PASS: line and exit 0', () => {
    expect(judgeAction('check', OK_EXIT, '--> looking\nPASS: all good\n')).toEqual({ ok: true });
    expect(judgeAction('check', OK_EXIT, '--> looking\nall good\n')).toEqual({ ok: false, reason: 'exit 0 but no line starting PASS:' });
    expect(judgeAction('check', OK_EXIT, '  PASS: indented does not count\n').ok).toBe(false);
    expect(judgeAction('check', { ...OK_EXIT, exitCode: 1 }, 'FAIL: no route; try run.sh\n'))
      .toEqual({ ok: false, reason: 'exit 1, FAIL: no route; try run.sh' });
    expect(judgeAction('check', { ...OK_EXIT, exitCode: 1 }, 'PASS: printed, but then it failed\n').ok).toBe(false);
  });
  test('a check on a host where the step is not set up must fail, saying so in a FAIL: line', () => {
    const fail = { ...OK_EXIT, exitCode: 1 };
    expect(judgeAction('check', fail, '--> looking\nFAIL: the container s1-web is not running: run the step first\n', 'fail'))
      .toEqual({ ok: true, expectedFailure: 'FAIL: the container s1-web is not running: run the step first' });
    expect(judgeAction('check', OK_EXIT, 'PASS: docker0 is up\n', 'fail'))
      .toEqual({ ok: false, reason: 'exit 0 on a host where the step is not set up: the check must fail here (it said PASS: docker0 is up)' });
    expect(judgeAction('check', fail, 'bash: line 3: jq: command not found\n', 'fail'))
      .toEqual({ ok: false, reason: 'exit 1 but no line starting FAIL: saying what is missing' });
    expect(judgeAction('check', { exitCode: null, signal: 'SIGTERM', timedOut: true }, 'FAIL: x\n', 'fail').ok).toBe(false);
  });
  test('run and reset need exit 0 only', () => {
    expect(judgeAction('run', OK_EXIT, '')).toEqual({ ok: true });
    expect(judgeAction('reset', { ...OK_EXIT, exitCode: 2 }, 'oops')).toEqual({ ok: false, reason: 'exit 2' });
  });
  test('timeouts and signals fail', () => {
    expect(judgeAction('run', { exitCode: null, signal: 'SIGTERM', timedOut: true }, '')).toEqual({ ok: false, reason: 'timed out' });
    expect(judgeAction('run', { exitCode: null, signal: 'SIGKILL', timedOut: false }, '')).toEqual({ ok: false, reason: 'killed by SIGKILL' });
  });
  test('NOT REHEARSED lines are picked out', () => {
    expect(notRehearsedLines('$ x\nNOT REHEARSED: pipework br1 app01 192.168.2.2/24\r\nok\n'))
      .toEqual(['NOT REHEARSED: pipework br1 app01 192.168.2.2/24']);
  });
  test('host state differences: left behind and removed', () => {
    expect(snapshotDifference(['link eth0', 'link docker0'], ['link eth0', 'link docker0'])).toEqual([]);
    expect(snapshotDifference(['link eth0', 'link br1'], ['link eth0', 'container app01 cnlab/hello']))
      .toEqual(['+ container app01 cnlab/hello', '- link br1']);
  });
  test('leftovers once things settle: looked at until none are left, at most SETTLE_ATTEMPTS times, the last ones printed', async () => {
    const printed: string[] = [];
    const pauses: number[] = [];
    const settings = { print: (line: string) => printed.push(line), pause: async (milliseconds: number) => { pauses.push(milliseconds); } };
    const looks = [['+ link veth1'], ['+ link veth1'], []];
    expect(await settledLeftovers(async () => looks.shift() ?? [], 'differs:', settings)).toEqual([]);
    expect(pauses).toEqual([1000, 1000]);
    expect(printed).toEqual([]);
    let count = 0;
    expect(await settledLeftovers(async () => { count += 1; return ['+ container x']; }, 'differs:', settings)).toEqual(['+ container x']);
    expect(count).toBe(SETTLE_ATTEMPTS);
    expect(pauses).toHaveLength(2 + SETTLE_ATTEMPTS - 1);
    expect(printed).toEqual(['differs:', '  + container x']);
  });
});

function allOk(seconds: number): StepResult['entries'] {
  return ACTION_SEQUENCE.map((entry) => ({ label: entry.label, seconds, ok: true, ...(entry.expect === 'fail' ? { expectedFailure: true } : {}) }));
}

describe('summary', () => {
  const results: StepResult[] = [
    { stepId: '01-docker-on-the-host', variant: '', hosts: ['rh1'], entries: allOk(1.25), notRehearsed: [] },
    {
      stepId: '05-pipework', variant: '', hosts: ['rh1'], entries: allOk(2),
      notRehearsed: ['NOT REHEARSED: pipework br1 app01 192.168.2.2/24', 'NOT REHEARSED: pipework br1 app02 192.168.2.3/24'],
    },
    {
      stepId: '06-across-hosts', variant: 'gre', hosts: ['rh1', 'rh2'],
      entries: [{ label: 'reset (before run)', seconds: 0.5, ok: true }, { label: 'run', seconds: 3, ok: true }, { label: 'check', seconds: 4, ok: false, reason: 'rh2 exit 0 but no line starting PASS:' }],
      notRehearsed: [],
    },
    { stepId: '07-services', variant: '', hosts: ['rh1'], entries: [], problem: 'documents: no check document', notRehearsed: [] },
    { stepId: '04-networking-options', variant: '', hosts: ['rh1'], entries: allOk(1), notRehearsed: [], leftovers: ['rh1: + docker-network x bridge'] },
  ];

  test('pass and failure of a step', () => {
    expect(results.map(stepPassed)).toEqual([true, true, false, false, false]);
    expect(stepFailure(results[2])).toBe('check: rh2 exit 0 but no line starting PASS:');
    expect(stepFailure(results[3])).toBe('documents: no check document');
    expect(stepFailure(results[4])).toMatch(/not as before the step after its final reset: rh1: \+ docker-network x bridge/);
    expect(stepFailure({ ...results[0], entries: results[0].entries.slice(0, 3) })).toBe('interrupted');
  });

  test('progress line', () => {
    expect(progressLine('06-across-hosts', 'gre', 'rh1', 'run', true, 12.34)).toBe('[06-across-hosts gre] rh1 run ... ok 12.3s');
    expect(progressLine('01-docker-on-the-host', '', 'rh1', 'check', false, 1, 'exit 1')).toBe('[01-docker-on-the-host] rh1 check ... FAILED (exit 1) 1.0s');
    expect(progressLine('01-docker-on-the-host', '', 'rh1', 'check before run', true, 0.24, undefined, 'FAIL: s1-web is not running'))
      .toBe('[01-docker-on-the-host] rh1 check before run: FAIL (expected) 0.2s, FAIL: s1-web is not running');
  });

  test('the rehearsal summary: a column per Docker variant, seconds per action with the expected FAILs, NOT REHEARSED listed', () => {
    const variant = DOCKER_VARIANTS[0];
    const steps: TemplateStep[] = results.map((result) => ({
      id: result.stepId, documents: {}, problems: [], multiHost: result.variant !== '', topology: result.variant !== '' ? 'multi' : 'single',
      parameters: result.variant !== '' ? [{ name: 'TUNNEL_TYPE', default: 'gre', allowedPattern: '^(gre|vxlan)$' }] : [],
    }));
    const summary = renderRehearsalSummary({ results: [{ variant, machines: [], bootSeconds: 100, stepsSeconds: 50, steps: results }], steps, tunnels: ['gre'], totalSeconds: 201 });
    expect(summary.passed).toBe(false);
    const lines = summary.text.split('\n');
    expect(lines).toContain('| step | tunnel | docker26 |');
    expect(lines).toContain('| 05-pipework | – | pass (20 s), 2 NOT REHEARSED |');
    expect(lines).toContain('| 06-across-hosts | gre | **FAIL** (8 s): check: rh2 exit 0 but no line starting PASS: |');
    expect(lines).toContain('| 01-docker-on-the-host | – | 1.3 | 1.3 FAIL (expected) | 1.3 | 1.3 | 1.3 | 1.3 FAIL (expected) | 1.3 | 1.3 | 1.3 | 1.3 |');
    expect(summary.text).toContain('- `pipework br1 app01 192.168.2.2/24` (printed by 05-pipework)');
    expect(summary.text).toMatch(/Time: docker26: boot 100 s, steps 50 s; whole rehearsal 201 s\./);
    expect(lines[lines.length - 2]).toBe('REHEARSAL FAILED');
    const good = results.filter(stepPassed);
    expect(renderRehearsalSummary({ results: [{ variant, machines: [], bootSeconds: 1, steps: good }], steps: steps.filter((step) => good.some((result) => result.stepId === step.id)), tunnels: ['gre'], totalSeconds: 1 }).passed).toBe(true);
  });
});
