import { parseArgs } from 'util';
import {
  ATTENDEE_NAME_RULE, DEFAULT_WORKSHOP_NAME, isStepSelector, isValidAttendeeName, isValidWorkshopName, quoteInput,
  STEP_PARAMETER_NAME_PATTERN, WORKSHOP_NAME_RULE,
} from '../../lib/contract';
import { LabContext } from './aws/context';
import { EXIT_CODES, LabInputError } from './errors';
import { COMMON_OPTIONS, LabVerb, VerbInvocation } from './verb';
import { VERBS } from './verbs';

const DEFAULT_INTERVAL_SECONDS = 60;
const MIN_INTERVAL_SECONDS = 10;
const MAX_INTERVAL_SECONDS = 3600;

/** Every option of the lab command: its parser setting and its lines in the usage text. */
const OPTIONS: Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string; readonly usage: string }>> = {
  attendee: { type: 'string', usage: '  --attendee NAME        only this attendee\'s hosts' },
  all: {
    type: 'boolean',
    usage: `  --all                  every attendee of the workshop (run and reset need
                         --attendee or --all; hosts and check default to all)`,
  },
  workshop: { type: 'string', usage: `  --workshop NAME        workshop name (default: $CNLAB_WORKSHOP, else ${DEFAULT_WORKSHOP_NAME})` },
  param: {
    type: 'string',
    multiple: true,
    usage: `  --param NAME=VALUE     a step parameter, e.g. --param TUNNEL_TYPE=vxlan (repeatable;
                         HOSTS is filled from the hosts' tags)`,
  },
  timeout: {
    type: 'string',
    usage: `  --timeout SECONDS      stop waiting after this long and report the hosts still
                         running as TimedOut (default 600)`,
  },
  hours: { type: 'string', usage: '  --hours N              extend: move the expiry N hours later (1 to 168)' },
  json: { type: 'boolean', usage: '  --json                 check and hosts: print JSON instead of text' },
  watch: {
    type: 'boolean',
    usage: `  --watch                check: redraw the grid every --interval until Ctrl-C, with
                         readiness, time left and the FAIL reasons of the latest round`,
  },
  interval: {
    type: 'string',
    usage: `  --interval SECONDS     check --watch: from one round's start to the next
                         (default ${DEFAULT_INTERVAL_SECONDS}, ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS})`,
  },
  out: {
    type: 'string',
    usage: `  --out PATH             cards: the folder (default lab-cards); report: the page
                         (default lab-report.html); check --watch: a page rewritten each round`,
  },
  fast: { type: 'boolean', usage: '  --fast                 hosts: agent status only, no readiness command' },
  help: { type: 'boolean', short: 'h', usage: '  -h, --help             this text' },
};

export const LAB_USAGE = `Usage: npx lab <command> [options]      (in this repository's folder)
       npm run lab -- <command> [options]
       npx lab help                     (npx keeps --help for itself)

Runs the Container Networks lab steps on attendees' lab hosts through AWS
Systems Manager. Hosts are found by their tags (workshop, attendee,
cnlab:topology, cnlab:host-index), step documents by theirs (cnlab:step,
cnlab:action, cnlab:hosts). See docs/lab-command.md.

Commands:
${VERBS.map((verb) => verb.usage).join('\n')}

STEP is a step number or id: 6, 06 or 06-across-hosts.

Options:
${Object.values(OPTIONS).map((option) => option.usage).join('\n')}

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
  /** Whether stdout is a terminal (the watch then redraws in place). */
  readonly interactive?: boolean;
  /** Registers what Ctrl-C does instead of ending the process (the watch stops and prints its last line). */
  readonly onInterrupt?: (handler: () => void) => void;
}

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

type ParsedValues = Record<string, string | boolean | string[] | undefined>;

async function dispatch(argv: readonly string[], environment: LabCliEnvironment): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const [verbName, ...operands] = positionals;
  if (values.help || verbName === 'help' || verbName === undefined) {
    environment.stdout(LAB_USAGE);
    return verbName === undefined && !values.help ? EXIT_CODES.invalidInput : EXIT_CODES.ok;
  }
  const verb = VERBS.find((candidate) => candidate.name === verbName);
  if (!verb) {
    throw new LabInputError(`Unknown command ${quoteInput(verbName)}; allowed: ${VERBS.map((candidate) => candidate.name).join(', ')}.`);
  }
  const { workshop, timeoutSeconds, hours, intervalSeconds } = checkInvocation(verb, values, operands, environment.env);
  const invocation: VerbInvocation = {
    workshop,
    step: operands[0],
    attendee: values.attendee as string | undefined,
    params: (values.param as string[] | undefined) ?? [],
    timeoutSeconds,
    hours,
    intervalSeconds,
    out: values.out as string | undefined,
    interactive: environment.interactive ?? false,
    onInterrupt: environment.onInterrupt ?? (() => undefined),
    flags: new Set(Object.keys(values).filter((name) => values[name] === true)),
    context: environment.createContext(workshop),
    stdout: environment.stdout,
    stderr: environment.stderr,
  };
  return verb.run(invocation);
}

function parseCommandLine(argv: readonly string[]): { values: ParsedValues; positionals: string[] } {
  try {
    const options = Object.fromEntries(Object.entries(OPTIONS).map(([name, { type, multiple, short }]) =>
      [name, { type, ...(multiple ? { multiple } : {}), ...(short ? { short } : {}) }]));
    const parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    throw new LabInputError((error as Error).message);
  }
}

/** The workshop and the numbers of a command line, checked. */
interface CheckedInvocation {
  readonly workshop: string;
  readonly timeoutSeconds: number;
  /** Only for verbs that take --hours. */
  readonly hours?: number;
  readonly intervalSeconds: number;
}

/** Checks the options and operands against what the verb takes. Nothing is sent before this passes. */
function checkInvocation(verb: LabVerb, values: ParsedValues, operands: readonly string[], env: LabCliEnvironment['env']): CheckedInvocation {
  const given = Object.keys(values).filter((name) => !(COMMON_OPTIONS as readonly string[]).includes(name));
  const misplaced = given.filter((name) => !verb.options.includes(name));
  if (misplaced.length > 0) {
    throw new LabInputError(`lab ${verb.name} does not take ${misplaced.map((name) => `--${name}`).join(', ')}; it takes ${verb.options.map((name) => `--${name}`).join(', ')}, --workshop, --timeout.`);
  }
  const stepOperands = verb.step === 'none' ? 0 : 1;
  if (operands.length > stepOperands) {
    throw new LabInputError(`lab ${verb.name} takes ${stepOperands === 0 ? 'no arguments' : 'one STEP'}; unexpected: ${quoteInput(operands.slice(stepOperands).join(' '))}.`);
  }
  if (verb.step === 'required' && operands[0] === undefined) {
    throw new LabInputError(`lab ${verb.name} needs a STEP: a step number or id such as 6, 06 or 06-across-hosts.`);
  }
  if (values.attendee !== undefined && values.all) {
    throw new LabInputError('Give either --attendee NAME or --all, not both.');
  }
  const timeout = values.timeout as string | undefined;
  const timeoutSeconds = timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : wholeNumberOption('timeout', timeout, 'seconds', 1, MAX_TIMEOUT_SECONDS);
  const interval = values.interval as string | undefined;
  const intervalSeconds = interval === undefined
    ? DEFAULT_INTERVAL_SECONDS
    : wholeNumberOption('interval', interval, 'seconds', MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS);
  if (values.interval !== undefined && !values.watch) {
    throw new LabInputError('--interval goes with --watch: lab check --watch --interval SECONDS.');
  }
  if (values.watch && values.json) {
    throw new LabInputError('--watch redraws a grid for people; --json prints one round for programs: give one of them.');
  }
  const workshop = (values.workshop as string | undefined) ?? env.CNLAB_WORKSHOP ?? DEFAULT_WORKSHOP_NAME;
  if (!isValidWorkshopName(workshop)) {
    throw new LabInputError(`Invalid workshop name ${quoteInput(workshop)}: allowed is ${WORKSHOP_NAME_RULE}.`);
  }
  checkNames(values, operands[0]);
  if (verb.changesHosts && values.attendee === undefined && !values.all) {
    throw new LabInputError(`lab ${verb.name} changes hosts: say whose, with --attendee NAME or --all.`);
  }
  if (verb.options.includes('hours') && values.hours === undefined) {
    throw new LabInputError(`lab ${verb.name} needs --hours N: how many hours later the expiry should be (1 to ${MAX_EXTEND_HOURS}).`);
  }
  const hours = values.hours === undefined ? undefined : wholeNumberOption('hours', values.hours as string, 'hours', 1, MAX_EXTEND_HOURS);
  return { workshop, timeoutSeconds, hours, intervalSeconds };
}

/**
 * The names on the command line, checked by their syntax before anything is
 * asked of AWS (so a typo is exit 2 even without credentials): the attendee,
 * the STEP (a number or a step id), the names of --param.
 */
function checkNames(values: ParsedValues, step: string | undefined): void {
  const attendee = values.attendee as string | undefined;
  if (attendee !== undefined && !isValidAttendeeName(attendee)) {
    throw new LabInputError(`Invalid --attendee ${quoteInput(attendee)}: allowed is ${ATTENDEE_NAME_RULE}.`);
  }
  if (step !== undefined && !isStepSelector(step)) {
    throw new LabInputError(`Invalid STEP ${quoteInput(step)}: allowed is a step number such as 6 or 06, or a step id such as 06-across-hosts.`);
  }
  for (const param of (values.param as string[] | undefined) ?? []) {
    const name = param.includes('=') ? param.slice(0, param.indexOf('=')) : undefined;
    if (name === undefined || !STEP_PARAMETER_NAME_PATTERN.test(name)) {
      throw new LabInputError(`Bad --param ${quoteInput(param)}: write NAME=VALUE, NAME in upper case letters, digits and underscores (e.g. TUNNEL_TYPE=vxlan).`);
    }
  }
}

/** Most hours one `lab extend` may add: a week, as the longest lab. */
export const MAX_EXTEND_HOURS = 168;

/** The whole number given to `--option`, from `min` to `max` (a bad value is exit 2, before any AWS call). */
function wholeNumberOption(option: string, text: string, unit: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new LabInputError(`Invalid --${option} ${quoteInput(text)}: allowed a whole number of ${unit} from ${min} to ${max}.`);
  }
  return value;
}
