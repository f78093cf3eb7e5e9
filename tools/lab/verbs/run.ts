import { stepActionVerb } from '../step-action';

/** `lab run STEP`: a step's run document on the attendees' hosts. */
export const runVerb = stepActionVerb('run', '  run STEP               run a step on the attendees\' hosts, print each host\'s output');
