import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleLabCommand } from '../build/lab-bundle';

/** One way of starting the lab command. */
interface StartupVariant {
  readonly label: string;
  readonly argv: readonly string[];
}

/** Wall-clock seconds of each run of each variant. */
export interface StartupTimes {
  readonly variant: StartupVariant;
  readonly seconds: readonly number[];
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs each variant `runs` times, interleaved (so a busy moment hits both alike), after one warm-up run each. */
export function measureStartup(variants: readonly StartupVariant[], runs: number, cwd: string): StartupTimes[] {
  const times = variants.map((variant) => ({ variant, seconds: [] as number[] }));
  for (let round = -1; round < runs; round++) {
    for (const entry of times) {
      const started = process.hrtime.bigint();
      const run = spawnSync(entry.variant.argv[0], entry.variant.argv.slice(1), { cwd, encoding: 'utf8' });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (run.status !== 0 || !run.stdout.startsWith('Usage: npx lab')) {
        throw new Error(`${entry.variant.label} did not print the usage (exit ${run.status}): ${run.stderr.slice(0, 300)}`);
      }
      if (round >= 0) {
        entry.seconds.push(seconds);
      }
    }
  }
  return times;
}

/** The markdown table docs/lab-command.md shows. */
export function startupTable(times: readonly StartupTimes[]): string {
  const format = (seconds: number): string => `${seconds.toFixed(2)} s`;
  return [
    '| how `lab help` was started | median | fastest | slowest | runs |',
    '| --- | --- | --- | --- | --- |',
    ...times.map(({ variant, seconds }) =>
      `| ${variant.label} | ${format(median(seconds))} | ${format(Math.min(...seconds))} | ${format(Math.max(...seconds))} | ${seconds.length} |`),
  ].join('\n');
}

/** Bundles the lab command afresh, then times both ways of starting it. */
export async function labStartupReport(repository: string, runs: number): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnlab-lab-startup-'));
  try {
    const bundle = await bundleLabCommand(path.join(folder, 'lab.js'));
    const variants: StartupVariant[] = [
      { label: 'through tsx, as in a clone (`node bin/lab.js help`)', argv: [process.execPath, path.join(repository, 'bin', 'lab.js'), 'help'] },
      { label: `the bundle, as installed from npm (\`node dist/bin/lab.js help\`, ${(bundle.bytes / 1e6).toFixed(1)} MB)`, argv: [process.execPath, bundle.outfile, 'help'] },
    ];
    const times = measureStartup(variants, runs, repository);
    const ratio = median(times[0].seconds) / median(times[1].seconds);
    const load = os.loadavg()[0].toFixed(1);
    return `${startupTable(times)}\n\nNode.js ${process.version}, ${os.cpus().length} cores, load average ${load} at the end; the bundle starts ${ratio.toFixed(1)} times as fast.`;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
