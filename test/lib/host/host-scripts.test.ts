// Issue 11.5: provisioning survives a busy morning. The host scripts run here for real, with
// stand-ins on the PATH for what they call (curl, sleep): bounded retries with growing waits, a
// pipework download that still fails makes the host "degraded" instead of failed, and the failure
// signal's reason carries the failing phase and the end of its log.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPOSITORY } from '../../fixtures/cdk';

const LAB_SH = path.join(REPOSITORY, 'assets', 'lib', 'lab.sh');

/** A folder with CNLAB_HOME's lib/lab.sh and a bin/ of stand-ins that log their calls to calls.log. */
function sandbox(standIns: Record<string, string>): { dir: string; env: Record<string, string>; calls: () => string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-host-'));
  fs.mkdirSync(path.join(dir, 'home', 'lib'), { recursive: true });
  fs.copyFileSync(LAB_SH, path.join(dir, 'home', 'lib', 'lab.sh'));
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const [name, body] of Object.entries({ sleep: 'exit 0', ...standIns })) {
    fs.writeFileSync(path.join(dir, 'bin', name), `#!/bin/bash\necho "${name} $*" >>"${dir}/calls.log"\n${body}\n`, { mode: 0o755 });
  }
  const env = {
    PATH: `${dir}/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: dir, CNLAB_HOME: path.join(dir, 'home'),
    CNLAB_DEGRADED_FILE: path.join(dir, 'degraded'), CNLAB_PIPEWORK: path.join(dir, 'pipework'),
  };
  const calls = (): string[] => (fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);
  return { dir, env, calls };
}

function bash(script: string, env: Record<string, string>, args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', script, 'test', ...args], { env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('retry_backoff (lab.sh): bounded tries, waits that grow, with a random part', () => {
  test('a command that fails twice is tried a third time, after waits of about 10 then 20 seconds', () => {
    const { env, dir, calls } = sandbox({ flaky: `n=$(cat "${'$'}0.count" 2>/dev/null || echo 0); echo $((n + 1)) >"${'$'}0.count"; [ "$n" -ge 2 ]` });
    const { code, stdout } = bash(`. "${LAB_SH}"; retry_backoff 5 10 flaky`, env);
    expect(code).toBe(0);
    expect(stdout).toContain('--> try 1 of 5 failed; next try in');
    expect(stdout).toContain('--> try 2 of 5 failed; next try in');
    const sleeps = calls().filter((call) => call.startsWith('sleep')).map((call) => Number(call.split(' ')[1]));
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(10);
    expect(sleeps[0]).toBeLessThanOrEqual(15);
    expect(sleeps[1]).toBeGreaterThanOrEqual(20);
    expect(sleeps[1]).toBeLessThanOrEqual(30);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('it gives up after the last try, and says so', () => {
    const { env, dir, calls } = sandbox({ broken: 'exit 1' });
    const { code, stdout } = bash(`. "${LAB_SH}"; retry_backoff 3 200 broken`, env);
    expect(code).toBe(1);
    expect(calls().filter((call) => call.startsWith('broken'))).toHaveLength(3);
    // 200, then 400 capped at 300 (5 minutes), each plus up to half.
    const sleeps = calls().filter((call) => call.startsWith('sleep')).map((call) => Number(call.split(' ')[1]));
    expect(sleeps[0]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeGreaterThanOrEqual(300);
    expect(sleeps[1]).toBeLessThanOrEqual(450);
    expect(stdout).toContain('--> failed 3 times, giving up: broken');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('apt_install: an apt-get update that could not reach the mirror is tried again (apt-get update alone exits 0 then)', () => {
    // The stand-in behaves as apt 2.6 and 3.0 do (tried in a container whose mirror was refused):
    // an unreachable mirror is a warning and exit 0, unless APT::Update::Error-Mode=any makes it exit 100.
    const { env, dir, calls } = sandbox({
      'dpkg-query': 'exit 1',
      'apt-get': [
        'case " $* " in',
        `  *" update "*) if [ -f "${'$'}{0%/*}/../down" ]; then rm "${'$'}{0%/*}/../down"; case " $* " in *Error-Mode=any*) echo "E: Failed to fetch"; exit 100 ;; *) echo "W: Failed to fetch"; exit 0 ;; esac; fi; touch "${'$'}{0%/*}/../lists" ;;`,
        `  *" install "*) [ -f "${'$'}{0%/*}/../lists" ] || { echo "E: Unable to locate package jq"; exit 100; } ;;`,
        'esac',
      ].join('\n'),
    });
    fs.writeFileSync(path.join(dir, 'down'), '');
    const { code, stdout } = bash(`. "${LAB_SH}"; apt_install jq`, { ...env, CNLAB_APT_STAMP: path.join(dir, 'apt-updated') });
    expect(stdout).toContain('--> try 1 of 7 failed; next try in');
    expect(code).toBe(0);
    expect(calls().filter((call) => call.startsWith('apt-get') && call.includes(' update'))).toHaveLength(2);
    expect(calls().filter((call) => call.startsWith('apt-get') && call.includes(' install'))).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('apt, docker pull and docker build, and the pipework download go through it', () => {
    const read = (file: string): string => fs.readFileSync(path.join(REPOSITORY, 'assets', file), 'utf8');
    expect(read('lib/lab.sh')).toMatch(/retry_backoff 7 10 apt-get -o DPkg::Lock::Timeout=300 -o APT::Update::Error-Mode=any update/);
    expect(read('lib/lab.sh')).toMatch(/retry_backoff 4 15 env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \\\n\s+apt-get .* install/);
    expect(read('components/lab-images.sh')).toContain('retry_backoff 5 10 docker pull "$BASE_IMAGE"');
    expect(read('components/lab-images.sh')).toContain('retry_backoff 3 20 build_image');
    expect(read('components/pipework.sh')).toContain('retry_backoff "$tries" 10 download_pipework "$tmp"');
    expect(read('host/user-data.sh')).toMatch(/retry 7 10 apt_get -o APT::Update::Error-Mode=any update[\s\S]*retry 4 15 apt_get install[\s\S]*retry 5 10 \/opt\/aws\/cfn-bootstrap\/bin\/pip install[\s\S]*retry 5 10 curl/);
  });
});

describe('step 5 on a host without pipework (pipework_attach in lab.sh)', () => {
  const standIns = {
    docker: `echo '[{"State":{"Pid":4242}}]'`, ip: 'exit 0', 'ovs-vsctl': 'exit 0', nsenter: 'exit 0', arping: 'exit 0',
  };

  test('degraded: says pipework is unavailable and why, then cables by hand (no NOT REHEARSED on a lab host)', () => {
    const { env, dir, calls } = sandbox(standIns);
    fs.writeFileSync(env.CNLAB_DEGRADED_FILE, 'pipework: its download from GitHub failed 5 time(s) (URL); step 5 does its cabling by hand\n');
    const { code, stdout } = bash(`. "${LAB_SH}"; pipework_attach br1 eth1 s5-app01 192.168.2.2/24`, env);
    expect(code).toBe(0);
    expect(stdout).toContain('--> pipework is unavailable on this host: its download from GitHub failed 5 time(s) (URL)');
    expect(stdout).toContain("So here is what 'pipework br1 s5-app01 192.168.2.2/24' does, by hand.");
    expect(stdout).not.toContain('NOT REHEARSED');
    expect(calls()).toContain('ip link add name veth1pl4242 type veth peer name veth1pg4242');
    expect(calls()).toContain('nsenter --target 4242 --net ip addr add 192.168.2.2/24 dev eth1');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('not degraded and no pipework: fails, saying how to install it; nothing is cabled', () => {
    const { env, dir, calls } = sandbox(standIns);
    const { code, stdout } = bash(`. "${LAB_SH}"; pipework_attach br1 eth1 s5-app01 192.168.2.2/24`, env);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL: pipework is not installed at .*pipework: run the host's pipework component again/);
    expect(calls().filter((call) => call.startsWith('ip link add'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('on an Open vSwitch bridge with the userspace datapath the container computes its own checksums; elsewhere nothing more', () => {
    const ethtool = (calls: string[]): string[] => calls.filter((call) => call.includes('ethtool'));
    for (const datapath of ['netdev', 'system']) {
      const { env, dir, calls } = sandbox({ ...standIns, 'ovs-vsctl': '[ "$1 $2" = "br-exists ovsbr1" ]' });
      fs.writeFileSync(env.CNLAB_PIPEWORK, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const { code } = bash(`. "${LAB_SH}"; pipework_attach br1 eth1 s5-app01 192.168.2.2/24; pipework_attach ovsbr1 eth2 s5-app01 192.168.3.2/24`,
        { ...env, CNLAB_OVS_DATAPATH: datapath });
      expect(code).toBe(0);
      expect(ethtool(calls())).toEqual(datapath === 'netdev' ? ['nsenter --target 4242 --net ethtool -K eth2 tx off'] : []);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('restart_docker puts hand-made cables back (lab.sh): a hook stops at its first failing command', () => {
  // restart_docker runs each hook inside an `if`, where bash ignores set -e: the hook must stop by itself.
  const standIns = {
    docker: 'case "$1" in inspect) echo \'[{"State":{"Pid":4242,"Running":true}}]\' ;; esac; exit 0',
    nsenter: 'case " $* " in *" ip link show "*) exit 1 ;; esac; exit 0', // the cable died with the old namespace
    ip: 'case "$*" in "link set s3veth-left netns"* | "link add name veth1pl"*) exit 1 ;; esac; exit 0',
    'ovs-vsctl': 'exit 1', arping: 'exit 0', systemctl: 'exit 0',
  };
  const restart = (dir: string, ...lines: string[]): string => [
    'set -euo pipefail', `. "${LAB_SH}"`, `CNLAB_STATE="${dir}/state"`,
    `remember_cables 03 ${lines.map((line) => `'${line}'`).join(' ')}`, 'restart_docker',
  ].join('\n');

  test('recable_veth: a failing ip in the middle stops the cable and the lines after it, and restart_docker says so', () => {
    const { env, dir, calls } = sandbox(standIns);
    const { code, stdout } = bash(restart(dir, 'recable_veth s3-left s3veth-left 192.168.3.1/24 s3-right s3veth-right 192.168.3.2/24',
      'recable_veth s3-a s3veth-a 192.168.9.1/24 s3-b s3veth-b 192.168.9.2/24'), { ...env, CNLAB_DOCKER_RESTART: 'true' });
    expect(code).toBe(0);
    expect(calls()).toContain('ip link set s3veth-left netns 4242');
    expect(calls()).not.toContain('ip link set s3veth-right netns 4242');
    expect(calls().filter((call) => call.includes('s3veth-a'))).toEqual([]);
    expect(stdout).toMatch(/--> could not put back every cable of .*\/recable\/03\.sh: run that step's run\.sh again/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('recable_pipework by hand (pipework unavailable): a failing ip stops it too', () => {
    const { env, dir, calls } = sandbox(standIns);
    fs.writeFileSync(env.CNLAB_DEGRADED_FILE, 'pipework: its download failed\n');
    const { code, stdout } = bash(restart(dir, 'recable_pipework br1 eth1 s5-app01 192.168.2.2/24'), { ...env, CNLAB_DOCKER_RESTART: 'true' });
    expect(code).toBe(0);
    expect(calls()).toContain('ip link add name veth1pl4242 type veth peer name veth1pg4242');
    expect(calls().filter((call) => call.startsWith('ip link set veth1'))).toEqual([]);
    expect(stdout).toContain('--> could not put back every cable of');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every cable put back: all the commands run and nothing is said to be missing', () => {
    const { env, dir, calls } = sandbox({ ...standIns, ip: 'exit 0' });
    const { code, stdout } = bash(restart(dir, 'recable_veth s3-left s3veth-left 192.168.3.1/24 s3-right s3veth-right 192.168.3.2/24'), { ...env, CNLAB_DOCKER_RESTART: 'true' });
    expect(code).toBe(0);
    expect(calls()).toContain('nsenter --target 4242 --net ip link set s3veth-right up');
    expect(stdout).not.toContain('could not put back');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('restart_docker waits for the containers Docker starts again (lab.sh)', () => {
  test('once they all run, none of them is inspected again', () => {
    const inspect = '[{"Name":"/s3-left","HostConfig":{"RestartPolicy":{"Name":"unless-stopped"}},"State":{"Pid":4242,"Running":true}}]';
    const { env, dir, calls } = sandbox({ docker: `case "$1" in ps) echo 0123abcd ;; inspect) echo '${inspect}' ;; esac; exit 0`, systemctl: 'exit 0' });
    const { code, stdout } = bash(`set -euo pipefail; . "${LAB_SH}"; CNLAB_STATE="${dir}/state"; restart_docker`, { ...env, CNLAB_DOCKER_RESTART: 'true' });
    expect(code).toBe(0);
    expect(stdout).toContain('--> containers with a restart policy that Docker starts again: s3-left');
    expect(stdout).not.toContain('not running yet');
    expect(calls().filter((call) => call === 'docker inspect s3-left')).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('a pipework download that still fails: the host is degraded, not failed', () => {
  const component = path.join(REPOSITORY, 'assets', 'components', 'pipework.sh');
  const check = path.join(REPOSITORY, 'assets', 'components', 'pipework.check.sh');

  test('five tries, then exit 0 with "pipework: ..." in the degraded file; the check says DEGRADED, never PASS', () => {
    const { env, dir, calls } = sandbox({ curl: 'exit 7' });
    const install = bash(`bash "${component}"`, env);
    expect(install.code).toBe(0);
    expect(calls().filter((call) => call.startsWith('curl'))).toHaveLength(5);
    const degraded = fs.readFileSync(env.CNLAB_DEGRADED_FILE, 'utf8');
    expect(degraded).toMatch(/^pipework: its download from GitHub failed 5 time\(s\) \(https:\/\/raw\.githubusercontent\.com\/jpetazzo\/pipework\/[0-9a-f]{40}\/pipework\); step 5 does its cabling by hand\n$/);
    expect(install.stdout).toContain('--> DEGRADED: pipework: its download from GitHub failed 5 time(s)');
    expect(fs.existsSync(env.CNLAB_PIPEWORK)).toBe(false);
    const checked = bash(`bash "${check}"`, env);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^DEGRADED: pipework is not installed: its download from GitHub failed 5 time\(s\)/);
    expect(checked.stdout).not.toContain('PASS:');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('on a rehearsal machine (no GitHub): one try, NOT REHEARSED, and degraded the same way', () => {
    const { env, dir, calls } = sandbox({ curl: 'exit 6' });
    const install = bash(`bash "${component}"`, { ...env, CNLAB_REHEARSAL: '1' });
    expect(install.code).toBe(0);
    expect(calls().filter((call) => call.startsWith('curl'))).toHaveLength(1);
    expect(install.stdout).toMatch(/^NOT REHEARSED: pipework download: curl https:\/\/raw\.githubusercontent\.com\/.* \(GitHub is unreachable from this machine\)$/m);
    expect(fs.readFileSync(env.CNLAB_DEGRADED_FILE, 'utf8')).toMatch(/^pipework: its download from GitHub failed 1 time\(s\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a download whose SHA-256 is not the pinned one is not installed: degraded, saying both hashes', () => {
    const { env, dir } = sandbox({ curl: 'while [ "$#" -gt 1 ]; do [ "$1" = -o ] && { echo "not pipework" >"$2"; exit 0; }; shift; done; exit 1' });
    const install = bash(`bash "${component}"`, env);
    expect(install.code).toBe(0);
    expect(fs.existsSync(env.CNLAB_PIPEWORK)).toBe(false);
    expect(fs.readFileSync(env.CNLAB_DEGRADED_FILE, 'utf8')).toMatch(/^pipework: the downloaded file's SHA-256 is [0-9a-f]{64}, not the pinned [0-9a-f]{64} \(not installed\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('degraded_reason finds a component\'s line, and only its own', () => {
    const { env, dir } = sandbox({});
    fs.writeFileSync(env.CNLAB_DEGRADED_FILE, 'pipework-extra: no\npipework: the download failed\n');
    expect(bash(`. "${LAB_SH}"; degraded_reason pipework`, env)).toMatchObject({ code: 0, stdout: 'the download failed\n' });
    expect(bash(`. "${LAB_SH}"; degraded_reason docker-engine`, env).code).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the failure signal\'s reason (user data): the phase and the end of its log', () => {
  const userData = fs.readFileSync(path.join(REPOSITORY, 'assets', 'host', 'user-data.sh'), 'utf8');
  /** The user data's own failure_reason and plain functions, cut out of it. */
  const functions = ['failure_reason', 'plain'].map((name) => new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?^\\}$`, 'm').exec(userData)?.[0] ?? '').join('\n');

  test('"failed at: PHASE | last lines", one printable line of at most 1,000 characters, the END of the log kept', () => {
    expect(functions).toContain('failure_reason() {');
    const { dir } = sandbox({});
    const log = path.join(dir, 'provision.log');
    const lines = [...Array.from({ length: 200 }, (_, index) => `noise line ${index} ${'x'.repeat(40)}`),
      'E: Unable to fetch some archives, "maybe" run apt-get update \\ or try with --fix-missing? café\t!',
      '[provision] docker-engine install: FAILED (exit 100 after 612 s)', '=== FAILED at: docker-engine install (log: x) ==='];
    fs.writeFileSync(log, `${lines.join('\n')}\n`);
    const { stdout, code } = bash(`${functions}\nLOG="$1"; failure_reason "docker-engine install"`, { PATH: '/usr/bin:/bin' }, [log]);
    expect(code).toBe(0);
    expect(stdout.startsWith('failed at: docker-engine install | ')).toBe(true);
    expect(stdout.endsWith('E: Unable to fetch some archives, maybe run apt-get update  or try with --fix-missing? caf   ! | [provision] docker-engine install: FAILED (exit 100 after 612 s)')).toBe(true);
    expect(stdout.length).toBeLessThanOrEqual(1000);
    expect(stdout).toMatch(/^[\x20-\x7e]+$/);
    expect(stdout).not.toContain('=== FAILED at:');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the reason goes to the wait condition (the creation policy\'s signal carries none), the readiness signal follows', () => {
    expect(userData).toContain(`WAIT_HANDLE='@@WAIT_HANDLE@@'`);
    expect(userData).toMatch(/cfn-signal --success "\$1" --reason "\$2" "\$WAIT_HANDLE"[\s\S]*cfn-signal --success "\$1" \\\n\s+--stack "\$STACK" --resource "\$SIGNAL_RESOURCE"/);
    expect(userData).toContain('signal false "$(failure_reason "$1")"');
    expect(userData).toContain('signal true "lab host ready, degraded: ');
  });
});

describe('issue 13.3: the expiry notice on a host (banner, warnings 30 and 10 minutes before)', () => {
  const component = path.join(REPOSITORY, 'assets', 'components', 'expiry-notice.sh');

  /** The component installed into a root folder of its own; its tool, run with a clock and an expiry of the test's. */
  function installed(): { root: string; tool: (args: string[], env: Record<string, string>) => { code: number | null; stdout: string }; terminals: string; state: string } {
    const { dir, env } = sandbox({});
    const root = path.join(dir, 'root');
    const result = bash(`bash "${component}"`, { ...env, CNLAB_EXPIRY_ROOT: root });
    expect(result.code).toBe(0);
    const terminals = path.join(dir, 'pts');
    fs.mkdirSync(terminals);
    fs.writeFileSync(path.join(terminals, '0'), '');
    fs.writeFileSync(path.join(terminals, '3'), '');
    const state = path.join(dir, 'warned');
    return {
      root, terminals, state,
      tool: (args, extra) => bash(`bash "${root}/usr/local/sbin/cnlab-expiry" "$@"`, { PATH: '/usr/bin:/bin', CNLAB_EXPIRY_STATE: state, CNLAB_EXPIRY_TERMINALS: terminals, ...extra }, args),
    };
  }
  const at = (iso: string): string => String(Date.parse(iso) / 1000);

  test('installs the tool, the motd and profile banners, the bash.bashrc line and a timer every minute', () => {
    const { root } = installed();
    expect(fs.statSync(path.join(root, 'usr/local/sbin/cnlab-expiry')).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(path.join(root, 'etc/update-motd.d/50-cnlab-expiry'), 'utf8')).toContain('cnlab-expiry banner');
    expect(fs.readFileSync(path.join(root, 'etc/profile.d/cnlab-expiry.sh'), 'utf8')).toContain('cnlab-expiry banner');
    expect(fs.readFileSync(path.join(root, 'etc/bash.bashrc'), 'utf8')).toContain('cnlab-expiry banner');
    expect(fs.readFileSync(path.join(root, 'etc/systemd/system/cnlab-expiry-warn.timer'), 'utf8')).toMatch(/OnUnitActiveSec=1min/);
    expect(fs.readFileSync(path.join(root, 'etc/systemd/system/cnlab-expiry-warn.service'), 'utf8')).toContain('ExecStart=/usr/local/sbin/cnlab-expiry warn');
  });

  test('the banner shows the expiry time and the time left (and says so once it has passed)', () => {
    const { tool } = installed();
    const env = { CNLAB_EXPIRES_AT: '2026-05-04T17:00:00Z' };
    expect(tool(['banner'], { ...env, CNLAB_NOW: at('2026-05-04T14:55:00Z') }).stdout)
      .toBe('*** This lab host expires at 2026-05-04 17:00:00Z (UTC), in 2h05m: it is stopped then. Save your notes before. ***\n');
    expect(tool(['banner'], { ...env, CNLAB_NOW: at('2026-05-04T17:30:00Z') }).stdout).toContain("time ended at 2026-05-04 17:00:00Z (UTC). Ask your organiser for more time");
    expect(tool(['banner'], { CNLAB_EXPIRES_AT: 'never' }).stdout).toBe('');
  });

  test('every terminal is warned once at 30 minutes and once at 10; an extended expiry warns again', () => {
    const { tool, terminals } = installed();
    const run = (now: string, expires = '2026-05-04T17:00:00Z'): void => {
      expect(tool(['warn'], { CNLAB_EXPIRES_AT: expires, CNLAB_NOW: at(now) }).code).toBe(0);
    };
    const seen = (): string => fs.readFileSync(path.join(terminals, '3'), 'utf8');
    run('2026-05-04T16:00:00Z');
    expect(seen()).toBe('');
    run('2026-05-04T16:30:00Z');
    expect(seen()).toBe('\r\n*** LAB ENDING: this host expires in 30 minute(s), at 2026-05-04 17:00:00Z (UTC): it is stopped then. Save your work now. ***\r\n');
    run('2026-05-04T16:31:00Z');
    run('2026-05-04T16:45:00Z');
    expect(seen().match(/LAB ENDING/g)).toHaveLength(1);
    run('2026-05-04T16:51:00Z');
    expect(seen().match(/LAB ENDING/g)).toHaveLength(2);
    expect(seen()).toContain('expires in 9 minute(s)');
    expect(fs.readFileSync(path.join(terminals, '0'), 'utf8')).toBe(seen());
    // lab extend moved the tag two hours: the warnings come again before the new time.
    run('2026-05-04T18:35:00Z', '2026-05-04T19:00:00Z');
    expect(seen().match(/LAB ENDING/g)).toHaveLength(3);
    run('2026-05-04T19:05:00Z', '2026-05-04T19:00:00Z');
    expect(seen().match(/LAB ENDING/g)).toHaveLength(3);
  });
});
