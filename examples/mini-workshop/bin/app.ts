#!/usr/bin/env node
/**
 * Mini workshop: a second, small workshop built from container-networks-lab.
 *
 * Two lab hosts (the multi-host topology with two hosts), the built-in host
 * software plus one component of our own (components/socat.sh), and two lab
 * steps of our own (steps/01-..., steps/02-...) published as SSM documents
 * `mini-<NN-slug>-run|check|reset` and copied to the hosts.
 *
 *   npx cdk synth                 # with this folder's cdk.json
 */
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { AttendeeStack, HostComponent, WorkshopStack } from 'container-networks-lab';

const here = path.join(__dirname, '..');
const workshopName = 'mini';
const stepsDirectory = path.join(here, 'steps');

const app = new App();

// Shared once per account and region: the VPC and one document per step and action.
const workshop = new WorkshopStack(app, 'MiniWorkshop', { workshopName, stepsDirectory });

// Our own host software, installed after the built-in components.
const socat = HostComponent.fromScript({
  name: 'socat',
  installScript: path.join(here, 'components', 'socat.sh'),
  checkScript: path.join(here, 'components', 'socat.check.sh'),
  description: 'socat, to open and test TCP listeners by hand',
});

// One attendee with two hosts in one subnet; the steps are copied to each host.
const attendee = new AttendeeStack(app, 'MiniWorkshop-alice', {
  vpc: workshop.vpc,
  attendee: 'alice',
  workshopName,
  topologies: ['multi'],
  multiHostCount: 2,
  components: [...HostComponent.defaults(), socat],
  stepsDirectory,
});
attendee.addStackDependency(workshop, 'the hosts live in the workshop VPC');

app.synth();
