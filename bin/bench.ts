#!/usr/bin/env node
/**
 * Synth benchmark (npm run bench): how long the workshop app takes to
 * synthesize for 1, 10, 50 and 100 attendees, against a bare aws-cdk-lib app
 * with the same stacks and resource count measured in the same run, plus the
 * size of an attendee template and of a host's user data. Prints a markdown
 * table (copy it into docs/benchmarks.md).
 *
 *   npm run bench                   # 1, 10, 50, 100 attendees
 *   npm run bench -- 1 10           # chosen sizes
 *   npm run bench -- --cfn-validation 1 10   # with aws-cdk-lib's built-in CloudFormation validation on
 *   npm run bench -- --steps DIR 1 10        # another folder of steps
 *
 * Everything runs in this process, each app with its own temporary outdir.
 * The built-in CloudFormation validation (on by default in `cdk synth`) is off
 * unless asked for, in both apps, because it dominates the time and is not
 * this project's code.
 */
import { benchReport, parseBenchArgs } from '../tools/bench/bench';

console.log(benchReport(parseBenchArgs(process.argv.slice(2))));
