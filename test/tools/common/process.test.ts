import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLogged, runQuiet, startBackground, stopAll, tailOfFile } from '../../../tools/common/process';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-process-'));

describe('the process helper', () => {
  afterAll(stopAll);

  test('runLogged: exit code, stdout captured and logged with stderr, header and exit line on request', async () => {
    const logFile = path.join(work, 'one.log');
    const run = await runLogged('sh', ['-c', 'echo out; echo err >&2; exit 3'], { logFile, header: true });
    expect(run.exitCode).toBe(3);
    expect(run.timedOut).toBe(false);
    expect(run.stdout).toBe('out\n');
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).toMatch(/^\$ sh -c echo out; echo err >&2; exit 3\n/);
    expect(log).toContain('out\n');
    expect(log).toContain('err\n');
    expect(log).toMatch(/\[exit 3 after \d+ s\]\n$/);
    expect(tailOfFile(logFile, 1)).toMatch(/^\[exit 3/);
  });

  test('runLogged: a command past its timeout is stopped with its children', async () => {
    const run = await runLogged('sh', ['-c', 'sleep 30 & sleep 30'], { logFile: path.join(work, 'slow.log'), timeoutSeconds: 1 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.signal).toBe('SIGTERM');
  });

  test('runQuiet: a missing program is code 127, not a throw', async () => {
    expect((await runQuiet('/nonexistent/program', [])).code).toBe(127);
    expect(await runQuiet('sh', ['-c', 'echo hi'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
  });

  test('startBackground and stopAll: a server is started in its own group and stopped', async () => {
    const child = startBackground('sleep', ['30'], { logFile: path.join(work, 'server.log') });
    expect(child.pid).toBeGreaterThan(0);
    await stopAll();
    expect(child.signalCode ?? child.exitCode).not.toBeNull();
  });
});
