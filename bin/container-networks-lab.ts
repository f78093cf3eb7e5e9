#!/usr/bin/env node
/**
 * The Container Networks lab as a CDK app: one WorkshopStack (shared network
 * and step documents) and one AttendeeStack per attendee, all environment
 * agnostic so `cdk synth` works offline and without credentials.
 *
 *   npx cdk synth -c attendees=alice,bob -c sshCidr=203.0.113.0/24
 */
import { App } from 'aws-cdk-lib';
import { buildWorkshopApp } from '../lib/app';

const app = new App();
buildWorkshopApp(app);
app.synth();
