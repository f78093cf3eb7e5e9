import { isStepSelector, isValidStepId, matchesStepSelector, MAX_STEP_ID_LENGTH } from '../../../lib/contract';

/** The step-id and step-selector rules the CLI, the step folders and resolveStep share. */
describe('step ids and selectors', () => {
  test('isValidStepId: two digits, a dash, a lower case slug, at most MAX_STEP_ID_LENGTH characters', () => {
    expect(isValidStepId('06-across-hosts')).toBe(true);
    expect(isValidStepId(`06-${'a'.repeat(MAX_STEP_ID_LENGTH - 3)}`)).toBe(true);
    expect(isValidStepId(`06-${'a'.repeat(MAX_STEP_ID_LENGTH - 2)}`)).toBe(false);
    expect(['6-across', '06-Across', '06_across', ' 06-across', '06', ''].filter(isValidStepId)).toEqual([]);
  });

  test('isStepSelector: a number of one or two digits (spaces around ignored), or a valid step id', () => {
    expect(['6', '06', ' 6 ', '06-across-hosts'].every(isStepSelector)).toBe(true);
    expect(['six', '006', '6; rm -rf /', ' 06-across-hosts', '', `06-${'a'.repeat(MAX_STEP_ID_LENGTH)}`].filter(isStepSelector)).toEqual([]);
  });

  test('every selector isStepSelector accepts can match a step', () => {
    expect(['6', '06', ' 6 '].every((selector) => matchesStepSelector('06-across-hosts', selector))).toBe(true);
    expect(matchesStepSelector('06-across-hosts', '06-across-hosts')).toBe(true);
    expect(matchesStepSelector('06-across-hosts', '7')).toBe(false);
  });
});
