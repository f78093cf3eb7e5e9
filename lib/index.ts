// The public API of container-networks-lab: constructs and helpers for building
// Container Networks lab environments.
export * from './config';
export * from './app';
export * from './network/lab-network';
export * from './host/host-os';
export * from './host/host-component';
export * from './host/lab-host';
export * from './topology/single-host';
export * from './topology/multi-host';
// Step documents: the types and helpers a workshop author may need; the rest of
// document-content.ts (script composition, file reading) stays internal.
export { composeDocumentContent, HELPERS_SOURCE_LINE, STEP_ACTIONS } from './steps/document-content';
export type { CommandDocumentContent, DocumentContentInput, StepAction, StepParameter } from './steps/document-content';
export * from './steps/lab-step-definition';
export * from './steps/lab-step';
export * from './stacks/workshop-stack';
export * from './stacks/attendee-stack';
export * from './host/fixed-linux-image';
export * from './cost/prices';
export * from './expiry/lab-expiry';
export * from './stacks/synthesizers';
export * from './stacks/self-contained-stack';
