import {
  CrossStepAction, crossStepPassed, crossStepPlan, rehearseCrossStep, renderCrossStep,
} from '../../../tools/rehearsal/cross-step';

const ALL = [
  '01-docker-on-the-host', '02-connecting-to-the-host', '03-linking', '04-networking-options',
  '05-pipework', '07-layer-4-7-services',
];

function labels(plan: readonly CrossStepAction[]): string[] {
  return plan.map((action) => `${action.phase}: ${action.action} ${action.stepId.slice(0, 2)}`);
}

describe('cross-step plan', () => {
  test('steps 1-3 and 5 set up, step 4 run and reset, their checks; then 5 reset, 7 set up, step 4 again, checks of 1-3 and 7; resets', () => {
    expect(labels(crossStepPlan(ALL))).toEqual([
      'setup: run 01', 'setup: run 02', 'setup: run 03', 'setup: run 05',
      'restart: run 04', 'restart: reset 04',
      'verify: check 01', 'verify: check 02', 'verify: check 03', 'verify: check 05',
      'setup: reset 05', 'setup: run 07',
      'restart: run 04', 'restart: reset 04',
      'verify: check 01', 'verify: check 02', 'verify: check 03', 'verify: check 07',
      'cleanup: reset 04', 'cleanup: reset 07', 'cleanup: reset 03', 'cleanup: reset 02', 'cleanup: reset 01',
    ]);
  });

  test('labels say what each action is for', () => {
    const plan = crossStepPlan(ALL);
    expect(plan[4].label).toBe('run 04-networking-options (restarts Docker)');
    expect(plan[6].label).toBe('check 01-docker-on-the-host after step 04');
    expect(plan[10].label).toBe('reset 05-pipework (shares an address range with 07-layer-4-7-services)');
    expect(plan[14].label).toBe('check 01-docker-on-the-host after step 04 (round 2)');
  });

  test('one round when no two selected steps conflict', () => {
    expect(labels(crossStepPlan(['02-connecting-to-the-host', '04-networking-options', '07-layer-4-7-services']))).toEqual([
      'setup: run 02', 'setup: run 07', 'restart: run 04', 'restart: reset 04', 'verify: check 02', 'verify: check 07',
      'cleanup: reset 04', 'cleanup: reset 07', 'cleanup: reset 02',
    ]);
  });

  test('nothing to do without step 4, or with step 4 alone (step 6 is multi-host and not part of it)', () => {
    expect(crossStepPlan(['01-docker-on-the-host', '02-connecting-to-the-host'])).toEqual([]);
    expect(crossStepPlan(['04-networking-options', '06-across-hosts'])).toEqual([]);
  });
});

describe('cross-step run', () => {
  const quiet = { print: () => undefined, interrupted: () => false, pause: async () => undefined };

  test('every action ok and the host as before: passed', async () => {
    const ran: string[] = [];
    const result = await rehearseCrossStep(['01-docker-on-the-host', '04-networking-options'], [], {
      ...quiet,
      runAction: async (action) => { ran.push(action.label); return { ok: true, seconds: 1 }; },
      snapshot: async () => ['link docker0'],
    });
    expect(ran).toEqual([
      'run 01-docker-on-the-host', 'run 04-networking-options (restarts Docker)', 'reset 04-networking-options (restarts Docker)',
      'check 01-docker-on-the-host after step 04', 'reset 04-networking-options', 'reset 01-docker-on-the-host',
    ]);
    expect(crossStepPassed(result)).toBe(true);
    expect(renderCrossStep(result)).toContain('Passed: 1 checks passed after step 04\'s run and reset, and the host is as before.');
  });

  test('a failing check fails it; the other checks and the cleanup still run', async () => {
    const ran: string[] = [];
    const result = await rehearseCrossStep(['01-docker-on-the-host', '02-connecting-to-the-host', '04-networking-options'], [], {
      ...quiet,
      runAction: async (action) => {
        ran.push(action.label);
        return action.label.startsWith('check 01') ? { ok: false, seconds: 1, reason: 'rh1 exit 1, FAIL: the container s1-web is not running' } : { ok: true, seconds: 1 };
      },
      snapshot: async () => [],
    });
    expect(ran.slice(4)).toEqual([
      'check 01-docker-on-the-host after step 04', 'check 02-connecting-to-the-host after step 04',
      'reset 04-networking-options', 'reset 02-connecting-to-the-host', 'reset 01-docker-on-the-host',
    ]);
    expect(crossStepPassed(result)).toBe(false);
    expect(renderCrossStep(result)).toContain('| check 01-docker-on-the-host after step 04 | 1.0 | **FAIL**: rh1 exit 1, FAIL: the container s1-web is not running |');
  });

  test('a failing run stops the setup but not the cleanup; leftovers fail it', async () => {
    const ran: string[] = [];
    let look = 0;
    const result = await rehearseCrossStep(['01-docker-on-the-host', '04-networking-options'], [], {
      ...quiet,
      runAction: async (action) => { ran.push(action.label); return { ok: !action.label.startsWith('run 04'), seconds: 1 }; },
      snapshot: async () => (look++ === 0 ? ['link docker0'] : ['link docker0', 'module br_netfilter']),
    });
    expect(ran).toEqual(['run 01-docker-on-the-host', 'run 04-networking-options (restarts Docker)', 'reset 04-networking-options', 'reset 01-docker-on-the-host']);
    expect(result.leftovers).toEqual(['+ module br_netfilter']);
    expect(crossStepPassed(result)).toBe(false);
  });

  test('skipped, saying why, when a step failed its own rehearsal or step 4 is not selected', async () => {
    const never = { ...quiet, runAction: async () => { throw new Error('must not run'); }, snapshot: async () => [] };
    const broken = await rehearseCrossStep(ALL, ['03-linking'], never);
    expect(broken.skipped).toBe('03-linking failed its own rehearsal');
    expect(crossStepPassed(broken)).toBe(false);
    expect(renderCrossStep(broken)).toContain('Not run: 03-linking failed its own rehearsal.');
    expect((await rehearseCrossStep(['01-docker-on-the-host'], [], never)).skipped).toMatch(/needs step 04/);
  });
});
