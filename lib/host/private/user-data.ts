/** EC2's limit on raw user data. */
export const USER_DATA_LIMIT = 16 * 1024;

/** The placeholders `assets/host/user-data.sh` may contain, filled at synth. */
export type UserDataPlaceholder = 'STACK_NAME' | 'LOGICAL_ID' | 'INIT_RESOURCE' | 'REGION' | 'CONFIGSETS' | 'HOST_OS' | 'LAB_IMAGES';

/**
 * Longest values the deploy-time placeholders can take, to measure user data
 * before CloudFormation fills them: stack names are up to 128 characters,
 * logical ids up to 255, region names (e.g. ap-southeast-5) well under 25.
 */
export const LONGEST_PLACEHOLDER_VALUES: Readonly<Partial<Record<UserDataPlaceholder, string>>> = {
  STACK_NAME: 'S'.repeat(128),
  LOGICAL_ID: 'L'.repeat(255),
  INIT_RESOURCE: 'I'.repeat(255),
  REGION: 'r'.repeat(25),
};

/** The placeholders in a template, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(/@@([A-Z_]+)@@/g)].map((match) => match[1]))];
}

/** The template with every `@@NAME@@` replaced; throws on a placeholder without a value. */
export function fillPlaceholders(template: string, values: Readonly<Partial<Record<UserDataPlaceholder, string>>>): string {
  const unknown = placeholdersIn(template).filter((name) => (values as Record<string, string | undefined>)[name] === undefined);
  if (unknown.length > 0) {
    throw new Error(`LabHost: the user data template has placeholders this version does not fill: ${unknown.map((name) => `@@${name}@@`).join(', ')} (known: @@STACK_NAME@@, @@LOGICAL_ID@@, @@INIT_RESOURCE@@, @@REGION@@, @@CONFIGSETS@@, @@HOST_OS@@, @@LAB_IMAGES@@).`);
  }
  return template.replace(/@@([A-Z_]+)@@/g, (_match, name: string) => (values as Record<string, string>)[name]);
}
