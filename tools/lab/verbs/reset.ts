import { stepActionVerb } from '../step-action';

/** `lab reset STEP`: a step's reset document on the attendees' hosts. */
export const resetVerb = stepActionVerb('reset', '  reset STEP             undo a step on the attendees\' hosts');
