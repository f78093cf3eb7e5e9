import * as fs from 'fs';
import { Duration } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DEFAULT_WORKSHOP_NAME, isValidWorkshopName, LAB_TAGS, STEP_ACTIONS, StepAction, WORKSHOP_NAME_RULE } from '../contract';
import { assetPath } from '../private/assets';
import { composeDocumentContent } from './document-content';
import { LabStepDefinition } from './lab-step-definition';

/** Properties of a {@link LabStep}. */
export interface LabStepProps {
  /** The step, read from its folder. */
  readonly step: LabStepDefinition;
  /**
   * Workshop name: prefix of the document names `<workshop>-<NN-slug>-<action>`.
   * @default 'container-networks'
   */
  readonly workshopName?: string;
  /**
   * Path of the helpers every script loads (their text replaces the source line).
   * @default - the package's `assets/lib/lab.sh`
   */
  readonly helpersFile?: string;
  /**
   * How long the SSM agent lets one action run.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
}

/** The SSM quota on Command document content. */
export const SSM_DOCUMENT_CONTENT_LIMIT = 64 * 1024;

/**
 * Bytes kept free below {@link SSM_DOCUMENT_CONTENT_LIMIT}: the quota also counts
 * the parameter values given at run time (HOSTS, for one, is up to 8 addresses).
 */
const RUNTIME_PARAMETER_RESERVE = 1024;

/** Longest document description written; longer summaries are cut at a word. */
export const DOCUMENT_DESCRIPTION_LIMIT = 1024;

/**
 * One lab step as three SSM Command documents, `<workshop>-<NN-slug>-run`,
 * `-check` and `-reset`, tagged `cnlab:step`, `cnlab:action` and `cnlab:hosts`
 * (the topology the step runs on) so the lab command and the rehearsal find
 * and route them. Each document is complete on its own:
 * it carries the helpers and the script (see document-content.ts).
 */
export class LabStep extends Construct {
  /**
   * Reads and validates a step folder (see {@link LabStepDefinition.fromFolder});
   * pass the result as `step` to `new LabStep(...)`.
   * @param folder path of the `NN-slug/` folder
   */
  public static fromFolder(folder: string): LabStepDefinition {
    return LabStepDefinition.fromFolder(folder);
  }

  /** The built-in steps (assets/steps/), sorted by id. */
  public static builtInSteps(): LabStepDefinition[] {
    return LabStepDefinition.listFolder(LabStepDefinition.builtInDirectory());
  }

  /** The step. */
  public readonly step: LabStepDefinition;
  /** Document name per action. */
  public readonly documentNames: Readonly<Record<StepAction, string>>;
  /** Document per action. */
  public readonly documents: Readonly<Record<StepAction, ssm.CfnDocument>>;

  constructor(scope: Construct, id: string, props: LabStepProps) {
    super(scope, id);
    const workshopName = props.workshopName ?? DEFAULT_WORKSHOP_NAME;
    if (!isValidWorkshopName(workshopName)) {
      throw new Error(`LabStep ${props.step.id}: 'workshopName' is ${JSON.stringify(workshopName)}; allowed: ${WORKSHOP_NAME_RULE}.`);
    }
    const timeoutSeconds = (props.timeout ?? Duration.minutes(15)).toSeconds();
    if (timeoutSeconds < 60 || timeoutSeconds > 172800) {
      throw new Error(`LabStep ${props.step.id}: 'timeout' is ${timeoutSeconds} seconds; allowed: 1 minute to 48 hours.`);
    }
    const helpersFile = props.helpersFile ?? assetPath('lib', 'lab.sh');
    if (!fs.existsSync(helpersFile)) {
      throw new Error(`LabStep ${props.step.id}: 'helpersFile' ${helpersFile} does not exist.`);
    }
    const helpers = fs.readFileSync(helpersFile, 'utf8');
    this.step = props.step;

    const names = {} as Record<StepAction, string>;
    const documents = {} as Record<StepAction, ssm.CfnDocument>;
    for (const action of STEP_ACTIONS) {
      const content = composeDocumentContent({
        stepId: props.step.id,
        action,
        script: props.step.scripts[action],
        helpers,
        parameters: props.step.parameters,
        description: documentDescription(props.step, action),
      }, timeoutSeconds);
      const size = Buffer.byteLength(JSON.stringify(content), 'utf8');
      if (size > SSM_DOCUMENT_CONTENT_LIMIT - RUNTIME_PARAMETER_RESERVE) {
        throw new Error(
          `LabStep ${props.step.id}: the ${action} document is ${size} bytes; SSM allows ${SSM_DOCUMENT_CONTENT_LIMIT} bytes ` +
          `including run-time parameter values, so keep it under ${SSM_DOCUMENT_CONTENT_LIMIT - RUNTIME_PARAMETER_RESERVE}: ` +
          `shorten ${action}.sh or move shared code into lab.sh sparingly (it is copied into every document).`,
        );
      }
      const name = `${workshopName}-${props.step.id}-${action}`;
      names[action] = name;
      documents[action] = new ssm.CfnDocument(this, action.charAt(0).toUpperCase() + action.slice(1), {
        name,
        documentType: 'Command',
        documentFormat: 'JSON',
        updateMethod: 'NewVersion',
        content,
        tags: [
          { key: LAB_TAGS.step, value: props.step.id },
          { key: LAB_TAGS.action, value: action },
          { key: LAB_TAGS.stepHosts, value: props.step.hosts },
        ],
      });
    }
    this.documentNames = names;
    this.documents = documents;
  }
}

/** `Step NN-slug, run: <summary>`, cut at a word to {@link DOCUMENT_DESCRIPTION_LIMIT} characters. */
function documentDescription(step: LabStepDefinition, action: StepAction): string {
  const text = `${step.title} (${step.id}, ${action}): ${step.summary}`;
  if (text.length <= DOCUMENT_DESCRIPTION_LIMIT) {
    return text;
  }
  const cut = text.slice(0, DOCUMENT_DESCRIPTION_LIMIT - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${cut.slice(0, lastSpace > DOCUMENT_DESCRIPTION_LIMIT / 2 ? lastSpace : cut.length).trimEnd()}…`;
}
