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
export * from './steps/document-content';
export * from './steps/lab-step-definition';
export * from './steps/lab-step';
export * from './stacks/workshop-stack';
export * from './stacks/attendee-stack';
export * from './host/fixed-linux-image';
