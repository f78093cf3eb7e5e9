import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeInstancesCommandOutput, EC2Client, Instance } from '@aws-sdk/client-ec2';
import { Command, ListCommandsCommand, ListCommandsCommandOutput, ListDocumentsCommand, ListDocumentsCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { LAB_TAGS } from '../../lib/contract';
import { EMULATOR_REGION } from './moto-server';

/**
 * What deploy:local reads back through the AWS SDK after the deployment, the
 * same calls a tool would make against AWS: CloudFormation DescribeStacks,
 * EC2 DescribeInstances, SSM ListDocuments and ListCommands. The clients are
 * pinned to the emulator's endpoint and fake credentials.
 */
export interface EmulatorClients {
  readonly cloudFormation: CloudFormationClient;
  readonly ec2: EC2Client;
  readonly ssm: SSMClient;
}

/** SDK clients pinned to the emulator's endpoint and fake credentials. */
export function emulatorClients(endpoint: string): EmulatorClients {
  const config = {
    endpoint,
    region: EMULATOR_REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 3,
  };
  return { cloudFormation: new CloudFormationClient(config), ec2: new EC2Client(config), ssm: new SSMClient(config) };
}

/** A stack as DescribeStacks reports it, its lists turned into key -> value records. */
export interface StackDescription {
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** The stack parameters' current values (e.g. ExpiresAt). */
  readonly parameters: Readonly<Record<string, string>>;
}

/** A stack's status, outputs, tags and parameters, or undefined when it does not exist. */
export async function describeStack(clients: EmulatorClients, stackName: string): Promise<StackDescription | undefined> {
  let stack: Stack | undefined;
  try {
    stack = (await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) {
      return undefined;
    }
    throw error;
  }
  if (!stack) {
    return undefined;
  }
  return {
    status: stack.StackStatus ?? 'UNKNOWN',
    outputs: Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? ''])),
    tags: Object.fromEntries((stack.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    parameters: Object.fromEntries((stack.Parameters ?? []).map((parameter) => [parameter.ParameterKey ?? '', parameter.ParameterValue ?? ''])),
  };
}

/** A lab host as EC2 reports it. */
export interface TaggedInstance {
  readonly instanceId: string;
  readonly state: string;
  readonly imageId?: string;
  readonly privateIp?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Instances with the given workshop tag (any state). */
export async function describeWorkshopInstances(clients: EmulatorClients, workshop: string): Promise<TaggedInstance[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page: DescribeInstancesCommandOutput = await clients.ec2.send(new DescribeInstancesCommand({
      Filters: [{ Name: `tag:${LAB_TAGS.workshop}`, Values: [workshop] }],
      NextToken: nextToken,
    }));
    instances.push(...(page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return instances.map((instance) => ({
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    imageId: instance.ImageId,
    privateIp: instance.PrivateIpAddress,
    tags: Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  }));
}

/** The account's own SSM documents tagged cnlab:step: name -> tags. */
export async function listStepDocuments(clients: EmulatorClients): Promise<Map<string, Record<string, string>>> {
  const documents = new Map<string, Record<string, string>>();
  let nextToken: string | undefined;
  do {
    const page: ListDocumentsCommandOutput = await clients.ssm.send(new ListDocumentsCommand({
      Filters: [{ Key: 'Owner', Values: ['Self'] }, { Key: 'tag-key', Values: [LAB_TAGS.step] }],
      NextToken: nextToken,
    }));
    for (const document of page.DocumentIdentifiers ?? []) {
      documents.set(document.Name ?? '', Object.fromEntries((document.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])));
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return documents;
}

/** Every Run Command command the emulator has recorded. */
export async function listCommands(clients: EmulatorClients): Promise<Command[]> {
  const commands: Command[] = [];
  let nextToken: string | undefined;
  do {
    const page: ListCommandsCommandOutput = await clients.ssm.send(new ListCommandsCommand({ NextToken: nextToken }));
    commands.push(...(page.Commands ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return commands;
}

/** Images owned by Canonical that the emulator knows, newest name last. */
export async function canonicalImages(clients: EmulatorClients): Promise<Array<{ imageId: string; name: string }>> {
  const images = (await clients.ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'] }))).Images ?? [];
  return images
    .map((image) => ({ imageId: image.ImageId ?? '', name: image.Name ?? '' }))
    .filter((image) => image.imageId !== '')
    .sort((a, b) => a.name.localeCompare(b.name));
}
