#!/usr/bin/env node
/**
 * Start-up time of the lab command (npm run bench:lab-startup [-- RUNS]):
 * `lab help` through tsx (how a clone runs it) against the esbuild bundle (how
 * the npm package runs it), both measured in this one run, interleaved, after
 * a warm-up. Prints a markdown table (docs/lab-command.md shows one).
 */
import * as path from 'path';
import { quoteInput } from '../lib/contract';
import { labStartupReport } from '../tools/bench/lab-startup';

const runs = Number(process.argv[2] ?? 10);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`bench:lab-startup: RUNS must be a whole number from 1 to 100, not ${quoteInput(process.argv[2])}`);
  process.exit(2);
}
labStartupReport(path.resolve(__dirname, '..'), runs).then(
  (report) => console.log(report),
  (error: Error) => {
    console.error(`bench:lab-startup: ${error.message}`);
    process.exitCode = 1;
  },
);
