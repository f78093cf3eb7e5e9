import { LabVerb } from '../verb';
import { cardsVerb } from './cards';
import { checkVerb } from './check';
import { hostsVerb } from './hosts';
import { reportVerb } from './report';
import { resetVerb } from './reset';
import { runVerb } from './run';

/** The lab command's verbs, in the order the usage text lists them. A new verb: a file here and a line below. */
export const VERBS: readonly LabVerb[] = [hostsVerb, runVerb, checkVerb, resetVerb, reportVerb, cardsVerb];
