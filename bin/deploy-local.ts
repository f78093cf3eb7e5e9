#!/usr/bin/env node
/**
 * npm run deploy:local — the deploy path, proven without AWS.
 *
 * Starts moto_server (a local AWS emulator) on 127.0.0.1, runs the real CDK
 * CLI against it (bootstrap, deploy of the workshop with attendees alice and
 * bob, destroy), reads the result back through the AWS SDK, and runs the lab
 * command against the same endpoint. One line per phase, then a summary
 * table; exit code 0 only when every phase passed. See docs/deploy-local.md.
 *
 *   npm run deploy:local [-- --port N] [-- --no-trace]
 *
 * Emulator option: hosts boot an AMI moto knows (context amiId), because moto
 * cannot resolve Ubuntu's public AMI parameter. Nothing else differs from a
 * real deployment (test/lib/app/emulator-option.test.ts).
 */
import { stopAll } from '../tools/common/process';
import { deployLocal, parseDeployLocalArgs, USAGE } from '../tools/deploy-local/deploy-local';

// The AWS SDK warns once that Node 20 support ends in 2027; it would split a progress line.
process.removeAllListeners('warning');

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      return;
    }
    interrupted = true;
    process.stdout.write(`\ndeploy:local: ${signal}: stopping moto_server and the commands this run started\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const options = parseDeployLocalArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(`${options}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  return deployLocal(options);
}

main().then(
  async (code) => {
    await stopAll();
    process.exitCode = code;
  },
  async (error: Error) => {
    process.stderr.write(`deploy:local: ${error.stack ?? error.message}\n`);
    await stopAll();
    process.exitCode = 1;
  },
);
