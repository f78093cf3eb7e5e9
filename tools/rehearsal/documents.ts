import * as fs from 'fs';
import * as path from 'path';
import { isStepAction, isTopologyKind, LAB_TAGS, STEP_ACTIONS, StepAction, takesHostsParameter, TopologyKind } from '../../lib/contract';
import { scriptOfDocument } from '../../lib/steps/document-content';

/** A parameter of a step document, as the template declares it. */
export interface DocumentParameter {
  readonly name: string;
  readonly default: string;
  readonly allowedPattern?: string;
}

/** One `AWS::SSM::Document` of a lab step, found in a synthesized template. */
export interface StepDocument {
  /** Tag `cnlab:step`, e.g. `06-across-hosts`. */
  readonly stepId: string;
  /** Tag `cnlab:action`. */
  readonly action: StepAction;
  /** Tag `cnlab:hosts`: the topology kind the step runs on. */
  readonly hosts?: string;
  /** The template file it came from. */
  readonly templateFile: string;
  /** Its logical id in that template. */
  readonly logicalId: string;
  /** The document name, when the template gives one as plain text. */
  readonly documentName?: string;
  /** The shell text the SSM agent writes to its script file: the joined runCommand lines. */
  readonly script: string;
  /** The document's parameters, in declaration order. */
  readonly parameters: readonly DocumentParameter[];
  /** The document's own timeout (mainSteps[0].inputs.timeoutSeconds), in seconds. */
  readonly timeoutSeconds?: number;
}

/** A lab step as the templates define it: its documents by action. */
export interface TemplateStep {
  readonly id: string;
  readonly documents: Partial<Record<StepAction, StepDocument>>;
  /** The parameters (from the run document, else any document). */
  readonly parameters: readonly DocumentParameter[];
  /** Multi-host step: its documents are tagged `cnlab:hosts` with a topology of several hosts (they take HOSTS). */
  readonly multiHost: boolean;
  /** The topology kind the step runs on (its documents' `cnlab:hosts` tag); undefined when the tag is missing or wrong. */
  readonly topology?: TopologyKind;
  /** What is wrong with the step's documents (missing actions, ...); empty when it can be rehearsed. */
  readonly problems: readonly string[];
}

/** Every `*.template.json` under a cloud assembly folder (nested assemblies included), sorted. */
export function findTemplateFiles(cdkOut: string): string[] {
  if (!fs.existsSync(cdkOut) || !fs.statSync(cdkOut).isDirectory()) {
    throw new Error(`The cloud assembly folder ${cdkOut} does not exist: synthesize first (npx cdk synth) or give --cdk-out DIR.`);
  }
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.template.json')) {
        found.push(full);
      }
    }
  };
  walk(cdkOut);
  return found.sort();
}

/** A JSON object of a template, its members not yet checked. */
export type Json = Record<string, unknown>;

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resources of a template file, by logical id. */
export function readTemplateResources(templateFile: string): Record<string, Json> {
  let template: unknown;
  try {
    template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  } catch (error) {
    throw new Error(`Template ${templateFile} is not valid JSON (${(error as Error).message}).`);
  }
  const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
  return Object.fromEntries(Object.entries(resources).filter(([, resource]) => isObject(resource))) as Record<string, Json>;
}

/** The value of a tag in a resource's `Tags` list ([{Key, Value}]) or map. */
export function tagValue(properties: Json, key: string): string | undefined {
  const tags = properties.Tags;
  if (Array.isArray(tags)) {
    const tag = tags.find((candidate) => isObject(candidate) && candidate.Key === key);
    return isObject(tag) && typeof tag.Value === 'string' ? tag.Value : undefined;
  }
  if (isObject(tags) && typeof tags[key] === 'string') {
    return tags[key] as string;
  }
  return undefined;
}

/**
 * Reads one lab step document from its template resource. Throws when the
 * content is not a plain schema 2.2 document with a runShellScript step (for
 * example when it holds CloudFormation functions the rehearsal cannot resolve).
 */
export function stepDocumentFromResource(templateFile: string, logicalId: string, resource: Json): StepDocument | undefined {
  const properties = isObject(resource.Properties) ? resource.Properties : {};
  const stepId = tagValue(properties, LAB_TAGS.step);
  const action = tagValue(properties, LAB_TAGS.action);
  const hosts = tagValue(properties, LAB_TAGS.stepHosts);
  if (resource.Type !== 'AWS::SSM::Document' || stepId === undefined) {
    return undefined;
  }
  const where = `Document ${logicalId} in ${path.basename(templateFile)} (step ${stepId})`;
  if (!isStepAction(action)) {
    throw new Error(`${where}: tag cnlab:action is ${JSON.stringify(action)}; expected one of ${STEP_ACTIONS.join(', ')}.`);
  }
  let content: unknown = properties.Content;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch (error) {
      throw new Error(`${where}: Content is a string that is not JSON (${(error as Error).message}).`);
    }
  }
  if (!isObject(content) || content.schemaVersion !== '2.2' || !Array.isArray(content.mainSteps) || content.mainSteps.length === 0) {
    throw new Error(`${where}: Content is not a schema 2.2 document with mainSteps.`);
  }
  const mainSteps = content.mainSteps as unknown[];
  for (const [index, step] of mainSteps.entries()) {
    const commands = isObject(step) && isObject(step.inputs) ? step.inputs.runCommand : undefined;
    if (!isObject(step) || step.action !== 'aws:runShellScript' || !Array.isArray(commands) || !commands.every((line) => typeof line === 'string')) {
      throw new Error(`${where}: mainSteps[${index}] is not an aws:runShellScript step whose runCommand is a list of plain strings.`);
    }
  }
  const script = scriptOfDocument(content as { mainSteps: Array<{ inputs: { runCommand: string[] } }> });

  const declared = isObject(content.parameters) ? content.parameters : {};
  const parameters: DocumentParameter[] = Object.entries(declared).map(([name, raw]) => {
    const spec = isObject(raw) ? raw : {};
    if (spec.default !== undefined && typeof spec.default !== 'string') {
      throw new Error(`${where}: parameter ${name} has a default that is not a string.`);
    }
    return {
      name,
      default: typeof spec.default === 'string' ? spec.default : '',
      ...(typeof spec.allowedPattern === 'string' ? { allowedPattern: spec.allowedPattern } : {}),
    };
  });
  const firstInputs = (mainSteps[0] as Json).inputs as Json;
  const timeout = Number(firstInputs.timeoutSeconds);
  return {
    stepId,
    action,
    ...(hosts !== undefined ? { hosts } : {}),
    templateFile,
    logicalId,
    ...(typeof properties.Name === 'string' ? { documentName: properties.Name } : {}),
    script,
    parameters,
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutSeconds: timeout } : {}),
  };
}

/** Every lab step document in the given templates. */
export function readStepDocuments(templateFiles: readonly string[]): StepDocument[] {
  const documents: StepDocument[] = [];
  for (const templateFile of templateFiles) {
    for (const [logicalId, resource] of Object.entries(readTemplateResources(templateFile))) {
      const document = stepDocumentFromResource(templateFile, logicalId, resource);
      if (document) {
        documents.push(document);
      }
    }
  }
  return documents;
}

function describe(document: StepDocument): string {
  return `${document.logicalId} in ${path.basename(document.templateFile)}`;
}

/**
 * Groups documents into steps, sorted by id. The same step may be defined in
 * several stacks; that is fine when their scripts and parameters are the same,
 * and a problem otherwise (which one would be "what is deployed"?).
 */
export function groupStepDocuments(documents: readonly StepDocument[]): TemplateStep[] {
  const byStep = new Map<string, StepDocument[]>();
  for (const document of documents) {
    byStep.set(document.stepId, [...(byStep.get(document.stepId) ?? []), document]);
  }
  return [...byStep.keys()].sort().map((id) => {
    const problems: string[] = [];
    const chosen: Partial<Record<StepAction, StepDocument>> = {};
    for (const action of STEP_ACTIONS) {
      const candidates = (byStep.get(id) ?? []).filter((document) => document.action === action);
      if (candidates.length === 0) {
        problems.push(`no ${action} document (no AWS::SSM::Document tagged cnlab:step=${id}, cnlab:action=${action})`);
        continue;
      }
      const first = candidates[0];
      const differing = candidates.filter((other) => other.script !== first.script
        || JSON.stringify(other.parameters) !== JSON.stringify(first.parameters));
      if (differing.length > 0) {
        problems.push(`the ${action} documents differ between ${describe(first)} and ${differing.map(describe).join(', ')}; choose one with --stack`);
      }
      chosen[action] = first;
    }
    const parameterSource = chosen.run ?? chosen.check ?? chosen.reset;
    const parameters = parameterSource?.parameters ?? [];
    for (const action of STEP_ACTIONS) {
      const document = chosen[action];
      if (document && parameterSource && JSON.stringify(document.parameters.map((p) => p.name)) !== JSON.stringify(parameters.map((p) => p.name))) {
        problems.push(`the ${action} document's parameters (${document.parameters.map((p) => p.name).join(', ') || 'none'}) differ from the ${parameterSource.action} document's (${parameters.map((p) => p.name).join(', ') || 'none'})`);
      }
    }
    const hosts = parameterSource?.hosts;
    if (parameterSource && !isTopologyKind(hosts)) {
      problems.push(`the ${parameterSource.action} document's tag ${LAB_TAGS.stepHosts} is ${JSON.stringify(hosts)}; expected a topology kind (synthesized by an older version?)`);
    }
    return {
      id,
      documents: chosen,
      parameters,
      multiHost: isTopologyKind(hosts) && takesHostsParameter(hosts),
      ...(isTopologyKind(hosts) ? { topology: hosts } : {}),
      problems,
    };
  });
}
