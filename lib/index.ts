// The public API of container-networks-lab: what a workshop author needs to
// build a lab of their own. Everything else (helpers, constants, the tools)
// is internal and may change in any release.

// The app: context -> validated settings -> stacks.
export { buildWorkshopApp } from './app/build-workshop-app';
export type { BuildWorkshopAppOptions, WorkshopApp } from './app/build-workshop-app';
export type { FlowLogTraffic, WorkshopConfig } from './app/config';

// The contract the constructs and the tools share (types only).
export { TOPOLOGIES } from './contract';
export type { StepAction, StepParameter, TopologyKind, TopologySpec } from './contract';

// Constructs.
export { LabNetwork } from './network/lab-network';
export type { LabNetworkProps } from './network/lab-network';
export type { HostOs } from './host/host-os';
export type { HostArchitecture } from './host/instance-types';
export { HostComponent } from './host/host-component';
export type { HostComponentOptions } from './host/host-component';
export { LabHost } from './host/lab-host';
export type { LabHostProps } from './host/lab-host';
export { FixedLinuxImage } from './host/fixed-linux-image';
export type { ILabTopology } from './topology/lab-topology';
export { SingleHostTopology } from './topology/single-host';
export type { SingleHostTopologyProps } from './topology/single-host';
export { MultiHostTopology } from './topology/multi-host';
export type { MultiHostTopologyProps } from './topology/multi-host';
export { LabStepDefinition } from './steps/lab-step-definition';
export { LabStep } from './steps/lab-step';
export type { LabStepProps } from './steps/lab-step';
export { WorkshopStack } from './stacks/workshop-stack';
export type { WorkshopStackProps } from './stacks/workshop-stack';
export { AttendeeStack } from './stacks/attendee-stack';
export type { AttendeeExpiry, AttendeeStackProps } from './stacks/attendee-stack';
export { SelfContainedLabStack } from './stacks/self-contained-stack';
export type { SelfContainedLabStackProps } from './stacks/self-contained-stack';
export { addWorkshopStudioParameters, selfContainedSynthesizer, workshopStudioSynthesizer } from './stacks/synthesizers';
export { ExpiryDeleterRole, LabExpiry } from './expiry/lab-expiry';
export { AttendeeAccess } from './access/attendee-access';
export type { AttendeeAccessProps } from './access/attendee-access';
export type { ExpiryAction, ExpiryDeleterRoleProps, LabExpiryProps } from './expiry/lab-expiry';

// The workshop invariants as synth-time rules (cdk-nag).
export { WorkshopChecks } from './rules/workshop-checks';
