import { describe, expect, it } from 'vitest';
import { violationSubject } from './violation-subject.ts';

// OUTLOOK365_MOVE_VIOL_EMAIL's example value and the subject the guide shows for it (§2.4.2), verbatim.
const GUIDE_TEXT = 'Please review the following issue for the attempted move of the following appointment in your outlook calendar:';
const GUIDE_SUBJECT = 'Please review the following issue for the attempted move of the following appointment in your outlook calendar: : Appointment Ref 4376';

describe('violationSubject', () => {
  it('gives exactly the guide’s subject for the guide’s example value', () => {
    expect(violationSubject(GUIDE_TEXT, 4376)).toBe(GUIDE_SUBJECT);
  });

  it('joins any text to the reference with " : ", as the guide does', () => {
    expect(violationSubject('Outlook move refused', 1011)).toBe('Outlook move refused : Appointment Ref 1011');
    expect(violationSubject('  Outlook move refused  ', 1011)).toBe('Outlook move refused : Appointment Ref 1011');
  });

  it('is just the reference when the parameter is empty', () => {
    expect(violationSubject('', 1011)).toBe('Appointment Ref 1011');
    expect(violationSubject('   ', 1011)).toBe('Appointment Ref 1011');
  });
});
