import * as fs from 'fs';
import * as path from 'path';
import { LAB_TAGS, TOPOLOGY_KINDS } from '../../lib/contract';
import { isObject, Json, readTemplateResources, tagValue } from './documents';

/**
 * The region the rehearsal gives `AWS::Region` in a template's user data.
 * The templates are environment-agnostic; the machines reach no AWS endpoint.
 */
export const REHEARSAL_REGION = 'us-east-1';

/** A lab host of a synthesized template: an EC2 instance tagged with its topology and place in it. */
export interface TemplateHost {
  /** The template it is in. */
  readonly templateFile: string;
  /** The stack of that template (what `AWS::StackName` is on EC2). */
  readonly stackName: string;
  /** The instance's logical id. */
  readonly logicalId: string;
  /** Tag `cnlab:topology` (single, multi, ...). */
  readonly topology: string;
  /** Tag `cnlab:host-index`: 1, 2, ... within the topology. */
  readonly hostIndex: number;
  /** How long the creation policy waits for the host's signal, in seconds (900 when the template sets none). */
  readonly readinessTimeoutSeconds: number;
}

/** A lab host the rehearsal boots, with the user data EC2 would give it. */
export interface HostToBoot extends TemplateHost {
  /** Its template's UserData with the deploy-time values filled in (see filledUserData). */
  readonly userData: string;
}

/** Seconds of an ISO 8601 duration such as PT30M or PT1H5M (what creation policies use). */
export function isoDurationSeconds(duration: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!match || duration === 'PT') {
    throw new Error(`'${duration}' is not an ISO 8601 duration of the form PT#H#M#S.`);
  }
  const [, hours, minutes, seconds] = match;
  return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
}

/**
 * The stack name of a template of a cloud assembly, from its manifest (the
 * artifact whose templateFile it is), else its file name without `.template.json`.
 */
export function stackNameOf(templateFile: string): string {
  const folder = path.dirname(templateFile);
  const manifestFile = path.join(folder, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, { properties?: Json }> };
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      const properties = artifact.properties ?? {};
      if (properties.templateFile === path.basename(templateFile)) {
        return typeof properties.stackName === 'string' ? properties.stackName : id;
      }
    }
  }
  return path.basename(templateFile).replace(/\.template\.json$/, '');
}

/** The lab hosts of the given templates: instances with the cnlab:topology and cnlab:host-index tags, in the contract's topology order, then by index. */
export function templateHosts(templateFiles: readonly string[]): TemplateHost[] {
  const hosts: TemplateHost[] = [];
  for (const templateFile of templateFiles) {
    const found: Array<Omit<TemplateHost, 'stackName'>> = [];
    for (const [logicalId, resource] of Object.entries(readTemplateResources(templateFile))) {
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const topology = tagValue(properties, LAB_TAGS.topology);
      const index = tagValue(properties, LAB_TAGS.hostIndex);
      if (resource.Type !== 'AWS::EC2::Instance' || topology === undefined || index === undefined) continue;
      const policy = isObject(resource.CreationPolicy) && isObject(resource.CreationPolicy.ResourceSignal) ? resource.CreationPolicy.ResourceSignal : {};
      found.push({
        templateFile,
        logicalId,
        topology,
        hostIndex: Number(index),
        readinessTimeoutSeconds: typeof policy.Timeout === 'string' ? isoDurationSeconds(policy.Timeout) : 900,
      });
    }
    if (found.length === 0) continue;
    const stackName = stackNameOf(templateFile); // its manifest read once per template, not per host
    hosts.push(...found.map((host) => ({ ...host, stackName })));
  }
  // In the contract's topology order: the single host (which builds every lab image) first.
  const rank = (topology: string): number => {
    const index = (TOPOLOGY_KINDS as readonly string[]).indexOf(topology);
    return index < 0 ? TOPOLOGY_KINDS.length : index;
  };
  return hosts.sort((a, b) => a.templateFile.localeCompare(b.templateFile) || rank(a.topology) - rank(b.topology)
    || a.topology.localeCompare(b.topology) || a.hostIndex - b.hostIndex);
}

/** The values of the pseudo parameters a lab host's user data may refer to. */
export interface PseudoParameters {
  readonly stackName: string;
  readonly region: string;
  /**
   * What a `Ref` to a resource of the template stands for on a rehearsal machine (e.g. a wait
   * condition handle: a URL the cfn-signal stand-in records instead of calling).
   */
  readonly resources?: Readonly<Record<string, string>>;
}

/** The URL a rehearsal machine gets for a wait condition handle: cfn-signal's stand-in records signals to it. */
export function rehearsalHandleUrl(stackName: string, logicalId: string): string {
  return `https://rehearsal.invalid/wait-condition/${stackName}/${logicalId}`;
}

/**
 * Resolves a template value made of text, `Fn::Join`, `Fn::Base64` and `Ref`s
 * to the pseudo parameters AWS::StackName, AWS::Region, AWS::Partition and
 * AWS::URLSuffix, as CloudFormation does at deploy time. Anything else (a
 * resource's attribute, a parameter) cannot be known before a deploy: an error
 * names it.
 */
export function resolveTemplateText(value: unknown, pseudo: PseudoParameters, where: string): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if (Array.isArray(value['Fn::Join']) && value['Fn::Join'].length === 2 && Array.isArray(value['Fn::Join'][1])) {
      const [separator, parts] = value['Fn::Join'] as [unknown, unknown[]];
      return parts.map((part) => resolveTemplateText(part, pseudo, where)).join(String(separator));
    }
    if ('Fn::Base64' in value) return resolveTemplateText(value['Fn::Base64'], pseudo, where);
    const pseudoValues: Record<string, string> = {
      'AWS::StackName': pseudo.stackName,
      'AWS::Region': pseudo.region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (typeof value.Ref === 'string' && value.Ref in pseudoValues) return pseudoValues[value.Ref];
    if (typeof value.Ref === 'string' && pseudo.resources?.[value.Ref] !== undefined) return pseudo.resources[value.Ref];
  }
  throw new Error(`${where}: ${JSON.stringify(value).slice(0, 160)} cannot be resolved before a deploy (the rehearsal knows text, Fn::Join, Fn::Base64 and the AWS:: pseudo parameters).`);
}

/**
 * The user data EC2 would give the host: the template's UserData with the
 * deploy-time values filled in. `resources` are those of the host's template
 * (readTemplateResources), read once for all its hosts.
 */
export function filledUserData(host: TemplateHost, resources: Readonly<Record<string, Json>>, region = REHEARSAL_REGION): string {
  const properties = isObject(resources[host.logicalId]?.Properties) ? resources[host.logicalId].Properties as Json : {};
  if (properties.UserData === undefined) {
    throw new Error(`${host.logicalId} in ${path.basename(host.templateFile)} has no UserData.`);
  }
  const handles = Object.fromEntries(Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudFormation::WaitConditionHandle')
    .map(([logicalId]) => [logicalId, rehearsalHandleUrl(host.stackName, logicalId)]));
  return resolveTemplateText(properties.UserData, { stackName: host.stackName, region, resources: handles }, `${host.logicalId} UserData`);
}
