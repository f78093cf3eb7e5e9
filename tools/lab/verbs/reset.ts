import { runActionVerb } from '../step-action';
import { LabVerb } from '../verb';

/** `lab reset STEP`: a step's reset document on the attendees' hosts. */
export const resetVerb: LabVerb = {
  name: 'reset',
  usage: '  reset STEP             undo a step on the attendees\' hosts',
  options: ['attendee', 'all', 'param'],
  step: 'required',
  changesHosts: true,
  run: (invocation) => runActionVerb('reset', invocation),
};
