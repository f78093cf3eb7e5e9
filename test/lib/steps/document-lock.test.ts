// Issue 11.9: a step never runs twice at once on one host. The documents' header takes a host-wide
// lock; these tests run composed documents under sh, as the SSM agent does, side by side.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { composeDocumentScript, HELPERS_SOURCE_LINE, STEP_LOCK_FILE } from '../../../lib/steps/document-content';

const HELPERS = '# helpers\nsay() { printf -- "--> %s\\n" "$*"; }';

/** A document's script whose body is `lines`, written to a file of its own. */
function documentFile(folder: string, name: string, lines: string[]): string {
  const script = ['#!/usr/bin/env bash', 'set -euo pipefail', HELPERS_SOURCE_LINE, ...lines].join('\n');
  const file = path.join(folder, `${name}.sh`);
  fs.writeFileSync(file, composeDocumentScript({ stepId: '01-test', action: 'run', script, helpers: HELPERS, parameters: [], description: 'test' }));
  return file;
}

/** Runs a document with sh and the agent's plain environment; resolves with its exit code, output and end time. */
function run(file: string, environment: Record<string, string>): Promise<{ code: number | null; stdout: string; ended: number }> {
  return new Promise((resolve) => {
    const child = spawn('sh', [file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...environment } });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.on('close', (code) => resolve({ code, stdout, ended: Date.now() }));
  });
}

describe('the step lock in every document', () => {
  let folder: string;
  let lock: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-lock-'));
    lock = path.join(folder, 'lab.lock');
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  test('the header takes the lock in /run/lock and waits 5 minutes at most; no {{ or }} (SSM would read them as parameters)', () => {
    const text = composeDocumentScript({ stepId: '01-test', action: 'check', script: `${HELPERS_SOURCE_LINE}\ntrue`, helpers: HELPERS, parameters: [], description: 'x' });
    expect(STEP_LOCK_FILE).toBe('/run/lock/container-networks-lab.lock');
    expect(text).toContain(`flock -o -w "\${CNLAB_STEP_LOCK_WAIT:-300}" -E 75 "\${CNLAB_STEP_LOCK:-${STEP_LOCK_FILE}}" bash "$0" "$@"`);
    expect(text.indexOf('flock')).toBeLessThan(text.indexOf('say() {'));
    expect(text).not.toMatch(/\{\{|\}\}/);
  });

  test('a second action waits for the first and then runs: never both at once', async () => {
    const slow = documentFile(folder, 'slow', ['echo "slow start"', 'sleep 2', 'echo "slow end"']);
    const quick = documentFile(folder, 'quick', ['echo "quick ran"']);
    const started = Date.now();
    const first = run(slow, { CNLAB_STEP_LOCK: lock });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await run(quick, { CNLAB_STEP_LOCK: lock });
    const firstResult = await first;
    expect([firstResult.code, second.code]).toEqual([0, 0]);
    expect(firstResult.stdout).toBe('slow start\nslow end\n');
    expect(second.stdout).toBe('quick ran\n');
    // The quick one ended after the slow one: it waited for the lock.
    expect(second.ended).toBeGreaterThanOrEqual(firstResult.ended);
    expect(second.ended - started).toBeGreaterThanOrEqual(1900);
  }, 20000);

  test('a second action that waited too long fails with a FAIL line saying why, and runs nothing', async () => {
    const slow = documentFile(folder, 'slow', ['sleep 3']);
    const quick = documentFile(folder, 'quick', ['echo "must not run"']);
    const first = run(slow, { CNLAB_STEP_LOCK: lock });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await run(quick, { CNLAB_STEP_LOCK: lock, CNLAB_STEP_LOCK_WAIT: '1' });
    expect(second.code).toBe(75);
    expect(second.stdout).toBe(`FAIL: another lab step has been running on this host for 1 s (lock ${lock}); let it end, then send this one again\n`);
    expect((await first).code).toBe(0);
  }, 20000);

  test('a process a step leaves in the background does not hold the lock; the exit code is the script\'s', async () => {
    const leaves = documentFile(folder, 'leaves', ['sleep 5 >/dev/null 2>&1 &', 'exit 3']);
    const next = documentFile(folder, 'next', ['echo next']);
    const first = await run(leaves, { CNLAB_STEP_LOCK: lock });
    expect(first.code).toBe(3);
    const second = await run(next, { CNLAB_STEP_LOCK: lock, CNLAB_STEP_LOCK_WAIT: '1' });
    expect([second.code, second.stdout]).toEqual([0, 'next\n']);
  }, 20000);
});
