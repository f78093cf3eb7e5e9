import * as fs from 'fs';
import * as path from 'path';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { LAB_TAGS, STEP_ACTIONS } from '../../lib/contract';
import {
  ASSEMBLY, ATTENDEES, DeployLocalRun, expect, ids, KnownEmulatorLimit, LOGS, MULTI_HOST_COUNT, rel, required, RUN_DIR, STACKS, WORKSHOP,
} from './harness';
import { canonicalImages, describeStack, describeWorkshopInstances, emulatorClients, listStepDocuments } from './inspect';
import { EMULATOR_ACCOUNT, EMULATOR_REGION, emulatorEnvironment, freeLoopbackPort, startMotoServer } from './moto-server';

/** One phase: a name and the work, which returns what it found or throws PhaseError. */
export interface Phase {
  readonly name: string;
  readonly run: (run: DeployLocalRun) => Promise<string>;
}

export const startEmulator: Phase = {
  name: 'start moto_server',
  run: async (run) => {
    const port = run.port ?? await freeLoopbackPort();
    run.moto = await startMotoServer({ port, cwd: RUN_DIR, logFile: path.join(LOGS, 'moto_server.log'), traceFile: run.traceFile('moto_server') });
    run.env = emulatorEnvironment(run.moto.endpoint, RUN_DIR);
    run.clients = emulatorClients(run.moto.endpoint);
    return `${run.moto.endpoint}${run.trace ? ', connections traced with strace' : ', connections NOT traced (strace unavailable or --no-trace)'}`;
  },
};

export const pickImage: Phase = {
  name: 'emulator AMI (context amiId)',
  run: async (run) => {
    const images = await canonicalImages(required(run.clients, 'the emulator clients'));
    expect(images.length > 0, 'moto knows no Canonical (099720109477) image');
    const image = images[images.length - 1];
    run.amiId = image.imageId;
    return `${image.imageId} (${image.name}): moto's newest Canonical image stands in for Ubuntu 24.04`;
  },
};

export const bootstrap: Phase = {
  name: 'cdk bootstrap',
  run: async (run) => {
    const clients = required(run.clients, 'the emulator clients');
    // From the run folder: no cdk.json there, so bootstrap does not synthesize the app.
    const outcome = await run.cli('cdk-bootstrap', 'npx', ['cdk', 'bootstrap', `aws://${EMULATOR_ACCOUNT}/${EMULATOR_REGION}`, '--no-notices'], RUN_DIR);
    expect(outcome.exitCode === 0, `cdk bootstrap exited ${outcome.exitCode}; see ${rel(LOGS)}/cdk-bootstrap.log`);
    const toolkit = await describeStack(clients, 'CDKToolkit');
    expect(toolkit && toolkit.status.endsWith('_COMPLETE'), `stack CDKToolkit is ${toolkit?.status ?? 'missing'}`);
    const version = (await clients.ssm.send(new GetParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version' }))).Parameter?.Value;
    expect(version, 'the bootstrap version parameter /cdk-bootstrap/hnb659fds/version is missing');
    return `CDKToolkit ${toolkit.status}, bootstrap version ${version}`;
  },
};

export const deploy: Phase = {
  name: 'cdk deploy --all',
  run: async (run) => {
    // --method direct: moto 5.2 executes a CREATE change set without recording the
    // stack's outputs and exports, so the attendee stacks' Fn::ImportValue of the VPC
    // would fail. CreateStack/UpdateStack (direct) deploys the same templates.
    const outcome = await run.cli('cdk-deploy', 'npx', cdkDeployArguments(run, EMULATOR_EXPIRES_AT));
    expect(outcome.exitCode === 0, `cdk deploy exited ${outcome.exitCode}; see ${rel(LOGS)}/cdk-deploy.log`);
    return `${STACKS.length} stacks: ${STACKS.join(', ')}`;
  },
};

/** `cdk deploy --all` of the workshop to the emulator, with this context expiresAt. */
export function cdkDeployArguments(run: DeployLocalRun, expiresAt: string): string[] {
  return [
    'cdk', 'deploy', '--all', '--require-approval', 'never', '--method', 'direct', '--no-notices', '--progress', 'events',
    '-c', `attendees=${ATTENDEES.join(',')}`, '-c', `amiId=${required(run.amiId, 'the AMI')}`, '-o', ASSEMBLY,
    // moto cannot run the Lambda function behind the custom resource that empties the VPC's default security group.
    '-c', '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup=false',
    // A new attendee stack needs its expiry (the ExpiresAt parameter's default).
    '-c', `expiresAt=${expiresAt}`,
  ];
}

/** The expiry the emulator's attendee stacks are created with: far enough ahead never to be reached during a run. */
export const EMULATOR_EXPIRES_AT = '2099-01-01T18:00:00Z';

export const stacksAndOutputs: Phase = {
  name: 'stacks and outputs (DescribeStacks)',
  run: async (run) => {
    const outputs = new Map<string, Record<string, string>>();
    for (const stackName of STACKS) {
      const stack = await describeStack(required(run.clients, 'the emulator clients'), stackName);
      expect(stack, `stack ${stackName} does not exist`);
      expect(stack.status === 'CREATE_COMPLETE' || stack.status === 'UPDATE_COMPLETE', `stack ${stackName} is ${stack.status}`);
      outputs.set(stackName, stack.outputs);
    }
    run.outputs = outputs;
    for (const attendee of ATTENDEES) {
      const wanted = ['SingleHost', ...Array.from({ length: MULTI_HOST_COUNT }, (_, index) => `MultiHost${index + 1}`)]
        .flatMap((host) => [`${host}InstanceId`, `${host}PrivateIp`, `${host}SessionUrl`]).concat('MultiHostAddresses');
      const missing = wanted.filter((key) => !run.outputsOf(attendee)[key]);
      expect(missing.length === 0, `${WORKSHOP}-${attendee} lacks outputs ${missing.join(', ')}`);
    }
    const counts = STACKS.map((stackName) => `${stackName} ${Object.keys(outputs.get(stackName) ?? {}).length}`);
    return `all ${STACKS.length} CREATE_COMPLETE; outputs: ${counts.join(', ')}`;
  },
};

export const hostsAndTags: Phase = {
  name: 'hosts and tags (DescribeInstances)',
  run: async (run) => {
    const instances = (await describeWorkshopInstances(required(run.clients, 'the emulator clients'), WORKSHOP)).filter((instance) => instance.state === 'running');
    const expected = ATTENDEES.length * (1 + MULTI_HOST_COUNT);
    expect(instances.length === expected, `${instances.length} running instances tagged workshop=${WORKSHOP}; expected ${expected}`);
    run.hosts = new Map();
    for (const attendee of ATTENDEES) {
      const own = instances.filter((instance) => instance.tags[LAB_TAGS.attendee] === attendee);
      const byTopology = (kind: string) => own.filter((instance) => instance.tags[LAB_TAGS.topology] === kind)
        .sort((a, b) => Number(a.tags[LAB_TAGS.hostIndex]) - Number(b.tags[LAB_TAGS.hostIndex]));
      const single = byTopology('single');
      const multi = byTopology('multi');
      expect(single.length === 1 && multi.length === MULTI_HOST_COUNT, `${attendee}: ${single.length} single and ${multi.length} multi hosts by tags`);
      expect(multi.every((instance, index) => instance.tags[LAB_TAGS.hostIndex] === String(index + 1)) && single[0].tags[LAB_TAGS.hostIndex] === '1',
        `${attendee}: host-index tags are not 1..n`);
      const outputs = run.outputsOf(attendee);
      expect(outputs.SingleHostInstanceId === single[0].instanceId, `${attendee}: output SingleHostInstanceId ${outputs.SingleHostInstanceId} is not the instance tagged single#1 (${single[0].instanceId})`);
      multi.forEach((instance, index) => expect(outputs[`MultiHost${index + 1}InstanceId`] === instance.instanceId,
        `${attendee}: output MultiHost${index + 1}InstanceId is not the instance tagged multi#${index + 1}`));
      const addresses = multi.map((instance) => instance.privateIp).join(',');
      expect(outputs.MultiHostAddresses === addresses, `${attendee}: output MultiHostAddresses ${outputs.MultiHostAddresses} differs from the tagged hosts' addresses ${addresses}`);
      expect(own.every((instance) => instance.imageId === run.amiId), `${attendee}: a host does not run ${run.amiId}`);
      run.hosts.set(attendee, { single, multi });
    }
    return `${instances.length} running, tags workshop/attendee/cnlab:topology/cnlab:host-index match the outputs; image ${run.amiId}`;
  },
};

export const stepDocuments: Phase = {
  name: 'step documents (ListDocuments)',
  run: async (run) => {
    const documents = await listStepDocuments(required(run.clients, 'the emulator clients'));
    const wanted = run.steps.flatMap((step) => STEP_ACTIONS.map((action) => ({ name: `${WORKSHOP}-${step.id}-${action}`, step, action })));
    for (const { name, step, action } of wanted) {
      const tags = documents.get(name);
      expect(tags, `document ${name} is missing`);
      expect(tags[LAB_TAGS.step] === step.id && tags[LAB_TAGS.action] === action && tags[LAB_TAGS.stepHosts] === step.hosts && tags[LAB_TAGS.workshop] === WORKSHOP,
        `document ${name} has tags ${JSON.stringify(tags)}`);
    }
    expect(documents.size === wanted.length, `${documents.size} step documents; expected ${wanted.length}`);
    return `${documents.size} documents (3 for each of ${run.steps.length} steps), names and tags (step, action, hosts) as the lab command expects`;
  },
};

export const destroyAttendees: Phase = {
  name: 'cdk destroy (attendee stacks)',
  run: async (run) => {
    const clients = required(run.clients, 'the emulator clients');
    const attendeeStacks = STACKS.slice(1);
    const outcome = await run.cli('cdk-destroy-attendees', 'npx', ['cdk', 'destroy', ...attendeeStacks, '--force', '--no-notices', '--app', ASSEMBLY]);
    expect(outcome.exitCode === 0, `cdk destroy exited ${outcome.exitCode}; see ${rel(LOGS)}/cdk-destroy-attendees.log`);
    for (const stackName of attendeeStacks) {
      const stack = await describeStack(clients, stackName);
      expect(!stack || stack.status === 'DELETE_COMPLETE', `${stackName} is ${stack?.status}`);
    }
    const deployed = new Set([...required(run.hosts, 'the hosts').values()].flatMap(({ single, multi }) => ids([...single, ...multi])));
    const instances = await describeWorkshopInstances(clients, WORKSHOP);
    const alive = instances.filter((instance) => deployed.has(instance.instanceId) && instance.state !== 'terminated');
    expect(alive.length === 0, `${alive.length} deployed hosts not terminated`);
    const relaunched = instances.filter((instance) => !deployed.has(instance.instanceId) && instance.state !== 'terminated').length;
    return `${attendeeStacks.length} stacks DELETE_COMPLETE, the ${deployed.size} deployed hosts terminated` +
      (relaunched > 0 ? ` (moto bug: it launched ${relaunched} untracked copies while deleting)` : '');
  },
};

export const destroyWorkshop: Phase = {
  name: 'cdk destroy (workshop stack)',
  run: async (run) => {
    const outcome = await run.cli('cdk-destroy-workshop', 'npx', ['cdk', 'destroy', WORKSHOP, '--force', '--no-notices', '--app', ASSEMBLY]);
    const log = fs.readFileSync(path.join(LOGS, 'cdk-destroy-workshop.log'), 'utf8');
    if (outcome.exitCode !== 0 && /The vpc vpc-[0-9a-f]+ has dependencies and cannot be deleted/.test(log)) {
      throw new KnownEmulatorLimit('moto refuses to delete the VPC: it keeps the attendee stacks\' security groups and ' +
        'network interfaces and relaunches their instances while deleting them (an emulator bug; AWS deletes them with the stacks)');
    }
    expect(outcome.exitCode === 0, `cdk destroy exited ${outcome.exitCode}; see ${rel(LOGS)}/cdk-destroy-workshop.log`);
    const clients = required(run.clients, 'the emulator clients');
    const stack = await describeStack(clients, WORKSHOP);
    expect(!stack || stack.status === 'DELETE_COMPLETE', `${WORKSHOP} is ${stack?.status}`);
    const documents = await listStepDocuments(clients);
    expect(documents.size === 0, `${documents.size} step documents left`);
    return `${WORKSHOP} DELETE_COMPLETE, step documents gone`;
  },
};
