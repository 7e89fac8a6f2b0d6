import { describe, expect, it } from 'vitest';
import { caseReference, handledCategory, parseCaseReference, replySubject } from './case-reference.ts';

describe('case reference', () => {
  it('reads [ASB-123] and the older [Task 123]', () => {
    expect(parseCaseReference('RE: Noise [ASB-123]')).toEqual({ inbox: 'ASB', taskId: 123 });
    expect(parseCaseReference('RE: Noise [Task 9]')).toEqual({ taskId: 9 });
    expect(parseCaseReference('Noise at [night]')).toBeUndefined();
  });
  it('puts one RE: and one reference in a reply subject, never doubled', () => {
    const ref = caseReference('asb', 123);
    expect(ref).toBe('ASB-123');
    expect(replySubject('Noise from flat 3', ref)).toBe('RE: Noise from flat 3 [ASB-123]');
    expect(replySubject('RE: RE: Noise from flat 3 [ASB-123]', ref)).toBe('RE: RE: Noise from flat 3 [ASB-123]');
    expect(replySubject('Noise [Task 5]')).toBe('RE: Noise');
    expect(replySubject('')).toBe('RE: (no subject)');
    expect(handledCategory(ref)).toBe('housing365 ASB-123');
  });
});
