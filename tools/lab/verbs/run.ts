import { runActionVerb } from '../step-action';
import { LabVerb } from '../verb';

/** `lab run STEP`: a step's run document on the attendees' hosts. */
export const runVerb: LabVerb = {
  name: 'run',
  usage: '  run STEP               run a step on the attendees\' hosts, print each host\'s output',
  options: ['attendee', 'all', 'param'],
  step: 'required',
  changesHosts: true,
  run: (invocation) => runActionVerb('run', invocation),
};
