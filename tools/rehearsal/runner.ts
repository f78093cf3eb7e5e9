import * as fs from 'fs';
import * as path from 'path';
import { StepAction } from '../../lib/contract';
import { StepDocument, TemplateStep } from './documents';
import { StepHosts, TIMED_OUT_EXIT_CODE } from './hosts';
import { AGENT_ENVIRONMENT } from './machines';
import { ACTION_SEQUENCE, parameterEnvironment, PlannedHost, StepVariant, variantValues } from './plan';
import { runLogged, tailOfFile } from '../common/process';
import { progressLine, SequenceEntryResult, stepLabel, StepResult } from './report';
import { judgeAction, notRehearsedLines, settledLeftovers, snapshotDifference } from './verdict';

/** What the step runner needs from the rehearsal. */
export interface StepRunnerSettings {
  readonly hosts: StepHosts;
  /** Action logs go to `<logDirectory>/<step>[-variant]/`. */
  readonly logDirectory: string;
  /** The documents' script files are written to `<scriptDirectory>/<step>/<action>.sh`. */
  readonly scriptDirectory: string;
  /** Longest time an action may take (a document's own timeoutSeconds, if shorter, wins). */
  readonly actionTimeoutSeconds: number;
  /** Prints a line of progress. */
  readonly print: (line: string) => void;
  /** True once the rehearsal is interrupted: stop starting actions. */
  readonly interrupted: () => boolean;
  /** Told when a step starts on its hosts (for the usage figures per step). */
  readonly onStepStart?: (hosts: readonly string[], stepId: string) => void;
}

export interface HostActionResult {
  readonly host: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly expectedFailure?: string;
  readonly seconds: number;
  readonly logFile: string;
  readonly notRehearsed: string[];
}

/**
 * Writes a document's script exactly as the SSM agent would: its runCommand
 * lines joined, to a file that is then run with `sh FILE`.
 */
export function writeDocumentScript(document: StepDocument, scriptDirectory: string): string {
  const file = path.join(scriptDirectory, document.stepId, `${document.action}.sh`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, document.script, { mode: 0o644 });
  return file;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Runs one action of a step on every host at once, as SSM sends a command to
 * several instances. With `expect` = `fail`, a check passes only by failing
 * (see judgeAction).
 */
export async function runActionOnHosts(
  step: TemplateStep,
  variant: StepVariant,
  hosts: readonly PlannedHost[],
  action: StepAction,
  label: string,
  logPrefix: string,
  settings: StepRunnerSettings,
  expect?: 'fail',
): Promise<{ entry: SequenceEntryResult; perHost: HostActionResult[] }> {
  const document = step.documents[action] as StepDocument;
  const scriptFile = writeDocumentScript(document, settings.scriptDirectory);
  const environment = parameterEnvironment(document.parameters, variantValues(step, variant, hosts));
  const timeoutSeconds = Math.min(settings.actionTimeoutSeconds, document.timeoutSeconds ?? Number.POSITIVE_INFINITY);
  const started = process.hrtime.bigint();
  const perHost = await Promise.all(hosts.map(async (host): Promise<HostActionResult> => {
    const logFile = `${logPrefix}-${slug(label)}-${host.name}.log`;
    const { command, args } = await settings.hosts.actionCommand(host.name, environment, scriptFile, timeoutSeconds);
    // The host stops the script at its timeout; this one is a safety net.
    const exit = await runLogged(command, args, { logFile, env: { ...AGENT_ENVIRONMENT }, timeoutSeconds: timeoutSeconds + 60 });
    const run = exit.exitCode === TIMED_OUT_EXIT_CODE ? { ...exit, timedOut: true } : exit;
    const output = fs.readFileSync(logFile, 'utf8');
    const verdict = judgeAction(action, run, output, expect);
    settings.print(progressLine(step.id, variant.label, host.name, label, verdict.ok, run.seconds, verdict.reason, verdict.expectedFailure));
    return {
      host: host.name, ok: verdict.ok, reason: verdict.reason, expectedFailure: verdict.expectedFailure,
      seconds: run.seconds, logFile, notRehearsed: notRehearsedLines(output),
    };
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = perHost.filter((result) => !result.ok);
  return {
    entry: {
      label,
      seconds,
      ok: failed.length === 0,
      ...(failed.length === 0 && expect === 'fail' ? { expectedFailure: true } : {}),
      ...(failed.length > 0 ? { reason: failed.map((result) => `${result.host} ${result.reason ?? 'failed'}`).join('; ') } : {}),
    },
    perHost,
  };
}

/**
 * Why a step cannot be rehearsed on these hosts, or undefined when it can: its
 * documents' problems; no host at all (no machine of its topology was booted:
 * with nothing to run on, every action would pass); a host's Docker engine that
 * does not answer and does not restart. A step that failed may have left a
 * host's Docker engine stopped: it is started again here, so one broken step
 * does not fail every later one.
 */
async function whyNotRehearsable(
  step: TemplateStep, variant: StepVariant, hosts: readonly PlannedHost[], settings: StepRunnerSettings,
): Promise<string | undefined> {
  if (step.problems.length > 0) {
    return `documents: ${step.problems.join('; ')}`;
  }
  if (hosts.length === 0) {
    return `no machine of topology ${step.topology ?? '(none)'} in the template`;
  }
  for (const host of hosts) {
    if (!await settings.hosts.dockerAnswers(host.name)) {
      settings.print(`${stepLabel(step.id, variant.label)} the Docker engine of ${host.name} does not answer (left so by an earlier step?): restarting it`);
      try {
        await settings.hosts.restartDocker(host.name);
      } catch (error) {
        return `the Docker engine of ${host.name} does not answer and did not restart: ${(error as Error).message}`;
      }
    }
  }
  return undefined;
}

/**
 * Rehearses one variant of a step on its hosts: the whole {@link ACTION_SEQUENCE}.
 * The first failing action ends the sequence; its log's tail is printed and a
 * reset is tried so the next step starts on a clean host.
 */
export async function rehearseStep(
  step: TemplateStep,
  variant: StepVariant,
  hosts: readonly PlannedHost[],
  settings: StepRunnerSettings,
): Promise<StepResult> {
  const base = { stepId: step.id, variant: variant.label, hosts: hosts.map((host) => host.name) };
  const unrehearsable = await whyNotRehearsable(step, variant, hosts, settings);
  if (unrehearsable !== undefined) {
    settings.print(`${stepLabel(step.id, variant.label)} cannot be rehearsed: ${unrehearsable}`);
    return { ...base, entries: [], problem: unrehearsable, notRehearsed: [] };
  }
  settings.onStepStart?.(hosts.map((host) => host.name), step.id);
  const logFolder = path.join(settings.logDirectory, `${step.id}${variant.label ? `-${variant.label}` : ''}`);
  fs.rmSync(logFolder, { recursive: true, force: true });
  const entries: SequenceEntryResult[] = [];
  const notRehearsed = new Set<string>();
  let leftovers: string[] = [];
  try {
    const before = await Promise.all(hosts.map((host) => settings.hosts.snapshot(host.name)));
    for (const [index, { action, label, expect }] of ACTION_SEQUENCE.entries()) {
      if (settings.interrupted()) break;
      const logPrefix = path.join(logFolder, String(index + 1).padStart(2, '0'));
      const { entry, perHost } = await runActionOnHosts(step, variant, hosts, action, label, logPrefix, settings, expect);
      entries.push(entry);
      perHost.forEach((result) => result.notRehearsed.forEach((line) => notRehearsed.add(line)));
      if (!entry.ok) {
        for (const result of perHost.filter((candidate) => !candidate.ok)) {
          settings.print(`----- ${stepLabel(step.id, variant.label)} ${result.host} ${label} failed: ${result.reason ?? ''}; last lines of ${result.logFile}:`);
          settings.print(tailOfFile(result.logFile, 40));
          settings.print('-----');
        }
        if (!settings.interrupted()) {
          const cleanup = await runActionOnHosts(step, variant, hosts, 'reset', 'cleanup reset', path.join(logFolder, '99'), settings);
          if (!cleanup.entry.ok) {
            settings.print(`${stepLabel(step.id, variant.label)} the cleanup reset failed too: later steps may find leftovers`);
          }
        }
        break;
      }
    }
    if (entries.length === ACTION_SEQUENCE.length && entries.every((entry) => entry.ok)) {
      leftovers = await settledLeftovers(async () => {
        const after = await Promise.all(hosts.map((host) => settings.hosts.snapshot(host.name)));
        return hosts.flatMap((host, index) => snapshotDifference(before[index], after[index]).map((item) => `${host.name}: ${item}`));
      }, `${stepLabel(step.id, variant.label)} after the final reset the hosts differ from before the step (+ left behind, - removed):`, settings);
    }
  } catch (error) {
    const problem = (error as Error).message;
    settings.print(`${stepLabel(step.id, variant.label)} cannot be rehearsed: ${problem}`);
    return { ...base, entries, problem, notRehearsed: [...notRehearsed] };
  }
  return { ...base, entries, notRehearsed: [...notRehearsed], leftovers };
}
