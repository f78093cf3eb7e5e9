import { parseArgs } from 'util';
import { CONFIG_DEFAULTS, WORKSHOP_NAME_PATTERN } from '../config';
import { LabContext } from './context';
import { StepAction } from './documents';
import { EXIT_CODES, LabInputError } from './errors';
import { checkGridToJson, formatActionReport, formatCheckGrid, formatHostsTable } from './format';
import { checkSteps, inspectHosts, isFailedCell, runStepAction } from './lab-operations';
import { ProgramRunner, runLocally } from './local';

export const LAB_USAGE = `Usage: npx lab <command> [options]      (in this repository's folder)
       npm run lab -- <command> [options]
       npx lab help                     (npx keeps --help for itself)

Runs the Container Networks lab steps on attendees' lab hosts through AWS
Systems Manager. Hosts are found by their tags (workshop, attendee,
cnlab:topology, cnlab:host-index), step documents by theirs (cnlab:step,
cnlab:action). See docs/lab-command.md.

Commands:
  hosts                  each attendee's hosts: instance, topology, index, private IP,
                         SSM agent status, readiness (agent Online and
                         /var/lib/container-networks/ready present)
  run STEP               run a step on the attendees' hosts, print each host's output
  check [STEP]           run the check of a step (default: every step), print an
                         attendee x step grid of PASS / FAIL with the FAIL reasons
  reset STEP             undo a step on the attendees' hosts

STEP is a step number or id: 6, 06 or 06-across-hosts.

Options:
  --attendee NAME        only this attendee's hosts
  --all                  every attendee of the workshop (run and reset need
                         --attendee or --all; hosts and check default to all)
  --workshop NAME        workshop name (default: $CNLAB_WORKSHOP, else ${CONFIG_DEFAULTS.workshopName})
  --param NAME=VALUE     a step parameter, e.g. --param TUNNEL_TYPE=vxlan (repeatable;
                         HOSTS is filled from the hosts' tags)
  --timeout SECONDS      stop waiting after this long and report the hosts still
                         running as TimedOut (default 600)
  --json                 check and hosts: print JSON instead of text
  --fast                 hosts: agent status only, no readiness command
  --local                run, check or reset on this machine's emulated hosts through
                         the rehearsal (root, dockerd, Open vSwitch; see docs/rehearsal.md)
  -h, --help             this text

AWS settings come from the environment as usual: AWS_REGION, AWS_PROFILE,
AWS_ENDPOINT_URL (e.g. a local emulator), AWS_MAX_ATTEMPTS, AWS_RETRY_MODE.

Exit codes: 0 all passed; 1 a host failed, timed out, was offline or not
ready, or a check failed; 2 invalid input (nothing was sent); 3 AWS error
(region, credentials, permissions).
`;

/** What the CLI needs from the outside world; tests pass fakes. */
export interface LabCliEnvironment {
  readonly createContext: (workshop: string) => LabContext;
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Repository root, for --local. */
  readonly repositoryRoot: string;
  readonly runProgram?: ProgramRunner;
}

const COMMANDS = ['hosts', 'run', 'check', 'reset'] as const;
type LabCommand = typeof COMMANDS[number];

/** Options each command accepts besides --workshop, --timeout and --help. */
const COMMAND_OPTIONS: Record<LabCommand, readonly string[]> = {
  hosts: ['attendee', 'all', 'json', 'fast'],
  run: ['attendee', 'all', 'param', 'local'],
  reset: ['attendee', 'all', 'param', 'local'],
  check: ['attendee', 'all', 'json', 'local'],
};

const DEFAULT_TIMEOUT_SECONDS = 600;
const MAX_TIMEOUT_SECONDS = 172800;

/** Runs the lab command with the given arguments (without node and the script); resolves with the exit code. */
export async function runLabCli(argv: readonly string[], environment: LabCliEnvironment): Promise<number> {
  try {
    return await dispatch(argv, environment);
  } catch (error) {
    if (error instanceof LabInputError) {
      environment.stderr(`lab: ${error.message}`);
      environment.stderr('Run "npx lab help" for usage.');
      return EXIT_CODES.invalidInput;
    }
    const { name, message } = error as { name?: string; message?: string };
    environment.stderr(`lab: AWS error: ${name && name !== 'Error' && !message?.startsWith(name) ? `${name}: ` : ''}${message ?? String(error)}`);
    environment.stderr('Check AWS_REGION, AWS_PROFILE / credentials and the permissions for SSM and EC2 (docs/lab-command.md).');
    return EXIT_CODES.awsError;
  }
}

async function dispatch(argv: readonly string[], environment: LabCliEnvironment): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'attendee': { type: 'string' },
        'all': { type: 'boolean' },
        'workshop': { type: 'string' },
        'param': { type: 'string', multiple: true },
        'timeout': { type: 'string' },
        'json': { type: 'boolean' },
        'fast': { type: 'boolean' },
        'local': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new LabInputError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [commandName, ...operands] = positionals;
  if (values.help || commandName === 'help' || commandName === undefined) {
    environment.stdout(LAB_USAGE);
    return commandName === undefined && !values.help ? EXIT_CODES.invalidInput : EXIT_CODES.ok;
  }
  if (!(COMMANDS as readonly string[]).includes(commandName)) {
    throw new LabInputError(`Unknown command ${JSON.stringify(commandName)}; allowed: ${COMMANDS.join(', ')}.`);
  }
  const command = commandName as LabCommand;
  const given = Object.keys(values).filter((name) => !['workshop', 'timeout', 'help'].includes(name));
  const misplaced = given.filter((name) => !COMMAND_OPTIONS[command].includes(name));
  if (misplaced.length > 0) {
    throw new LabInputError(`lab ${command} does not take ${misplaced.map((name) => `--${name}`).join(', ')}; it takes ${COMMAND_OPTIONS[command].map((name) => `--${name}`).join(', ')}, --workshop, --timeout.`);
  }
  const stepOperands = command === 'hosts' ? 0 : 1;
  if (operands.length > stepOperands) {
    throw new LabInputError(`lab ${command} takes ${stepOperands === 0 ? 'no arguments' : 'one STEP'}; unexpected: ${operands.slice(stepOperands).join(' ')}.`);
  }
  const step = operands[0];
  if ((command === 'run' || command === 'reset') && step === undefined) {
    throw new LabInputError(`lab ${command} needs a STEP: a step number or id such as 6, 06 or 06-across-hosts.`);
  }
  if (values.attendee !== undefined && values.all) {
    throw new LabInputError('Give either --attendee NAME or --all, not both.');
  }
  const timeoutSeconds = parseTimeout(values.timeout);
  const workshop = values.workshop ?? environment.env.CNLAB_WORKSHOP ?? CONFIG_DEFAULTS.workshopName;
  if (!WORKSHOP_NAME_PATTERN.test(workshop)) {
    throw new LabInputError(`Invalid workshop name ${JSON.stringify(workshop)}: allowed are a lower case letter then up to 30 lower case letters, digits or dashes.`);
  }
  const params = values.param ?? [];

  if (values.local) {
    if (values.attendee !== undefined || values.all) {
      throw new LabInputError('--local runs on this machine\'s emulated hosts: --attendee and --all do not apply.');
    }
    return runLocally({ action: command as StepAction, step, params, timeoutSeconds }, environment.repositoryRoot, environment.stderr, environment.runProgram);
  }
  if ((command === 'run' || command === 'reset') && values.attendee === undefined && !values.all) {
    throw new LabInputError(`lab ${command} changes hosts: say whose, with --attendee NAME or --all.`);
  }

  const context = environment.createContext(workshop);
  switch (command) {
    case 'hosts': {
      const { inventory, hosts } = await inspectHosts(context, { attendee: values.attendee, fast: values.fast ?? false, timeoutSeconds });
      if (values.json) {
        environment.stdout(`${JSON.stringify({
          workshop,
          hosts: hosts.map(({ host, readiness, reason }) => ({ ...host, readiness, ...(reason ? { reason } : {}) })),
          warnings: inventory.warnings,
        }, null, 2)}\n`);
      } else {
        environment.stdout(`${formatHostsTable(hosts)}\n`);
        inventory.warnings.forEach((warning) => environment.stderr(`warning: ${warning}`));
      }
      const wanted = values.fast ? 'ONLINE' : 'READY';
      return hosts.every((host) => host.readiness === wanted) ? EXIT_CODES.ok : EXIT_CODES.failed;
    }
    case 'run':
    case 'reset': {
      const report = await runStepAction(context, { step: step as string, action: command, attendee: values.attendee, params, timeoutSeconds });
      environment.stdout(`${formatActionReport(report)}\n`);
      const ok = report.results.length > 0 && report.results.every(({ result }) => result.outcome === 'Success');
      return ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    }
    case 'check': {
      if (params.length > 0) {
        throw new LabInputError('lab check does not take --param: checks run with the step\'s defaults.');
      }
      const grid = await checkSteps(context, { step, attendee: values.attendee, timeoutSeconds });
      environment.stdout(values.json ? `${JSON.stringify(checkGridToJson(grid), null, 2)}\n` : `${formatCheckGrid(grid)}\n`);
      const graded = grid.cells.filter((cell) => cell.verdict !== 'N/A');
      return graded.length > 0 && !grid.cells.some(isFailedCell) ? EXIT_CODES.ok : EXIT_CODES.failed;
    }
  }
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) {
    return DEFAULT_TIMEOUT_SECONDS;
  }
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new LabInputError(`Invalid --timeout ${JSON.stringify(text)}: allowed a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}.`);
  }
  return seconds;
}
