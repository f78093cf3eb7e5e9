import * as fs from 'fs';
import * as path from 'path';
import { isTopologyKind, STEP_ID_PATTERN, takesHostsParameter, TopologyKind, TOPOLOGY_KINDS } from '../../lib/contract';
import { baseImageArchive } from './base-image';
import { filledUserData, HostToBoot, TemplateHost, templateHosts } from './boot';
import { findTemplateFiles, groupStepDocuments, readStepDocuments, readTemplateResources, TemplateStep } from './documents';
import { bootVariant, BootedMachine, FleetSettings, isReady, problemOnError, ProofOutcome, proveFailureSignal, proveMirrorOutage } from './fleet';
import { takeRehearsalLock } from './hosts';
import { Machines, MachineVersions } from './machines';
import { RehearsalOptions } from './options';
import { PlannedHost, selectSteps, stepVariants } from './plan';
import { killRunningChildren, runLogged, tailOfFile } from '../common/process';
import { stepPassed, StepResult } from './report';
import { CrossStepResult, rehearseCrossStep } from './cross-step';
import { rehearseStep, runActionOnHosts, StepRunnerSettings } from './runner';
import { MachineSizing, renderRehearsalSummary, VariantResult } from './summary';
import { UsageSampler } from './usage';
import { DockerVariant, selectVariants } from './variants';

/**
 * The steps of the templates, plus a failing entry for every step folder of
 * the repository that has no documents in them (a step that would not be
 * deployed is not rehearsed, and says so).
 */
export function withUndeployedStepFolders(steps: readonly TemplateStep[], stepFolderIds: readonly string[]): TemplateStep[] {
  const missing = stepFolderIds.filter((id) => !steps.some((step) => step.id === id)).map((id): TemplateStep => ({
    id,
    documents: {},
    parameters: [],
    multiHost: false,
    problems: [`assets/steps/${id} exists but the templates have no documents tagged cnlab:step=${id}`],
  }));
  return [...steps, ...missing].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The folders and scripts of one rehearsal run. */
interface RehearsalContext {
  readonly options: RehearsalOptions;
  readonly repositoryRoot: string;
  readonly workDirectory: string;
  readonly logDirectory: string;
  readonly machines: Machines;
  readonly print: (line: string) => void;
  readonly interrupted: () => boolean;
  /** Samples the machines' memory, by phase. */
  readonly usage: UsageSampler;
}

/** Synthesizes (unless --no-synth) and returns the template files to rehearse. */
async function templatesToRehearse(context: RehearsalContext): Promise<string[]> {
  const { options, repositoryRoot, workDirectory, logDirectory, print } = context;
  // A folder of its own: cdk.out may be in use by another cdk command.
  const synthOut = path.join(workDirectory, 'cdk.out');
  if (options.synth) {
    print(`npx cdk synth --quiet --output ${path.relative(repositoryRoot, synthOut)} ...`);
    const logFile = path.join(logDirectory, 'synth.log');
    fs.rmSync(synthOut, { recursive: true, force: true });
    const synth = await runLogged('npx', ['cdk', 'synth', '--quiet', '--output', synthOut], { logFile, cwd: repositoryRoot, timeoutSeconds: 900 });
    if (synth.exitCode !== 0) {
      throw new Error(`cdk synth failed (exit ${synth.exitCode ?? synth.signal}); last lines of ${logFile}:\n${tailOfFile(logFile, 40)}`);
    }
    print(`cdk synth ok ${synth.seconds.toFixed(1)}s`);
  }
  const cdkOut = options.synth ? synthOut : path.resolve(repositoryRoot, options.cdkOut ?? 'cdk.out');
  const templateFiles = findTemplateFiles(cdkOut).filter((file) => options.stack === undefined || path.basename(file).includes(options.stack));
  if (templateFiles.length === 0) {
    throw new Error(`No *.template.json in ${cdkOut}${options.stack ? ` matching --stack ${options.stack}` : ''}.`);
  }
  print(`templates: ${templateFiles.map((file) => path.relative(repositoryRoot, file)).join(', ')}`);
  return templateFiles;
}

/** The steps of the templates' documents (plus undeployed step folders), as --steps selects them. */
function stepsToRehearse(context: RehearsalContext, templateFiles: readonly string[]): TemplateStep[] {
  const stepsDirectory = path.join(context.repositoryRoot, 'assets', 'steps');
  const stepFolders = fs.existsSync(stepsDirectory)
    ? fs.readdirSync(stepsDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory() && STEP_ID_PATTERN.test(entry.name)).map((entry) => entry.name)
    : [];
  const allSteps = withUndeployedStepFolders(groupStepDocuments(readStepDocuments(templateFiles)), stepFolders);
  if (allSteps.length === 0) {
    throw new Error('The templates hold no AWS::SSM::Document tagged cnlab:step, and assets/steps has no step folders: nothing to rehearse.');
  }
  return selectSteps(allSteps, context.options.steps);
}

/**
 * The lab hosts to boot: those of one attendee stack (the first template that
 * has any, or the one --stack picks) whose topology the selected steps run on
 * (all of them when no step can run), each with its user data (the template
 * read once for all of them).
 */
export function hostsToBoot(hosts: readonly TemplateHost[], steps: readonly Pick<TemplateStep, 'topology'>[]): HostToBoot[] {
  if (hosts.length === 0) {
    throw new Error('No template has lab hosts (AWS::EC2::Instance tagged cnlab:topology and cnlab:host-index): nothing to boot.');
  }
  const stack = hosts.filter((host) => host.templateFile === hosts[0].templateFile);
  const wanted = new Set(steps.map((step) => step.topology).filter((topology) => topology !== undefined));
  const chosen = stack.filter((host) => wanted.has(host.topology as TopologyKind));
  const resources = readTemplateResources(stack[0].templateFile);
  return (chosen.length > 0 ? chosen : stack).map((host) => ({ ...host, userData: filledUserData(host, resources) }));
}

/** Makes a multi-host machine's underlay usable by Open vSwitch's userspace datapath (see machine/underlay.sh). */
async function prepareUnderlay(context: RehearsalContext, machine: BootedMachine): Promise<void> {
  const script = fs.readFileSync(path.join(context.repositoryRoot, 'tools', 'rehearsal', 'machine', 'underlay.sh'), 'utf8');
  const result = await context.machines.exec(machine.name, ['bash', '-s'], script);
  if (result.code !== 0) {
    throw new Error(`underlay.sh on ${machine.name} failed: ${(result.stderr || result.stdout).trim()}`);
  }
}

/**
 * Runs every selected step on the variant's machines: one lane per topology
 * kind (its steps, in order, on its machines), the lanes side by side as one
 * attendee's hosts would run them. A step whose topology is unknown goes to
 * the first lane, where it fails with its problem.
 */
async function rehearseStepsOn(
  context: RehearsalContext, variant: DockerVariant, machines: readonly BootedMachine[], steps: readonly TemplateStep[],
): Promise<{ results: StepResult[]; crossStep?: CrossStepResult }> {
  let crossStep: CrossStepResult | undefined;
  const lane = async (kind: TopologyKind, index: number): Promise<StepResult[]> => {
    const hosts: PlannedHost[] = machines.filter((machine) => machine.host.topology === kind)
      .map((machine) => ({ name: machine.name, address: machine.address, prefixLength: 24 }));
    const own = steps.filter((step) => step.topology === kind || (index === 0 && step.topology === undefined));
    const results: StepResult[] = [];
    for (const step of own) {
      for (const tunnel of stepVariants(step, context.options.tunnels)) {
        if (context.interrupted()) return results;
        results.push(await rehearseStep(step, tunnel, hosts, runnerSettings(context, variant)));
      }
    }
    if (!takesHostsParameter(kind) && own.length > 0 && !context.interrupted()) {
      // The steps of one host must survive step 4's Docker restarts (see cross-step.ts).
      crossStep = await crossStepOn(context, variant, hosts, own.filter((step) => step.topology === kind), results);
    }
    return results;
  };
  const lanes = await Promise.all(TOPOLOGY_KINDS.map(lane));
  return {
    results: lanes.flat().sort((a, b) => a.stepId.localeCompare(b.stepId) || a.variant.localeCompare(b.variant)),
    crossStep,
  };
}

/** How the step runner reaches a variant's machines. */
function runnerSettings(context: RehearsalContext, variant: DockerVariant, logFolder = ''): StepRunnerSettings {
  return {
    hosts: context.machines,
    logDirectory: path.join(context.logDirectory, variant.id, logFolder),
    scriptDirectory: path.join(context.workDirectory, 'scripts'),
    actionTimeoutSeconds: context.options.actionTimeoutSeconds,
    print: (line) => context.print(`[${variant.id}] ${line}`),
    interrupted: context.interrupted,
    onStepStart: (names, stepId) => context.usage.setPhase(names, stepId),
  };
}

/** The cross-step check on the single-host machine, after the single-host steps' own rehearsals. */
async function crossStepOn(
  context: RehearsalContext, variant: DockerVariant, hosts: readonly PlannedHost[], steps: readonly TemplateStep[], results: readonly StepResult[],
): Promise<CrossStepResult> {
  const settings = runnerSettings(context, variant, 'cross-step');
  context.usage.setPhase(hosts.map((host) => host.name), 'cross-step');
  return rehearseCrossStep(steps.map((step) => step.id), results.filter((result) => !stepPassed(result)).map((result) => result.stepId), {
    runAction: async (action, index) => {
      const step = steps.find((candidate) => candidate.id === action.stepId) as TemplateStep;
      const { entry } = await runActionOnHosts(step, stepVariants(step, context.options.tunnels)[0], hosts, action.action, action.label,
        path.join(settings.logDirectory, String(index).padStart(2, '0')), settings);
      return entry;
    },
    snapshot: () => context.machines.snapshot(hosts[0].name),
    print: settings.print,
    interrupted: context.interrupted,
  });
}

/** What the mirror-outage machine showed (see proveMirrorOutage), or the error that stopped it. */
type OutageResult = ProofOutcome<Awaited<ReturnType<typeof proveMirrorOutage>>>;

/**
 * Boots the variant's machines from the template's user data, then rehearses the steps on them; with
 * `outage` (which never rejects: see problemOnError), boots the mirror-outage machine (preloaded from
 * the first machine) while the steps run, and waits for it whatever the steps do. Never rejects: an
 * error, booting or rehearsing, is the variant's problem, so the rehearsal waits for the other
 * variant before it removes any machine, and the summary says what stopped this one.
 */
async function rehearseVariant(
  context: RehearsalContext, variant: DockerVariant, hosts: readonly HostToBoot[], steps: readonly TemplateStep[], fleet: FleetSettings,
  outage?: (built: BootedMachine) => Promise<OutageResult>,
): Promise<VariantResult & { outage?: OutageResult }> {
  const started = Date.now();
  const stopped = (error: unknown, machines: readonly BootedMachine[], bootSeconds: number): VariantResult => {
    const problem = `stopped by an error: ${(error as Error).message}`;
    context.print(`[${variant.id}] ${problem}`);
    return { variant, machines, bootSeconds, steps: [], problem };
  };
  let machines: BootedMachine[];
  try {
    machines = await bootVariant(variant, hosts, fleet);
  } catch (error) {
    return stopped(error, [], (Date.now() - started) / 1000);
  }
  const bootSeconds = (Date.now() - started) / 1000;
  const outageRun = outage && isReady(machines[0]) && !context.interrupted() ? outage(machines[0]) : Promise.resolve(undefined);
  const result = await rehearseBootedVariant(context, variant, hosts, steps, machines, bootSeconds)
    .catch((error: unknown) => stopped(error, machines, bootSeconds));
  return { ...result, outage: await outageRun };
}

/** The steps on a variant's booted machines, unless one is not ready. */
async function rehearseBootedVariant(
  context: RehearsalContext, variant: DockerVariant, hosts: readonly HostToBoot[], steps: readonly TemplateStep[],
  machines: readonly BootedMachine[], bootSeconds: number,
): Promise<VariantResult> {
  const notReady = machines.filter((machine) => !isReady(machine));
  if (notReady.length > 0 || machines.length < hosts.length) {
    for (const machine of notReady) {
      const log = await context.machines.exec(machine.name, ['tail', '-n', '30', '/var/log/container-networks-provision.log']);
      context.print(`----- [${variant.id}] ${machine.name} is not ready; last lines of its provisioning log:\n${log.stdout}-----`);
    }
    return { variant, machines, bootSeconds, steps: [], problem: `not ready: ${notReady.map((machine) => machine.name).join(', ') || 'interrupted'}` };
  }
  const versions: MachineVersions = await context.machines.versions(machines[0].name);
  context.print(`[${variant.id}] ${versions.os}: Docker ${versions.docker}, containerd ${versions.containerd}, Open vSwitch ${versions.openVswitch}, ${versions.iptables}`);
  for (const machine of machines.filter((candidate) => isTopologyKind(candidate.host.topology) && takesHostsParameter(candidate.host.topology))) {
    await prepareUnderlay(context, machine);
  }
  const stepsStarted = Date.now();
  const { results, crossStep } = await rehearseStepsOn(context, variant, machines, steps);
  const stepsSeconds = (Date.now() - stepsStarted) / 1000;
  context.usage.setPhase(machines.map((machine) => machine.name), 'after');
  const sizing = await Promise.all(machines.map((machine) => sizingOf(context, machine)));
  return { variant, machines, versions, bootSeconds, stepsSeconds, steps: results, sizing, ...(crossStep ? { crossStep } : {}) };
}

/** A machine's peak memory while booting and while running steps (with the step), and the disk its provisioning and labs used. */
async function sizingOf(context: RehearsalContext, machine: BootedMachine): Promise<MachineSizing> {
  const peaks = context.usage.peaksOf(machine.name);
  const steps = [...peaks].filter(([phase]) => !['boot', 'ready', 'after'].includes(phase)).sort((a, b) => b[1] - a[1]);
  return {
    machine: machine.name,
    topology: machine.host.topology,
    bootPeakBytes: peaks.get('boot'),
    stepsPeakBytes: steps[0]?.[1],
    stepsPeakStep: steps[0]?.[0],
    diskBytes: await context.machines.diskUsedBytes(machine.name),
    bootSeconds: machine.seconds,
  };
}

/** The files every machine finds on its disk before boot: a given pipework, as if its download had worked. */
function machineFiles(context: RehearsalContext): Record<string, string> {
  if (context.options.pipework === undefined) {
    context.print('pipework: not given (--pipework PATH): its download and commands are reported NOT REHEARSED');
    return {};
  }
  context.print(`pipework: ${context.options.pipework}, on every machine as /usr/local/bin/pipework before boot`);
  return { '/usr/local/bin/pipework': path.resolve(context.options.pipework) };
}

/**
 * Builds the machine image of each selected variant's release once, before any
 * machine boots: the tag may have been built from other stand-ins by another
 * worktree's rehearsal. Every build ends before a failure is reported.
 */
async function buildMachineImages(context: RehearsalContext, variants: readonly DockerVariant[]): Promise<void> {
  const releases = [...new Set(variants.map((variant) => variant.release))];
  const builds = await Promise.allSettled(releases.map((release) => context.machines.image(release)));
  const failed = builds.find((build): build is PromiseRejectedResult => build.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Removes the run's machines (and any left by an interrupted run). */
async function tearDown(context: RehearsalContext, names: readonly string[]): Promise<void> {
  const all = [...new Set([...names, ...await context.machines.list().catch(() => [])])];
  for (const name of all) {
    await context.machines.destroy(name).catch((error: Error) => context.print(`could not remove ${name}: ${error.message}`));
  }
  if (all.length > 0) context.print(`machines ${all.join(', ')} removed`);
}

/** Runs the whole rehearsal; returns the process exit code. */
export async function rehearse(options: RehearsalOptions, repositoryRoot: string, print: (line: string) => void = console.log): Promise<number> {
  const started = Date.now();
  const workDirectory = path.join(repositoryRoot, '.rehearsal');
  const logDirectory = path.join(workDirectory, 'logs');
  fs.rmSync(logDirectory, { recursive: true, force: true });
  fs.mkdirSync(logDirectory, { recursive: true });
  let interrupted = false;
  const context: RehearsalContext = {
    options, repositoryRoot, workDirectory, logDirectory, print,
    machines: new Machines(path.join(repositoryRoot, 'tools', 'rehearsal', 'machine', 'machine.sh'), path.join(logDirectory, 'machines')),
    interrupted: () => interrupted,
    usage: new UsageSampler(),
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    print(`\n${signal}: stopping the running actions${options.keep ? '' : ', then removing the machines'}`);
    killRunningChildren('SIGTERM');
  };
  const releaseLock = takeRehearsalLock();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const booted: string[] = [];
  try {
    return await rehearseAll(context, started, booted);
  } catch (error) {
    print(`Rehearsal failed: ${(error as Error).message}`);
    return interrupted ? 130 : 1;
  } finally {
    if (options.keep) {
      print(`--keep: the machines stay up; try: bash tools/rehearsal/machine/machine.sh exec ${booted[0] ?? 'NAME'} docker ps`);
    } else {
      await tearDown(context, booted);
    }
    context.usage.stop();
    releaseLock();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The rehearsal proper, between taking the lock and tearing down. */
async function rehearseAll(context: RehearsalContext, started: number, booted: string[]): Promise<number> {
  const { options, print } = context;
  const templateFiles = await templatesToRehearse(context);
  const steps = stepsToRehearse(context, templateFiles);
  const hosts = hostsToBoot(templateHosts(templateFiles), steps);
  const variants = selectVariants(options.variants);
  print(`steps: ${steps.map((step) => `${step.id}${step.multiHost ? ' (multi-host)' : ''}`).join(', ')}`);
  print(`machines per variant: ${hosts.map((host) => `${host.topology} host ${host.hostIndex} (${host.logicalId})`).join(', ')}; variants: ${variants.map((variant) => variant.id).join(', ')}`);
  await tearDown(context, []);
  const fleet: FleetSettings = {
    machines: context.machines,
    workDirectory: context.workDirectory,
    baseImageArchive: await baseImageArchive(path.join(context.repositoryRoot, 'tools', 'rehearsal', 'machine', 'make-base-image.sh'), context.logDirectory),
    files: machineFiles(context),
    print,
    stop: context.interrupted,
    usage: context.usage,
  };
  await buildMachineImages(context, variants);
  // The failure path boots at once, beside the first variant; its error, if any, is its problem (see problemOnError).
  const failurePath = options.failurePath ? problemOnError(proveFailureSignal(variants[0], hosts[0], fleet)) : Promise.resolve(undefined);
  // The mirror outage on the first variant, once its images exist to preload, while its steps run.
  const outage = options.mirrorOutage ? (built: BootedMachine) => problemOnError(proveMirrorOutage(variants[0], built, fleet)) : undefined;
  // All of them, side by side; rehearseVariant never rejects, so this waits for every variant.
  const results = await Promise.all(variants.map((variant, index) => rehearseVariant(context, variant, hosts, steps, fleet, index === 0 ? outage : undefined)));
  const failure = await failurePath;
  const mirrorOutage = results[0]?.outage;
  booted.push(...results.flatMap((result) => result.machines.map((machine) => machine.name)), ...[failure, mirrorOutage].flatMap((extra) => (extra?.machine ? [extra.machine.name] : [])));
  const summary = renderRehearsalSummary({ results, steps, failure, mirrorOutage, tunnels: options.tunnels, totalSeconds: (Date.now() - started) / 1000 });
  print('');
  print(summary.text);
  fs.writeFileSync(path.join(context.workDirectory, 'summary.md'), summary.text);
  print(`logs: ${path.relative(context.repositoryRoot, context.logDirectory)}/, summary: .rehearsal/summary.md`);
  if (context.interrupted()) {
    print('Interrupted.');
    return 130;
  }
  return summary.passed ? 0 : 1;
}
