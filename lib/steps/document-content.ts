import * as fs from 'fs';
import * as path from 'path';
import { STEP_PARAMETER_NAME_PATTERN, StepAction, StepParameter } from '../contract';

/**
 * The line with which a lab script loads the shared helpers. On a host it
 * sources the installed copy; in a document it is replaced by the helpers' text.
 */
export const HELPERS_SOURCE_LINE = '. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"';

/** The line that stands for the helpers' comments in a document (they are in the copy on the host). */
export const COMPACT_HELPERS_NOTE = '# The helpers of /opt/container-networks/lib/lab.sh, without their comments (read them in that file on the host).';

/**
 * The helpers' text as a document carries it: comment lines and blank lines
 * left out (every document carries the helpers, and the self-contained
 * template holds 21 documents within CloudFormation's 1 MB), except inside
 * here-documents, whose lines are data. Functions and commands are unchanged
 * (a test compares `declare -f` of both).
 */
export function compactHelpers(helpers: string): string {
  const kept = [COMPACT_HELPERS_NOTE];
  let hereDocEnd: { readonly word: string; readonly tabs: boolean } | undefined;
  for (const line of helpers.replace(/\r\n/g, '\n').split('\n')) {
    if (hereDocEnd) {
      kept.push(line);
      if ((hereDocEnd.tabs ? line.replace(/^\t+/, '') : line) === hereDocEnd.word) hereDocEnd = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    kept.push(line);
    const hereDoc = /(?<!<)<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line);
    if (hereDoc) hereDocEnd = { word: hereDoc[3], tabs: hereDoc[1] === '-' };
  }
  return kept.join('\n') + '\n';
}

/** What is needed to write one step's SSM document content. */
export interface DocumentContentInput {
  /** Step id, the folder name, e.g. `06-across-hosts`. */
  readonly stepId: string;
  /** Which script. */
  readonly action: StepAction;
  /** The script's text (bash, with the helpers' source line). */
  readonly script: string;
  /** The helpers' text (assets/lib/lab.sh). */
  readonly helpers: string;
  /** The step's parameters. */
  readonly parameters: readonly StepParameter[];
  /** Document description. */
  readonly description: string;
}

/** The SSM Command document (schema 2.2) content of one step action. */
export interface CommandDocumentContent {
  readonly schemaVersion: '2.2';
  readonly description: string;
  readonly parameters?: Record<string, {
    type: 'String';
    description: string;
    default: string;
    allowedPattern: string;
    interpolationType: 'ENV_VAR';
  }>;
  readonly mainSteps: ReadonlyArray<{
    action: 'aws:runShellScript';
    name: string;
    inputs: { runCommand: string[]; timeoutSeconds: string };
  }>;
}

/** The lock a step document holds while it runs on a host (a file in /run/lock, which every lab host has). */
export const STEP_LOCK_FILE = '/run/lock/container-networks-lab.lock';

/** How long a step document waits for the one running before it, in seconds. */
export const STEP_LOCK_WAIT_SECONDS = 300;

/** The exit code with which flock says the lock was not free in time (EX_TEMPFAIL; no lab script uses it). */
const STEP_LOCK_BUSY = 75;

/**
 * Shell lines that run the rest of the document under a host-wide lock, so
 * that one lab action at a time changes a host: a second run, check or reset
 * (of this step or another; from `lab`, the console or a retry) waits for the
 * first to end, at most STEP_LOCK_WAIT_SECONDS, then fails saying why. The
 * script starts itself again under `flock -o`: the lock belongs to flock,
 * which waits for the script, so a process the step leaves running in the
 * background does not keep it. CNLAB_STEP_LOCK and CNLAB_STEP_LOCK_WAIT
 * change the file and the wait (tests do).
 */
function stepLockLines(): string[] {
  const lock = `\${CNLAB_STEP_LOCK:-${STEP_LOCK_FILE}}`;
  const wait = `\${CNLAB_STEP_LOCK_WAIT:-${STEP_LOCK_WAIT_SECONDS}}`;
  return [
    '# One lab action at a time on this host: wait for the one running now (flock -o: the lock ends with the script).',
    'if [ -z "${CNLAB_STEP_LOCKED:-}" ]; then',
    '  export CNLAB_STEP_LOCKED=1',
    `  flock -o -w "${wait}" -E ${STEP_LOCK_BUSY} "${lock}" bash "$0" "$@"`,
    '  status=$?',
    `  if [ "$status" -eq ${STEP_LOCK_BUSY} ]; then`,
    `    echo "FAIL: another lab step has been running on this host for ${wait} s (lock ${lock}); let it end, then send this one again"`,
    '  fi',
    '  exit "$status"',
    'fi',
  ];
}

/**
 * The SSM Agent version from which parameters of `interpolationType: ENV_VAR`
 * reach a command as `SSM_<NAME>` environment variables; older agents leave
 * them unset.
 */
export const ENV_VAR_AGENT_VERSION = '3.3.2746.0';

/**
 * Shell lines, before the parameters are read, that stop a document whose
 * parameters did not arrive (an agent older than {@link ENV_VAR_AGENT_VERSION})
 * with a FAIL line naming the needed version and, when it can be read, the
 * installed one, instead of going on with empty or default values.
 */
function agentVersionGuard(): string[] {
  return [
    `# Parameters arrive as SSM_<NAME> variables from SSM Agent ${ENV_VAR_AGENT_VERSION} on; an older agent leaves them unset.`,
    'cnlab_parameter_missing() {',
    '  local agent',
    '  agent=$( (amazon-ssm-agent --version || /snap/amazon-ssm-agent/current/amazon-ssm-agent --version) 2>/dev/null | head -n 1)',
    `  printf 'FAIL: the document parameter %s did not arrive (no SSM_%s variable): Systems Manager passes parameters to the commands as environment variables only from SSM Agent %s on, and this host runs %s. Update the agent (Ubuntu: snap refresh amazon-ssm-agent), then send the command again.\\n' "$1" "$1" ${ENV_VAR_AGENT_VERSION} "\${agent:-an agent whose version could not be read (amazon-ssm-agent --version)}"`,
    '  exit 1',
    '}',
  ];
}

/**
 * The shell text of a step action as the SSM agent will run it: a header that
 * re-executes under bash (the agent runs the file with sh) and under the
 * host's step lock, the parameters taken from the agent's SSM_<NAME>
 * environment variables (a FAIL naming the agent version needed when one is
 * unset), the helpers (without their comments: compactHelpers), then the
 * script itself. Rehearsal runs exactly this text.
 */
export function composeDocumentScript(input: DocumentContentInput): string {
  const lines = input.script.replace(/\r\n/g, '\n').split('\n');
  const sourceLines = lines.filter((line) => line.trim() === HELPERS_SOURCE_LINE);
  if (sourceLines.length !== 1) {
    throw new Error(
      `Step ${input.stepId} ${input.action}: the script must load the helpers with exactly one line ` +
      `'${HELPERS_SOURCE_LINE}' (found ${sourceLines.length}).`,
    );
  }
  const body = lines
    .filter((line, index) => !(index === 0 && line.startsWith('#!')))
    .filter((line) => !line.trim().startsWith('# shellcheck source='))
    .map((line) => (line.trim() === HELPERS_SOURCE_LINE ? compactHelpers(input.helpers).trimEnd() : line));

  const parameterLines = input.parameters.map((parameter) => {
    if (!STEP_PARAMETER_NAME_PATTERN.test(parameter.name)) {
      throw new Error(
        `Step ${input.stepId}: parameter name '${parameter.name}' is not allowed; use upper case letters, digits and underscores.`,
      );
    }
    return `[ -n "\${SSM_${parameter.name}+set}" ] || cnlab_parameter_missing ${parameter.name}\nexport ${parameter.name}="$SSM_${parameter.name}"`;
  });

  return [
    '#!/bin/bash',
    `# container-networks-lab: step ${input.stepId}, ${input.action}`,
    '# The SSM agent runs this file with sh; the lab scripts need bash, so start again under bash.',
    'if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi',
    ...stepLockLines(),
    ...(parameterLines.length > 0 ? agentVersionGuard() : []),
    ...parameterLines,
    ...body,
  ].join('\n').trimEnd() + '\n';
}

/** The SSM document content (schema 2.2, one aws:runShellScript step) of a step action. */
export function composeDocumentContent(input: DocumentContentInput, timeoutSeconds = 900): CommandDocumentContent {
  const script = composeDocumentScript(input);
  const parameters = input.parameters.length === 0 ? undefined : Object.fromEntries(
    input.parameters.map((parameter) => [parameter.name, {
      type: 'String' as const,
      description: parameter.description,
      default: parameter.default,
      allowedPattern: parameter.allowedPattern,
      interpolationType: 'ENV_VAR' as const,
    }]),
  );
  return {
    schemaVersion: '2.2',
    description: input.description,
    ...(parameters ? { parameters } : {}),
    mainSteps: [{
      action: 'aws:runShellScript',
      name: `${input.action}`,
      inputs: { runCommand: script.trimEnd().split('\n'), timeoutSeconds: String(timeoutSeconds) },
    }],
  };
}

/** The text the SSM agent would write to its script file for a document: its commands, joined. */
export function scriptOfDocument(content: { mainSteps: ReadonlyArray<{ inputs: { runCommand: readonly string[] } }> }): string {
  return content.mainSteps.map((step) => step.inputs.runCommand.join('\n')).join('\n') + '\n';
}

/** Reads a text file relative to a folder, with a clear error when it is missing. */
export function readRequiredFile(folder: string, name: string, what: string): string {
  const file = path.join(folder, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${what}: ${file} is missing.`);
  }
  return fs.readFileSync(file, 'utf8');
}
