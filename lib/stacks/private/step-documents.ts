import { Construct } from 'constructs';
import { LabStep } from '../../steps/lab-step';
import { LabStepDefinition } from '../../steps/lab-step-definition';

/** One LabStep per step, `Step<NNslug>`, in the order given. */
export function addStepDocuments(scope: Construct, steps: readonly LabStepDefinition[], workshopName: string): LabStep[] {
  return steps.map((step) => new LabStep(scope, `Step${step.id.replace(/[^A-Za-z0-9]/g, '')}`, { step, workshopName }));
}
