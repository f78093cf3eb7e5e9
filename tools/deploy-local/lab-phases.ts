import * as fs from 'fs';
import * as path from 'path';
import { GetCommandInvocationCommand } from '@aws-sdk/client-ssm';
import { atExpressionTime, EXPIRES_AT_PARAMETER, HOSTS_PARAMETER } from '../../lib/contract';
import { bundleLabCommand } from '../build/lab-bundle';
import { ATTENDEES, DeployLocalRun, expect, ids, LOGS, rel, required, RUN_DIR, WORKSHOP } from './harness';
import { describeStack } from './inspect';
import { cdkDeployArguments, EMULATOR_EXPIRES_AT, Phase } from './phases';

/** What `lab check --json` prints, as far as the phases read it. */
interface CheckReport {
  attendees: string[];
  steps: string[];
  results: Array<{ attendee: string; step: string; verdict: string; reason?: string; hosts: Array<{ instanceId: string; commandId?: string }> }>;
}

/** Every host, in host order, as `lab hosts` should list it. */
function expectedHostLines(run: DeployLocalRun): string[] {
  return ATTENDEES.flatMap((attendee) => {
    const { single, multi } = run.hostsOf(attendee);
    return [...single.map((host) => ({ attendee, topology: 'single', index: 1, host })),
      ...multi.map((host, index) => ({ attendee, topology: 'multi', index: index + 1, host }))];
  }).map(({ attendee, topology, index, host }) => `${attendee} ${topology}#${index} ${host.instanceId} ${host.privateIp}`);
}

/** The lab command as the npm package ships it (one esbuild file): every lab phase after this one runs it, so its bundled SDK talks to the emulator. */
export const labBundle: Phase = {
  name: 'bundle the lab command (as npm run build does)',
  run: async (run) => {
    const bundle = await bundleLabCommand(path.join(RUN_DIR, 'lab.js'));
    run.labBundle = bundle.outfile;
    return `${rel(bundle.outfile)}: ${(bundle.bytes / 1e6).toFixed(2)} MB, no CDK code; the lab phases run it with node`;
  },
};

export const labHosts: Phase = {
  name: 'lab hosts',
  run: async (run) => {
    await run.newCommands();
    const outcome = await run.lab('lab-hosts', ['hosts', '--json']);
    expect(outcome.exitCode === 0, `lab hosts exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-hosts.log`);
    const report = JSON.parse(outcome.stdout) as { hosts: Array<{ attendee: string; topology: string; hostIndex: number; instanceId: string; privateIp?: string; readiness: string; agentStatus: string }> };
    const expected = expectedHostLines(run);
    const listed = report.hosts.map((host) => `${host.attendee} ${host.topology}#${host.hostIndex} ${host.instanceId} ${host.privateIp}`);
    expect(JSON.stringify(listed) === JSON.stringify(expected), `lab hosts listed ${listed.join('; ')}; EC2 has ${expected.join('; ')}`);
    const readiness = [...new Set(report.hosts.map((host) => `${host.readiness}/${host.agentStatus}`))].join(', ');
    const sent = await run.newCommands();
    expect(sent.length === 1 && sent[0].DocumentName === 'AWS-RunShellScript' &&
      JSON.stringify([...(sent[0].InstanceIds ?? [])].sort()) === JSON.stringify(report.hosts.map((host) => host.instanceId).sort()),
    'the readiness command did not go to exactly the listed hosts');
    return `${report.hosts.length} hosts in host order; readiness ${readiness} (moto: agent status not reported, readiness command answered Success with no output)`;
  },
};

/** `lab run` of the first single-host step for alice: one command, to her single host. */
export function labRunSingle(run: DeployLocalRun): Phase {
  const step = run.stepOf('single');
  return {
    name: `lab run ${step?.id ?? '(no single-host step)'} --attendee alice`,
    run: async () => {
      expect(step, 'no single-host step in assets/steps');
      const outcome = await run.lab('lab-run-single', ['run', step.id.slice(0, 2), '--attendee', 'alice']);
      expect(outcome.exitCode === 0, `lab run exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-run-single.log`);
      const sent = await run.newCommands();
      const target = ids(run.hostsOf('alice').single);
      expect(sent.length === 1, `${sent.length} commands sent; expected 1`);
      expect(sent[0].DocumentName === `${WORKSHOP}-${step.id}-run`, `sent ${sent[0].DocumentName}`);
      expect(JSON.stringify(sent[0].InstanceIds) === JSON.stringify(target), `sent to ${sent[0].InstanceIds?.join(',')}; alice's single host is ${target.join(',')}`);
      return `${sent[0].DocumentName} -> ${target.join(',')} (alice single#1, found by tags)`;
    },
  };
}

/** `lab run` of the first multi-host step for alice: one command to her multi hosts, HOSTS = the output MultiHostAddresses. */
export function labRunMulti(run: DeployLocalRun): Phase {
  const step = run.stepOf('multi');
  return {
    name: `lab run ${step?.id ?? '(no multi-host step)'} --attendee alice --param TUNNEL_TYPE=vxlan`,
    run: async () => {
      expect(step, 'no multi-host step in assets/steps');
      const tunnelParameter = step.parameters.some((parameter) => parameter.name === 'TUNNEL_TYPE');
      const outcome = await run.lab('lab-run-multi', ['run', step.id.slice(0, 2), '--attendee', 'alice', ...(tunnelParameter ? ['--param', 'TUNNEL_TYPE=vxlan'] : [])]);
      expect(outcome.exitCode === 0, `lab run exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-run-multi.log`);
      const sent = await run.newCommands();
      const target = ids(run.hostsOf('alice').multi);
      const addresses = run.outputsOf('alice').MultiHostAddresses;
      expect(sent.length === 1, `${sent.length} commands sent; expected 1 (one per attendee of a multi-host step)`);
      expect(sent[0].DocumentName === `${WORKSHOP}-${step.id}-run`, `sent ${sent[0].DocumentName}`);
      expect(JSON.stringify([...(sent[0].InstanceIds ?? [])].sort()) === JSON.stringify([...target].sort()), `sent to ${sent[0].InstanceIds?.join(',')}; alice's multi hosts are ${target.join(',')}`);
      const hosts = sent[0].Parameters?.[HOSTS_PARAMETER.name]?.[0];
      expect(hosts === addresses, `HOSTS=${hosts}; the stack output MultiHostAddresses is ${addresses}`);
      if (tunnelParameter) {
        expect(sent[0].Parameters?.TUNNEL_TYPE?.[0] === 'vxlan', `TUNNEL_TYPE=${sent[0].Parameters?.TUNNEL_TYPE?.[0]}`);
      }
      return `-> ${target.length} hosts, HOSTS=${addresses} (= output MultiHostAddresses)${tunnelParameter ? ', TUNNEL_TYPE=vxlan' : ''}`;
    },
  };
}

/** `lab check` of the first single-host step for alice: PASS on her single host (moto runs nothing, so no output). */
export function labCheckSingle(run: DeployLocalRun): Phase {
  const step = run.stepOf('single');
  return {
    name: `lab check ${step?.id.slice(0, 2) ?? '?'} --attendee alice`,
    run: async () => {
      expect(step, 'no single-host step in assets/steps');
      const outcome = await run.lab('lab-check-single', ['check', step.id.slice(0, 2), '--attendee', 'alice', '--json']);
      const report = JSON.parse(outcome.stdout || '{}') as CheckReport;
      const cell = report.results?.find((result) => result.attendee === 'alice' && result.step === step.id);
      expect(cell, `no result for alice ${step.id}; see ${rel(LOGS)}/lab-check-single.log`);
      expect(outcome.exitCode === 0 && cell.verdict === 'PASS', `lab check exited ${outcome.exitCode}, verdict ${cell.verdict}`);
      const target = ids(run.hostsOf('alice').single);
      expect(JSON.stringify(cell.hosts.map((host) => host.instanceId)) === JSON.stringify(target), `checked ${cell.hosts.map((host) => host.instanceId).join(',')}; alice's single host is ${target.join(',')}`);
      const sent = await run.newCommands();
      expect(sent.length === 1 && sent[0].DocumentName === `${WORKSHOP}-${step.id}-check`, `sent ${sent.map((command) => command.DocumentName).join(', ')}`);
      const invocation = await required(run.clients, 'the emulator clients').ssm.send(new GetCommandInvocationCommand({ CommandId: cell.hosts[0].commandId, InstanceId: target[0] }));
      const stdout = invocation.StandardOutputContent ?? '';
      return `verdict ${cell.verdict} on ${target[0]}, but the output is ${stdout === '' ? 'EMPTY: no "PASS:" line, moto ran no check (Success/exit 0 is all it says)' : JSON.stringify(stdout.slice(0, 60))}`;
    },
  };
}

export const labCheckAll: Phase = {
  name: 'lab check (every step, every attendee)',
  run: async (run) => {
    const outcome = await run.lab('lab-check-all', ['check', '--json']);
    const report = JSON.parse(outcome.stdout || '{}') as CheckReport;
    expect(report.results, `lab check printed no report (exit ${outcome.exitCode}); see ${rel(LOGS)}/lab-check-all.log`);
    expect(JSON.stringify(report.attendees) === JSON.stringify(ATTENDEES) && JSON.stringify(report.steps) === JSON.stringify(run.steps.map((step) => step.id)),
      `grid is ${report.attendees?.join(',')} x ${report.steps?.join(',')}`);
    for (const result of report.results) {
      const step = run.steps.find((candidate) => candidate.id === result.step);
      expect(step, `lab check reported an unknown step ${result.step}`);
      const target = ids(run.hostsOf(result.attendee)[step.hosts]);
      expect(JSON.stringify(result.hosts.map((host) => host.instanceId)) === JSON.stringify(target), `${result.attendee} ${result.step} was checked on the wrong hosts`);
      expect(result.verdict === 'PASS', `${result.attendee} ${result.step}: ${result.verdict} ${result.reason ?? ''}`);
    }
    const sent = await run.newCommands();
    const expectedCommands = run.steps.reduce((sum, step) => sum + (step.hosts === 'multi' ? ATTENDEES.length : 1), 0);
    expect(sent.length === expectedCommands, `${sent.length} SendCommand calls; expected ${expectedCommands} (single-host steps batched, one per attendee for multi-host)`);
    expect(outcome.exitCode === 0, `lab check exited ${outcome.exitCode}`);
    return `${report.results.length} cells PASS on the right hosts with ${sent.length} SendCommand calls (moto: exit 0, no output)`;
  },
};

/** `lab report`: one round against the emulator, written as the progress page with every attendee's hosts and a cost. */
export const labReport: Phase = {
  name: 'lab report (the progress page)',
  run: async (run) => {
    const file = path.join(RUN_DIR, 'lab-report.html');
    const outcome = await run.lab('lab-report', ['report', '--out', file]);
    expect(outcome.exitCode === 0, `lab report exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-report.log`);
    const page = fs.readFileSync(file, 'utf8');
    const hosts = ATTENDEES.flatMap((attendee) => run.allHostsOf(attendee));
    expect(page.includes(`<b class="hosts-ready">${hosts.length}/${hosts.length}</b>`), `the page does not say ${hosts.length}/${hosts.length} hosts ready`);
    for (const attendee of ATTENDEES) {
      const row = new RegExp(`<tr data-attendee="${attendee}">[\\s\\S]*?<td class="cost">USD [0-9.]+</td>`).exec(page);
      expect(row, `no priced row for ${attendee} in ${rel(file)}`);
    }
    return `${rel(file)}: ${ATTENDEES.length} attendees, ${hosts.length}/${hosts.length} hosts ready, costs from EC2's instance types, launch times and volume sizes`;
  },
};

/** `lab cards`: a card per attendee with their own hosts (from EC2) and nothing of the other attendee's. */
export const labCards: Phase = {
  name: 'lab cards (one card per attendee)',
  run: async (run) => {
    const folder = path.join(RUN_DIR, 'lab-cards');
    const outcome = await run.lab('lab-cards', ['cards', '--out', folder]);
    expect(outcome.exitCode === 0, `lab cards exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-cards.log`);
    for (const attendee of ATTENDEES) {
      const card = fs.readFileSync(path.join(folder, `${attendee}.html`), 'utf8');
      const own = run.allHostsOf(attendee);
      const others = ATTENDEES.filter((name) => name !== attendee).flatMap((name) => run.allHostsOf(name));
      expect(own.every((host) => card.includes(host.instanceId) && card.includes(host.privateIp ?? '?')), `${attendee}.html lacks one of their hosts`);
      expect(others.every((host) => !card.includes(host.instanceId) && !card.includes(host.privateIp ?? '?')), `${attendee}.html shows another attendee's host`);
      expect(card.includes('SSH is not open'), `${attendee}.html offers SSH, but deploy:local deploys without sshCidr`);
    }
    return `${rel(folder)}: index.html and ${ATTENDEES.map((attendee) => `${attendee}.html`).join(', ')}, each with only its own hosts; Session Manager only (no sshCidr)`;
  },
};

/** The attendee stacks' first expiry as their ExpiresAt parameter holds it (no zone suffix). */
const FIRST_EXPIRES_AT = atExpressionTime(new Date(EMULATOR_EXPIRES_AT));

/** How many hours the labExtend phase moves alice's expiry. */
const EXTEND_HOURS = 2;

/** alice's ExpiresAt after the labExtend phase: the first expiry (EMULATOR_EXPIRES_AT) plus EXTEND_HOURS. */
const EXTENDED_EXPIRES_AT = atExpressionTime(new Date(Date.parse(EMULATOR_EXPIRES_AT) + EXTEND_HOURS * 3_600_000));

/** An attendee stack's ExpiresAt parameter as the emulator's CloudFormation holds it (undefined: no such stack or parameter). */
async function deployedExpiresAt(run: DeployLocalRun, attendee: string): Promise<string | undefined> {
  return (await describeStack(required(run.clients, 'the emulator clients'), `${WORKSHOP}-${attendee}`))?.parameters[EXPIRES_AT_PARAMETER];
}

/**
 * `lab extend --attendee alice --hours 2`: CloudFormation updates alice's stack with its deployed
 * template and ExpiresAt two hours later; bob's is left as it was.
 */
export const labExtend: Phase = {
  name: `lab extend --attendee alice --hours ${EXTEND_HOURS}`,
  run: async (run) => {
    const outcome = await run.lab('lab-extend', ['extend', '--attendee', 'alice', '--hours', String(EXTEND_HOURS)]);
    expect(outcome.exitCode === 0, `lab extend exited ${outcome.exitCode}; see ${rel(LOGS)}/lab-extend.log`);
    const [alice, bob] = [await deployedExpiresAt(run, 'alice'), await deployedExpiresAt(run, 'bob')];
    expect(alice === EXTENDED_EXPIRES_AT, `alice's ExpiresAt is ${alice}; expected ${EXTENDED_EXPIRES_AT}`);
    expect(bob === FIRST_EXPIRES_AT, `bob's ExpiresAt is ${bob}; it should not have moved`);
    return `alice's ExpiresAt ${FIRST_EXPIRES_AT} -> ${alice} (UpdateStack with the previous template), bob's unchanged`;
  },
};

/**
 * `cdk deploy --all` again, later and with another `-c expiresAt`: the deployed stacks keep their
 * own ExpiresAt (the CLI passes the previous value of an existing parameter), so alice keeps the
 * extension and bob his first expiry. Only an explicit act moves an expiry (issue 11.3, 13.3).
 */
export const redeployKeepsExpiry: Phase = {
  name: 'cdk deploy again (another expiresAt): expiries stay',
  run: async (run) => {
    const outcome = await run.cli('cdk-deploy-again', 'npx', cdkDeployArguments(run, '2099-06-30T12:00:00Z'));
    expect(outcome.exitCode === 0, `the second cdk deploy exited ${outcome.exitCode}; see ${rel(LOGS)}/cdk-deploy-again.log`);
    const [alice, bob] = [await deployedExpiresAt(run, 'alice'), await deployedExpiresAt(run, 'bob')];
    expect(alice === EXTENDED_EXPIRES_AT, `after the second deploy alice's ExpiresAt is ${alice}; the extension to ${EXTENDED_EXPIRES_AT} should have stayed`);
    expect(bob === FIRST_EXPIRES_AT, `after the second deploy bob's ExpiresAt is ${bob}; it should have stayed ${FIRST_EXPIRES_AT}`);
    return `with -c expiresAt=2099-06-30T12:00:00Z: alice's ExpiresAt still ${alice}, bob's still ${bob}`;
  },
};
