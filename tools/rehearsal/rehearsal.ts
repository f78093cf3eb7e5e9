import * as fs from 'fs';
import * as path from 'path';
import { findTemplateFiles, groupStepDocuments, readStepDocuments, TemplateStep } from './documents';
import { EmulatedHosts, takeRehearsalLock } from './hosts';
import { buildImage, buildOrder, ensureBaseImage, IMAGE_PREFIX, imageSources } from './images';
import { RehearsalOptions } from './options';
import { hostsForStep, planHosts, PlannedHost, selectSteps, stepVariants } from './plan';
import { killRunningChildren, runLogged, tailOfFile } from './process';
import { renderSummary, stepPassed, StepResult } from './report';
import { crossStepPassed, CrossStepResult, rehearseCrossStep, renderCrossStep } from './cross-step';
import { rehearseStep, runActionOnHosts, StepRunnerSettings } from './runner';

const STEP_FOLDER = /^\d\d-[a-z0-9-]+$/;

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

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Runs the whole rehearsal; returns the process exit code. */
export async function rehearse(options: RehearsalOptions, repositoryRoot: string, print: (line: string) => void = console.log): Promise<number> {
  const started = process.hrtime.bigint();
  const workDirectory = path.join(repositoryRoot, '.rehearsal');
  const logDirectory = path.join(workDirectory, 'logs');
  fs.rmSync(logDirectory, { recursive: true, force: true });
  fs.mkdirSync(logDirectory, { recursive: true });
  const hosts = new EmulatedHosts(path.join(repositoryRoot, 'assets', 'rehearsal', 'emulated-host.sh'), path.join(logDirectory, 'hosts'));

  let interrupted = false;
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    // One Ctrl-C can arrive twice (from the terminal and relayed by npm/tsx):
    // only a signal more than 2 s after the first quits at once.
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt > 2000) {
        print(`${signal} again: quitting without tearing down; remove the hosts with: bash assets/rehearsal/emulated-host.sh down rh1 (rh2, ...)`);
        releaseLock();
        process.exit(130);
      }
      return;
    }
    firstSignalAt = Date.now();
    interrupted = true;
    print(`\n${signal}: stopping the running actions${options.keep ? '' : ', then tearing the emulated hosts down'} (again to quit at once)`);
    killRunningChildren('SIGTERM');
  };
  const releaseLock = takeRehearsalLock();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const hostsUp: string[] = [];
  try {
    // 1. The templates: what would be deployed.
    // The rehearsal synthesizes into a folder of its own: cdk.out may be in use by
    // another cdk command (the CLI locks it), and a rehearsal should not swap the
    // templates under someone else's feet.
    let synthSeconds: number | undefined;
    const synthOut = path.join(workDirectory, 'cdk.out');
    if (options.synth) {
      print(`npx cdk synth --quiet --output ${path.relative(repositoryRoot, synthOut)} ...`);
      const logFile = path.join(logDirectory, 'synth.log');
      fs.rmSync(synthOut, { recursive: true, force: true });
      const synth = await runLogged('npx', ['cdk', 'synth', '--quiet', '--output', synthOut], { logFile, cwd: repositoryRoot, timeoutSeconds: 900 });
      synthSeconds = synth.seconds;
      if (synth.exitCode !== 0) {
        print(`cdk synth failed (exit ${synth.exitCode ?? synth.signal}); last lines of ${logFile}:\n${tailOfFile(logFile, 40)}`);
        return 1;
      }
      print(`cdk synth ok ${synth.seconds.toFixed(1)}s`);
    }
    const cdkOut = options.synth ? synthOut : path.resolve(repositoryRoot, options.cdkOut ?? 'cdk.out');
    const templateFiles = findTemplateFiles(cdkOut).filter((file) => options.stack === undefined || path.basename(file).includes(options.stack));
    if (templateFiles.length === 0) {
      print(`No *.template.json in ${cdkOut}${options.stack ? ` matching --stack ${options.stack}` : ''}.`);
      return 1;
    }
    print(`templates: ${templateFiles.map((file) => path.relative(repositoryRoot, file)).join(', ')}`);
    const stepsDirectory = path.join(repositoryRoot, 'assets', 'steps');
    const stepFolders = fs.existsSync(stepsDirectory)
      ? fs.readdirSync(stepsDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory() && STEP_FOLDER.test(entry.name)).map((entry) => entry.name)
      : [];
    const allSteps = withUndeployedStepFolders(groupStepDocuments(readStepDocuments(templateFiles)), stepFolders);
    if (allSteps.length === 0) {
      print('The templates hold no AWS::SSM::Document tagged cnlab:step, and assets/steps has no step folders: nothing to rehearse.');
      return 1;
    }
    const steps = selectSteps(allSteps, options.steps);
    print(`steps: ${steps.map((step) => `${step.id}${step.multiHost ? ' (multi-host)' : ''}`).join(', ')}`);

    // 2. The hosts this selection needs; none of them may clash with other emulated hosts.
    const hostCount = steps.some((step) => step.multiHost && step.problems.length === 0) ? options.multiHosts : 1;
    const plannedHosts: PlannedHost[] = planHosts(hostCount, options.firstAddress);
    const conflicts = await hosts.addressConflicts(plannedHosts);
    if (conflicts.length > 0) {
      print(`Address conflict on the emulated VPC: ${conflicts.join('; ')}. Stop that host or choose --first-address.`);
      return 1;
    }
    for (const stale of await hosts.listRehearsalHosts()) {
      print(`removing the stale emulated host ${stale}`);
      await hosts.down(stale);
    }

    // 3. Images: the base, then the lab images from the build contexts the template carries.
    const baseStarted = process.hrtime.bigint();
    print(await ensureBaseImage(repositoryRoot, logDirectory));
    const baseImageSeconds = seconds(baseStarted);
    const sources = imageSources(templateFiles, path.join(workDirectory, 'images'), path.join(repositoryRoot, 'assets', 'images'));
    const notes: string[] = [];
    if (sources.fromTemplates) {
      print(`image build contexts: from the templates' AWS::CloudFormation::Init files (${[...sources.contexts.keys()].join(', ')})`);
    } else {
      const note = 'the templates carry no image build contexts (AWS::CloudFormation::Init files under /opt/container-networks/images/): built the lab images from assets/images instead';
      print(`NOTE: ${note}`);
      notes.push(note);
    }
    const buildStarted = process.hrtime.bigint();
    const images: string[] = [];
    for (const name of buildOrder(sources.contexts)) {
      if (interrupted) break;
      const took = await buildImage(name, sources.contexts.get(name) as string, logDirectory);
      images.push(`${IMAGE_PREFIX}/${name}`);
      print(`image ${IMAGE_PREFIX}/${name} built ${took.toFixed(1)}s`);
    }
    const imageBuildSeconds = seconds(buildStarted);

    // 4. Hosts up, images loaded (all hosts at once).
    const hostsStarted = process.hrtime.bigint();
    if (!interrupted) {
      hostsUp.push(...plannedHosts.map((host) => host.name));
      await Promise.all(plannedHosts.map(async (host) => {
        const hostStarted = process.hrtime.bigint();
        await hosts.up(host);
        await hosts.loadImages(host.name, images);
        const leftovers = await hosts.clearDockerLeftovers(host.name);
        if (leftovers.length > 0) {
          print(`host ${host.name}: removed what an earlier rehearsal left in its Docker data: ${leftovers.join(', ')}`);
        }
        print(`host ${host.name} up at ${host.address}, ${images.length} images loaded ${seconds(hostStarted).toFixed(1)}s`);
      }));
    }
    const hostSetupSeconds = seconds(hostsStarted);

    // 5. The steps.
    const toolsDirectory = path.join(workDirectory, 'tools');
    fs.rmSync(toolsDirectory, { recursive: true, force: true });
    fs.mkdirSync(toolsDirectory, { recursive: true });
    let pipework = path.join(toolsDirectory, 'pipework-not-given'); // a path that does not exist
    if (options.pipework !== undefined) {
      pipework = path.join(toolsDirectory, 'pipework');
      fs.copyFileSync(path.resolve(options.pipework), pipework);
      fs.chmodSync(pipework, 0o755);
      print(`pipework: ${options.pipework}, on the hosts as ${pipework}`);
    } else {
      print('pipework: not given (--pipework PATH): steps report its commands as NOT REHEARSED');
    }
    const stepsStarted = process.hrtime.bigint();
    const results: StepResult[] = [];
    const runnerSettings: StepRunnerSettings = {
      hosts,
      logDirectory,
      scriptDirectory: path.join(workDirectory, 'scripts'),
      actionTimeoutSeconds: options.actionTimeoutSeconds,
      hostEnvironment: { CNLAB_PIPEWORK: pipework },
      print,
      interrupted: () => interrupted,
    };
    for (const step of steps) {
      for (const variant of stepVariants(step, options.tunnels)) {
        if (interrupted) break;
        results.push(await rehearseStep(step, variant, hostsForStep(step, plannedHosts, options.multiHosts), runnerSettings));
      }
    }
    // Steps 1-3, 5 and 7 must survive step 4's Docker restarts (see cross-step.ts).
    const crossStep: CrossStepResult = interrupted ? { skipped: 'interrupted', entries: [], leftovers: [] } : await rehearseCrossStep(
      steps.filter((step) => !step.multiHost).map((step) => step.id),
      results.filter((result) => !stepPassed(result)).map((result) => result.stepId),
      {
        runAction: async (action, index) => {
          const step = steps.find((candidate) => candidate.id === action.stepId) as TemplateStep;
          const { entry } = await runActionOnHosts(step, stepVariants(step, options.tunnels)[0], hostsForStep(step, plannedHosts, options.multiHosts),
            action.action, action.label, path.join(logDirectory, 'cross-step', String(index).padStart(2, '0')), runnerSettings);
          return entry;
        },
        snapshot: () => hosts.snapshot(plannedHosts[0].name),
        print,
        interrupted: () => interrupted,
      },
    );
    const stepsSeconds = seconds(stepsStarted);

    const summary = renderSummary(results, {
      ...(synthSeconds !== undefined ? { synth: synthSeconds } : {}),
      baseImage: baseImageSeconds,
      imageBuild: imageBuildSeconds,
      hostSetup: hostSetupSeconds,
      steps: stepsSeconds,
      total: seconds(started),
    }, notes) + renderCrossStep(crossStep);
    print('');
    print(summary);
    fs.writeFileSync(path.join(workDirectory, 'summary.md'), summary);
    print(`logs: ${path.relative(repositoryRoot, logDirectory)}/, summary: .rehearsal/summary.md`);
    if (interrupted) {
      print('Interrupted.');
      return 130;
    }
    const allPassed = results.length === steps.reduce((count, step) => count + stepVariants(step, options.tunnels).length, 0)
      && results.every(stepPassed) && (crossStep.skipped !== undefined || crossStepPassed(crossStep));
    return allPassed ? 0 : 1;
  } catch (error) {
    print(`Rehearsal failed: ${(error as Error).message}`);
    return interrupted ? 130 : 1;
  } finally {
    if (options.keep) {
      if (hostsUp.length > 0) {
        print(`--keep: the emulated hosts ${hostsUp.join(', ')} stay up; try: bash assets/rehearsal/emulated-host.sh exec ${hostsUp[0]} docker ps`);
      }
    } else {
      const down: string[] = [];
      for (const name of [...new Set([...hostsUp, ...await hosts.listRehearsalHosts().catch(() => [])])]) {
        try {
          await hosts.down(name);
          down.push(name);
        } catch (error) {
          print(`could not tear down ${name}: ${(error as Error).message}`);
        }
      }
      if (down.length > 0) print(`emulated hosts ${down.join(', ')} torn down`);
    }
    releaseLock();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
