#!/usr/bin/env node
/**
 * Mini workshop: a second, small workshop built from container-networks-lab.
 *
 * Two lab hosts per attendee (the multi-host topology with two hosts), the
 * built-in host software plus one component of our own (components/socat.sh),
 * and two lab steps of our own (steps/01-..., steps/02-...) published as SSM
 * documents `mini-<NN-slug>-run|check|reset` and copied to the hosts.
 * buildWorkshopApp reads the settings from context (cdk.json: workshopName
 * mini, attendee alice) and adds what every workshop gets: the attendees'
 * expiry, cdk-nag's AwsSolutions checks and the workshop rules.
 *
 *   npx cdk synth                 # with this folder's cdk.json
 *   npx cdk synth -c attendees=alice,bob -c sshCidr=203.0.113.7/32
 */
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildWorkshopApp, HostComponent } from 'container-networks-lab';

const here = path.join(__dirname, '..');

// Our own host software, installed after the built-in components.
const socat = HostComponent.fromScript({
  name: 'socat',
  installScript: path.join(here, 'components', 'socat.sh'),
  checkScript: path.join(here, 'components', 'socat.check.sh'),
  description: 'socat, to open and test TCP listeners by hand',
});

const app = new App();
buildWorkshopApp(app, {
  stepsDirectory: path.join(here, 'steps'),
  components: [...HostComponent.defaults(), socat],
  // Both steps run on two hosts in one subnet; -c topologies=... still overrides this.
  topologies: ['multi'],
});
app.synth();
