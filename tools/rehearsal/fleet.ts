import * as fs from 'fs';
import * as path from 'path';
import { LAB_HOME } from '../../lib/contract';
import { runQuiet } from '../common/process';
import { HostToBoot } from './boot';
import { Machines, RecordedSignal } from './machines';
import { UsageSampler } from './usage';
import { DockerVariant, machineAddress, machineName } from './variants';
import { notRehearsedLines } from './verdict';

/** A lab host of the template, booted as a machine of one Docker variant. */
export interface BootedMachine {
  readonly name: string;
  readonly address: string;
  readonly host: HostToBoot;
  /** What its user data signalled; undefined when it never signalled. */
  readonly signal?: RecordedSignal;
  /** Seconds from start to signal. */
  readonly seconds: number;
  /** The provisioning phases and their seconds, from provision.sh's log (`docker-engine install: 15`); DEGRADED ones say so. */
  readonly phases: ReadonlyArray<{ readonly phase: string; readonly seconds: number; readonly degraded?: boolean }>;
  /** The `NOT REHEARSED:` lines provisioning printed (the pipework download and check). */
  readonly notRehearsed?: readonly string[];
}

/** Whether a machine is ready: it signalled SUCCESS. */
export function isReady(machine: BootedMachine): boolean {
  return machine.signal?.status === 'SUCCESS';
}

/** What booting needs besides the machines themselves. */
export interface FleetSettings {
  readonly machines: Machines;
  /** Where image archives are kept for the run. */
  readonly workDirectory: string;
  /** The base image archive (debian:trixie-slim) every machine finds in its Docker. */
  readonly baseImageArchive: string;
  /** Files to put on every machine's disk before boot, by path on the machine (e.g. a given pipework). */
  readonly files: Readonly<Record<string, string>>;
  readonly print: (line: string) => void;
  readonly stop: () => boolean;
  /** Samples the machines' memory (phase `boot` until they signal). */
  readonly usage: UsageSampler;
}

/**
 * provision.sh's lines of the phases that passed, `[provision] NAME: OK (N s)`,
 * `[provision] NAME: DEGRADED (N s): why` or, for a phase that printed NOT
 * REHEARSED lines, `[provision] NAME: done, with 1 part(s) NOT REHEARSED
 * (above) (N s)` (`DEGRADED, with ...` when both), from its log.
 */
export function provisionPhases(log: string): Array<{ phase: string; seconds: number; degraded?: boolean }> {
  return [...log.matchAll(/^\[provision\] (.+?): (OK|done|DEGRADED)(?:, with \d+ part\(s\) NOT REHEARSED \(above\))? \((\d+) s\)(?:: .*)?$/gm)]
    .filter((match) => match[2] !== 'done' || match[0].includes('NOT REHEARSED'))
    .map((match) => ({ phase: match[1], seconds: Number(match[3]), ...(match[2] === 'DEGRADED' ? { degraded: true } : {}) }));
}

/**
 * Boots one machine from its host's user data and waits for its signal (at
 * most the creation policy's timeout). Returns it with the text of its
 * provisioning log, which is also kept as `provision-<name>.log` beside the
 * machine operations' logs.
 */
async function bootMachine(
  variant: DockerVariant, host: HostToBoot, address: string, preloadImages: readonly string[], settings: FleetSettings,
): Promise<{ machine: BootedMachine; log: string }> {
  const name = machineName(variant, host.topology, host.hostIndex);
  const started = Date.now();
  await settings.machines.boot({
    name, release: variant.release, address, userData: host.userData, templateFile: host.templateFile, preloadImages, files: settings.files,
  });
  await settings.usage.watch(name, settings.machines.containerOf(name), 'boot');
  const signal = await settings.machines.waitForSignal(name, host.readinessTimeoutSeconds, settings.stop);
  const seconds = (Date.now() - started) / 1000;
  settings.usage.setPhase([name], 'ready');
  await settings.machines.keepPackages(name, variant.release);
  const log = (await settings.machines.exec(name, ['cat', '/var/log/container-networks-provision.log'])).stdout;
  fs.mkdirSync(settings.machines.logDirectory, { recursive: true });
  fs.writeFileSync(path.join(settings.machines.logDirectory, `provision-${name}.log`), log);
  const verdict = signal ? `${signal.status} (${signal.reason})` : `no signal within ${host.readinessTimeoutSeconds} s`;
  settings.print(`[boot ${variant.id}] ${name} (${host.topology} host ${host.hostIndex}, ${address}): ${verdict} after ${seconds.toFixed(0)} s`);
  const machine = { name, address, host, signal, seconds, phases: provisionPhases(log), notRehearsed: [...new Set(notRehearsedLines(log))] };
  return { machine, log };
}

/**
 * The lab images some user data make their hosts build (`LAB_IMAGES='a b'`,
 * see assets/host/user-data.sh), together; undefined when one of them does
 * not say (it then builds every image).
 */
export function labImagesOfAll(userData: readonly string[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const text of userData) {
    const match = /^LAB_IMAGES='([a-z0-9._ -]*)'/m.exec(text);
    if (!match) return undefined;
    match[1].split(' ').filter((name) => name !== '').forEach((name) => names.add(name));
  }
  return names;
}

/** The lab images a ready machine built (cnlab/...) that its peers build too, saved to an archive for them. */
async function saveLabImages(machine: BootedMachine, wanted: ReadonlySet<string> | undefined, archive: string, settings: FleetSettings): Promise<string | undefined> {
  const listed = await settings.machines.exec(machine.name, ['docker', 'image', 'ls', '--format', '{{.Repository}}', 'cnlab/*']);
  const images = [...new Set(listed.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== ''))]
    .filter((image) => wanted === undefined || wanted.has(image.replace(/^cnlab\//, '')));
  if (images.length === 0) return undefined;
  await settings.machines.saveImages(machine.name, images, archive);
  settings.print(`[boot] ${machine.name}'s lab images (${images.join(', ')}) saved for its peers`);
  return archive;
}

/**
 * Boots every lab host of the template as a machine of the variant: the first
 * one alone (it installs everything and builds the lab images), then the
 * others at once with those images already in their Docker (each still boots
 * its own user data: packages, daemons, checks; its image build finds the
 * images current). Returns them in template order. The machine image of the
 * variant's release must be built first (Machines.image).
 */
export async function bootVariant(variant: DockerVariant, hosts: readonly HostToBoot[], settings: FleetSettings): Promise<BootedMachine[]> {
  const { machine: first } = await bootMachine(variant, hosts[0], machineAddress(variant), [settings.baseImageArchive], settings);
  const preload = [settings.baseImageArchive];
  if (hosts.length === 1 || settings.stop()) return [first];
  if (isReady(first)) {
    const wanted = labImagesOfAll(hosts.slice(1).map((host) => host.userData));
    const archive = await saveLabImages(first, wanted, path.join(settings.workDirectory, `${variant.id}-lab-images.tar`), settings);
    if (archive) preload.push(archive);
  }
  const rest = await Promise.all(hosts.slice(1).map((host, index) => bootMachine(variant, host, machineAddress(variant, index + 1), preload, settings)));
  return [first, ...rest.map(({ machine }) => machine)];
}

/**
 * What a proof on a machine of its own (the failure path, the mirror outage)
 * came to: its result, or the error that kept it from finishing, as its
 * problem (with no machine).
 */
export type ProofOutcome<T extends { readonly machine: BootedMachine }> = T | { readonly problem: string; readonly machine?: undefined };

/**
 * A proof whose error becomes its problem, attached where the proof starts: it
 * runs while the steps do, and a rejection nobody handles yet would end the
 * process (no summary, the machines left up). So an error fails that proof,
 * in the summary, and the cleanup still runs.
 */
export function problemOnError<T extends { readonly machine: BootedMachine }>(proof: Promise<T>): Promise<ProofOutcome<T>> {
  return proof.catch((error: unknown) => ({ problem: `stopped by an error: ${(error as Error).message}` }));
}

/** What the broken install script prints: the failure signal must carry it (the end of the failing phase's log). */
export const BROKEN_ON_PURPOSE = 'this install was broken on purpose by the rehearsal';

/**
 * The failure path: a machine whose first component's install script is
 * replaced by one that fails must signal FAILURE naming that phase and
 * carrying the last lines of its log (the host and its log are gone once
 * CloudFormation rolls back). Returns the problem, or undefined when the
 * signal was as expected.
 */
export async function proveFailureSignal(variant: DockerVariant, host: HostToBoot, settings: FleetSettings): Promise<{ problem?: string; machine: BootedMachine }> {
  const template = JSON.parse(fs.readFileSync(host.templateFile, 'utf8')) as { Resources: Record<string, { Metadata?: Record<string, unknown> }> };
  const broken = breakFirstComponent(template);
  const templateFile = path.join(settings.workDirectory, 'failure-path.template.json');
  fs.writeFileSync(templateFile, JSON.stringify(template));
  const failing: DockerVariant = { ...variant, id: `${variant.id}f`, firstAddress: 31 };
  const { machine } = await bootMachine(failing, { ...host, topology: 'failure', hostIndex: 1, templateFile }, machineAddress(failing), [], settings);
  return { problem: failureSignalProblem(machine, broken), machine };
}

/** Why a failure-path machine's signal is not what it should be, or undefined when it is. */
export function failureSignalProblem(machine: Pick<BootedMachine, 'signal'>, broken: string): string | undefined {
  const expected = `failed at: ${broken} install | `;
  if (machine.signal?.status !== 'FAILURE') {
    return `the machine with a broken ${broken} component signalled ${machine.signal ? machine.signal.status : 'nothing'}, not FAILURE`;
  }
  if (!machine.signal.reason.startsWith(expected)) {
    return `its FAILURE reason is "${machine.signal.reason}", not "${expected}..."`;
  }
  if (!machine.signal.reason.includes(BROKEN_ON_PURPOSE)) {
    return `its FAILURE reason does not carry the end of the failing phase's log ("${BROKEN_ON_PURPOSE}"): "${machine.signal.reason}"`;
  }
  if (machine.signal.reason.length > 1000 || /[^\x20-\x7e]/.test(machine.signal.reason)) {
    return `its FAILURE reason is ${machine.signal.reason.length} characters or has characters CloudFormation refuses (at most 1,000 printable ones)`;
  }
  return undefined;
}

/** How long the package mirror is out of reach for the mirror-outage machine. */
export const MIRROR_OUTAGE_SECONDS = 60;

/**
 * The retries a provisioning log shows: `ours`, the lab's own (retry_backoff,
 * the user data's retry: `try N of M failed`), and `apt`, apt's own
 * (Acquire::Retries: `Ign:` and `Err:` lines, which a reachable mirror does
 * not print for Debian's signed InRelease files).
 */
export function outageRetries(log: string): { readonly ours: number; readonly apt: number } {
  return {
    ours: (log.match(/try \d+ of \d+ failed/g) ?? []).length,
    apt: (log.match(/^(?:Ign|Err):\d+ /gm) ?? []).length,
  };
}

/**
 * A busy morning: the variant's first host (that of `built`) booted again while its
 * package mirror (anything outside the emulated VPC) refuses its TCP
 * connections for the first MIRROR_OUTAGE_SECONDS (an iptables REJECT with a
 * TCP reset in this computer's DOCKER-USER chain for the machine's address). Its lab images are preloaded
 * from `built` (the variant's first machine, a ready copy of the same host),
 * as its peers' are, so it builds nothing. It must still become ready: apt,
 * and the rest of provisioning, retry.
 */
export async function proveMirrorOutage(
  variant: DockerVariant, built: BootedMachine, settings: FleetSettings,
): Promise<{ problem?: string; machine: BootedMachine; retries?: ReturnType<typeof outageRetries> }> {
  const archive = await saveLabImages(built, labImagesOfAll([built.host.userData]), path.join(settings.workDirectory, `${variant.id}-outage-images.tar`), settings);
  const preload = [settings.baseImageArchive, ...(archive ? [archive] : [])];
  const outage: DockerVariant = { ...variant, id: `${variant.id}o`, firstAddress: 41 };
  const address = machineAddress(outage);
  // TCP only, reset at once: the mirror refuses (names still resolve), so apt's own few quick
  // retries end soon and the lab's retries, with their growing waits, must carry the boot.
  const rule = ['DOCKER-USER', '-s', `${address}/32`, '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset'];
  const inserted = await runQuiet('iptables', ['-I', ...rule]);
  if (inserted.code !== 0) {
    throw new Error(`iptables -I ${rule.join(' ')} failed: ${inserted.stderr.trim()}`);
  }
  settings.print(`[mirror outage] ${address}: every TCP connection out of the VPC refused for ${MIRROR_OUTAGE_SECONDS} s from boot`);
  const lift = new Promise<void>((resolve) => setTimeout(resolve, MIRROR_OUTAGE_SECONDS * 1000)).then(async () => {
    await runQuiet('iptables', ['-D', ...rule]);
    settings.print(`[mirror outage] ${address}: mirror reachable again`);
  });
  try {
    const { machine, log } = await bootMachine(outage, { ...built.host, topology: 'outage', hostIndex: 1 }, address, preload, settings);
    const retries = outageRetries(log);
    const problem = machine.signal?.status !== 'SUCCESS'
      ? `the machine whose mirror was out for ${MIRROR_OUTAGE_SECONDS} s signalled ${machine.signal ? `${machine.signal.status} (${machine.signal.reason})` : 'nothing'}, not SUCCESS`
      : retries.ours + retries.apt > 0 ? undefined : 'it became ready without a single retry: the outage did not hit its downloads (nothing was proved)';
    return { problem, machine, retries };
  } finally {
    await lift;
  }
}

/** Replaces the first component's install script in the template's cfn-init files with one that fails; returns its name. */
export function breakFirstComponent(template: { Resources: Record<string, { Metadata?: Record<string, unknown> }> }): string {
  for (const resource of Object.values(template.Resources)) {
    const init = resource.Metadata?.['AWS::CloudFormation::Init'] as Record<string, { files?: Record<string, { content?: unknown }> }> | undefined;
    for (const config of Object.values(init ?? {})) {
      const files = config.files ?? {};
      const order = files[`${LAB_HOME}/components/order`];
      if (typeof order?.content !== 'string') continue;
      const first = order.content.split('\n').map((line) => line.replace(/#.*/, '').trim()).find((line) => line !== '');
      const script = first && files[`${LAB_HOME}/components/${first}.sh`];
      if (!first || !script) continue;
      script.content = `#!/usr/bin/env bash\necho "${BROKEN_ON_PURPOSE}" >&2\nexit 3\n`;
      return first;
    }
  }
  throw new Error('No components/order in the template\'s cfn-init files: cannot break a component.');
}
