/**
 * Workshop and attendee names: the one set of rules the CDK app, the
 * constructs and the lab command check names against.
 */

/** The workshop name used when none is given. */
export const DEFAULT_WORKSHOP_NAME = 'container-networks';

/** Workshop names: they prefix stack names and SSM document names (documents may not start with aws, amazon or amzn). */
export const WORKSHOP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** Prefixes SSM reserves for its own documents. */
const RESERVED_PREFIX = /^(aws|amazon|amzn)/;

/** Attendee names: they become part of a stack name and a tag value. */
export const ATTENDEE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** What a workshop name may be, in words (for error messages). */
export const WORKSHOP_NAME_RULE =
  'a lower case letter, then up to 30 lower case letters, digits or dashes, not starting with aws, amazon or amzn';

/** What an attendee name may be, in words (for error messages). */
export const ATTENDEE_NAME_RULE = 'a lower case letter, then up to 31 lower case letters, digits or dashes';

/** Whether a workshop name is allowed. */
export function isValidWorkshopName(name: string): boolean {
  return WORKSHOP_NAME_PATTERN.test(name) && !RESERVED_PREFIX.test(name);
}

/** Whether an attendee name is allowed. */
export function isValidAttendeeName(name: string): boolean {
  return ATTENDEE_NAME_PATTERN.test(name);
}
