#!/usr/bin/env node
/**
 * The Container Networks lab as a CDK app: one WorkshopStack (shared network
 * and step documents) and one AttendeeStack per attendee, all environment
 * agnostic so `cdk synth` works offline and without credentials.
 *
 *   npx cdk synth -c attendees=alice,bob -c sshCidr=203.0.113.0/24
 *
 * Context keys: workshopName, attendees, sshCidr, allowSshFromAnywhere,
 * instanceType, hostOs, multiHostCount, topologies (see lib/app/config.ts).
 */
import { App } from 'aws-cdk-lib';
import { buildWorkshopApp } from '../lib/app/build-workshop-app';

const app = new App();
try {
  buildWorkshopApp(app);
} catch (error) {
  // A settings or asset problem: the message says what to change; the stack trace would only hide it.
  console.error(`container-networks-lab: ${(error as Error).message}`);
  process.exit(1);
}
app.synth();
