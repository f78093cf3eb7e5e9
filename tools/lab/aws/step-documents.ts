import { GetDocumentCommand, ListDocumentsCommand, ListDocumentsCommandOutput } from '@aws-sdk/client-ssm';
import {
  HOSTS_PARAMETER, isStepAction, isTopologyKind, LAB_TAGS, matchesStepSelector, quoteInput, STEP_ID_PATTERN, STEP_PARAMETER_NAME_PATTERN, StepAction, TopologyKind,
} from '../../../lib/contract';
import { LabInputError } from '../errors';
import { LabContext } from './context';
import { withBackoff } from './retry';

/** One deployed step: its id, the topology it runs on, and the names of its documents. */
export interface StepDocuments {
  /** `06-across-hosts`. */
  readonly stepId: string;
  /** Tag `cnlab:hosts` of its documents: the topology kind it runs on; undefined when the tag is missing or unknown. */
  readonly hosts?: TopologyKind;
  /** Document name per action; an action may be missing from a broken deployment. */
  readonly documentNames: Partial<Readonly<Record<StepAction, string>>>;
}

/** The workshop's steps, sorted by id, found by their documents' tags. */
export async function listDeployedSteps(context: LabContext): Promise<StepDocuments[]> {
  const byStep = new Map<string, Partial<Record<StepAction, string>>>();
  const hostsByStep = new Map<string, TopologyKind>();
  let nextToken: string | undefined;
  do {
    const page: ListDocumentsCommandOutput = await withBackoff(() => context.ssm.send(new ListDocumentsCommand({
      Filters: [
        { Key: 'Owner', Values: ['Self'] },
        { Key: 'tag-key', Values: [LAB_TAGS.step] },
      ],
      MaxResults: 50,
      NextToken: nextToken,
    })), context.backoff);
    for (const document of page.DocumentIdentifiers ?? []) {
      const tag = (key: string): string | undefined => document.Tags?.find((candidate) => candidate.Key === key)?.Value;
      const stepId = tag(LAB_TAGS.step);
      const action = tag(LAB_TAGS.action);
      if (!stepId || !STEP_ID_PATTERN.test(stepId) || !isStepAction(action)) {
        continue;
      }
      // Other workshops in the account have their own documents with the same tags.
      if (document.Name !== `${context.workshop}-${stepId}-${action}`) {
        continue;
      }
      const names = byStep.get(stepId) ?? {};
      names[action] = document.Name;
      byStep.set(stepId, names);
      const hosts = tag(LAB_TAGS.stepHosts);
      if (isTopologyKind(hosts)) {
        hostsByStep.set(stepId, hosts);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return [...byStep.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stepId, documentNames]) => ({ stepId, hosts: hostsByStep.get(stepId), documentNames }));
}

/**
 * The step a user means by `6`, `06` or `06-across-hosts`. Throws
 * {@link LabInputError} naming the input and listing the steps there are.
 */
export function resolveStep(
  steps: readonly StepDocuments[],
  input: string,
  noStepsHint = 'no documents tagged cnlab:step for this workshop (deployed? right --workshop and AWS_REGION?)',
): StepDocuments {
  const allowed = steps.length > 0
    ? `${steps.map((step) => step.stepId).join(', ')} (the number, e.g. ${Number(steps[0].stepId.slice(0, 2))}, or the full id)`
    : `none: ${noStepsHint}`;
  const found = steps.find((step) => matchesStepSelector(step.stepId, input));
  if (!found) {
    throw new LabInputError(`Unknown step ${quoteInput(input)}; allowed: ${allowed}.`);
  }
  return found;
}

/** The document of one action of a step, or a {@link LabInputError} when it was not deployed. */
export function documentNameOf(step: StepDocuments, action: StepAction): string {
  const name = step.documentNames[action];
  if (!name) {
    const present = Object.keys(step.documentNames).join(', ');
    throw new LabInputError(`Step ${step.stepId} has no ${action} document (found: ${present}); redeploy the workshop stack.`);
  }
  return name;
}

/** The topology a step runs on, or a {@link LabInputError} when its documents do not say (deployed by an older version). */
export function topologyOf(step: StepDocuments): TopologyKind {
  if (!step.hosts) {
    throw new LabInputError(`Step ${step.stepId}: its documents have no valid ${LAB_TAGS.stepHosts} tag (the topology it runs on); redeploy the workshop stack.`);
  }
  return step.hosts;
}

/** One parameter of a deployed document, as its content declares it. */
export interface DeployedParameter {
  readonly name: string;
  readonly default?: string;
  readonly allowedPattern?: string;
  readonly description?: string;
}

/** A document's parameters. */
export interface DocumentInterface {
  readonly documentName: string;
  readonly parameters: readonly DeployedParameter[];
}

/** Reads a document's content (GetDocument) for its parameters and their allowed patterns. */
export async function describeDocumentInterface(context: LabContext, documentName: string): Promise<DocumentInterface> {
  const document = await withBackoff(() => context.ssm.send(new GetDocumentCommand({ Name: documentName })), context.backoff);
  let content: { parameters?: Record<string, { default?: unknown; allowedPattern?: unknown; description?: unknown }> } = {};
  try {
    content = JSON.parse(document.Content ?? '{}');
  } catch {
    throw new Error(`Document ${documentName}: content is not JSON (the lab documents are deployed with documentFormat JSON).`);
  }
  const parameters = Object.entries(content.parameters ?? {}).map(([name, spec]): DeployedParameter => ({
    name,
    default: typeof spec.default === 'string' ? spec.default : undefined,
    allowedPattern: typeof spec.allowedPattern === 'string' ? spec.allowedPattern : undefined,
    description: typeof spec.description === 'string' ? spec.description : undefined,
  }));
  return { documentName, parameters };
}

/**
 * Parses `--param NAME=VALUE` arguments against a document's parameters.
 * Throws {@link LabInputError} for a malformed argument, an unknown name,
 * HOSTS (filled from tags), a repeated name, or a value the document's
 * allowedPattern refuses.
 */
export function parseStepParameters(documentInterface: DocumentInterface, args: readonly string[]): Record<string, string> {
  const settable = documentInterface.parameters.filter((parameter) => parameter.name !== HOSTS_PARAMETER.name);
  const allowedNames = settable.length > 0
    ? settable.map((parameter) => `${parameter.name}${parameter.default !== undefined ? ` (default ${parameter.default})` : ''}`).join(', ')
    : 'none (this step takes no parameters)';
  const values: Record<string, string> = {};
  for (const arg of args) {
    const separator = arg.indexOf('=');
    const name = separator >= 0 ? arg.slice(0, separator) : '';
    if (!STEP_PARAMETER_NAME_PATTERN.test(name)) {
      throw new LabInputError(`Bad --param ${quoteInput(arg)}: write NAME=VALUE; parameters of ${documentInterface.documentName}: ${allowedNames}.`);
    }
    const value = arg.slice(separator + 1);
    if (name === HOSTS_PARAMETER.name && settable.length < documentInterface.parameters.length) {
      throw new LabInputError(`Bad --param ${HOSTS_PARAMETER.name}: the lab command fills it from the hosts' tags; parameters you can set: ${allowedNames}.`);
    }
    const parameter = settable.find((candidate) => candidate.name === name);
    if (!parameter) {
      throw new LabInputError(`Unknown --param ${quoteInput(name)} for ${documentInterface.documentName}; allowed: ${allowedNames}.`);
    }
    if (name in values) {
      throw new LabInputError(`--param ${name} is given twice.`);
    }
    if (parameter.allowedPattern !== undefined && !matchesAllowedPattern(parameter.allowedPattern, value)) {
      throw new LabInputError(`Bad --param ${name}=${quoteInput(value)}: the value must match ${parameter.allowedPattern}.`);
    }
    values[name] = value;
  }
  return values;
}

/**
 * Whether a value matches a document's allowedPattern. SSM checks it again
 * (with Java regular expressions); a pattern JavaScript cannot read is left
 * to SSM.
 */
function matchesAllowedPattern(pattern: string, value: string): boolean {
  let expression: RegExp;
  try {
    expression = new RegExp(pattern);
  } catch {
    return true;
  }
  return expression.test(value);
}
