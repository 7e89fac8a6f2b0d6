import { describe, expect, it } from 'vitest';
import { CASE_STATES, CASE_STEPS, CASE_TRANSITIONS, checkExtension, codeDeadline, deadlineState, explainDeadline, recomputeDue, stepProblem } from './case.ts';
import { buildCalendar } from './holidays.ts';
import { CODE_DEFAULTS, ComplaintPolicyInput, departuresFromCode, policyFromInput } from './policy.ts';

const ENG = buildCalendar('england-and-wales', { from: 2025, to: 2028 }, '3.37.0');
const SCT = buildCalendar('scotland', { from: 2025, to: 2028 }, '3.37.0');
const P = CODE_DEFAULTS;

describe('the Code defaults', () => {
  it('are 5/10/10 at stage 1 and 5/20/20 at stage 2', () => {
    expect(P.stage1).toEqual({ acknowledgeDays: 5, respondDays: 10, maxExtensionDays: 10 });
    expect(P.stage2).toEqual({ acknowledgeDays: 5, respondDays: 20, maxExtensionDays: 20 });
  });
  it('an empty policy form gives the defaults; a departure from the Code is named', () => {
    const p = policyFromInput(ComplaintPolicyInput.parse({}));
    expect(p.stage1).toEqual(P.stage1);
    expect(departuresFromCode(p)).toEqual([]);
    expect(departuresFromCode(policyFromInput(ComplaintPolicyInput.parse({ stage2RespondDays: 25 })))).toEqual(['Stage 2 response 25 working days: the Code (6.15) allows 20']);
  });
  it('refuses a policy number that is not a whole number of working days, naming the field', () => {
    const r = ComplaintPolicyInput.safeParse({ stage1AcknowledgeDays: '2.5', stage1RespondDays: 0 });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(['stage1AcknowledgeDays', 'stage1RespondDays']);
  });
});

describe('the case state machine', () => {
  it.each([
    ['stage1_new', 'stage1_acknowledged', null],
    ['stage1_new', 'stage1_response_sent', /cannot be recorded now.*Stage 1: to acknowledge/],
    ['stage1_new', 'stage1_extended', /cannot be recorded now/],
    ['stage1_acknowledged', 'stage1_extended', null],
    ['stage1_acknowledged', 'escalated', /cannot be recorded now/],
    ['stage1_responded', 'escalated', null],
    ['stage2_new', 'stage2_acknowledged', null],
    ['stage2_acknowledged', 'stage2_response_sent', null],
    ['stage2_responded', 'escalated', /cannot be recorded now/],
    ['closed', 'stage1_acknowledged', /cannot be recorded now.*Closed"$/],
  ] as const)('%s → %s', (from, step, problem) => {
    const p = stepProblem(from, step);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
  it('every state is reachable and every step leads somewhere; there is no third stage', () => {
    const reached = new Set(['stage1_new']);
    for (const s of CASE_STATES) for (const to of Object.values(CASE_TRANSITIONS[s])) reached.add(to!);
    expect([...reached].sort()).toEqual([...CASE_STATES].sort());
    const used = new Set(CASE_STATES.flatMap((s) => Object.keys(CASE_TRANSITIONS[s])));
    expect([...used].sort()).toEqual([...CASE_STEPS].sort());
    expect(CASE_STATES.some((s) => s.startsWith('stage3'))).toBe(false);
  });
});

describe('deadlines carry their basis', () => {
  it('stage 1 acknowledgement: 5 working days from receipt, with the holidays it skipped', () => {
    const d = codeDeadline(ENG, P, 1, 'acknowledge', '2026-12-23');
    expect(d.due).toBe('2027-01-04');
    expect(d.basis).toMatchObject({ rule: 'stage1.acknowledge', clause: '6.2', days: 5, from: '2026-12-23', fromEvent: 'received', nation: 'england-and-wales', holidaySource: 'date-holidays 3.37.0' });
    expect(d.basis.holidaysSkipped.map((h) => h.date)).toEqual(['2026-12-25', '2026-12-28', '2027-01-01']);
    expect(explainDeadline(d)).toBe(
      'Acknowledge stage 1 by Mon 4 Jan 2027: 5 working days from receipt on Wed 23 Dec 2026 (Code 6.2), England and Wales bank holidays from date-holidays 3.37.0; skips Christmas Day (Fri 25 Dec 2026), Boxing Day (substitute day) (Mon 28 Dec 2026), New Year\'s Day (Fri 1 Jan 2027)',
    );
  });
  it('stage 2: acknowledge 5 working days from the escalation request (6.11), respond 20 from that acknowledgement (6.15)', () => {
    expect(codeDeadline(ENG, P, 2, 'acknowledge', '2027-01-04')).toMatchObject({ due: '2027-01-11', basis: { clause: '6.11', fromEvent: 'escalation requested' } });
    expect(codeDeadline(ENG, P, 2, 'respond', '2027-01-11')).toMatchObject({ due: '2027-02-08', basis: { clause: '6.15', days: 20 } });
  });
  it('a change of nation mid-case: the stored deadline keeps its basis; the next one is computed on the new calendar', () => {
    const ack = codeDeadline(ENG, P, 1, 'acknowledge', '2026-12-23');
    // The landlord switches to Scotland after the case was opened.
    expect(recomputeDue(ENG, ack.basis)).toBe(ack.due);
    expect(recomputeDue(SCT, ack.basis)).toBe('2027-01-05');
    expect(ack.basis.nation).toBe('england-and-wales');
    const respond = codeDeadline(SCT, P, 1, 'respond', '2027-01-04');
    expect(respond.basis.nation).toBe('scotland');
    expect(respond.due).toBe('2027-01-18');
  });
});

describe('extensions', () => {
  const original = '2026-12-30';
  it('up to 10 working days past the response date without a good reason', () => {
    const r = checkExtension(ENG, P, 1, original, original, '2027-01-14', 'awaiting a contractor report', null);
    expect(r).toMatchObject({ ok: true, days: 10, deadline: { due: '2027-01-14', basis: { rule: 'stage1.extension', clause: '6.4', maxDays: 10, goodReason: null, reason: 'awaiting a contractor report' } } });
  });
  it('refused past the maximum without a good reason, naming the goodReason field', () => {
    const r = checkExtension(ENG, P, 1, original, original, '2027-01-15', 'x', null);
    expect(r).toMatchObject({ ok: false, field: 'goodReason' });
    expect(!r.ok && r.problem).toMatch(/11 working days past .* maximum without good reason is 10 \(Code 6\.4\)/);
  });
  it('allowed past the maximum with a good reason, which is recorded', () => {
    const r = checkExtension(ENG, P, 1, original, original, '2027-01-15', 'x', 'independent surveyor needed');
    expect(r).toMatchObject({ ok: true, days: 11, deadline: { basis: { goodReason: 'independent surveyor needed' } } });
  });
  it('a second extension is measured from the original date, not the extended one', () => {
    const r = checkExtension(ENG, P, 1, original, '2027-01-06', '2027-01-15', 'x', null);
    expect(r).toMatchObject({ ok: false, field: 'goodReason' });
  });
  it('the new date must be after the current one', () => {
    expect(checkExtension(ENG, P, 1, original, original, original, 'x', null)).toMatchObject({ ok: false, field: 'newDate' });
  });
  it('stage 2 allows 20', () => {
    expect(checkExtension(ENG, P, 2, '2027-02-08', '2027-02-08', '2027-03-08', 'x', null)).toMatchObject({ ok: true, days: 20 });
    expect(checkExtension(ENG, P, 2, '2027-02-08', '2027-02-08', '2027-03-09', 'x', null)).toMatchObject({ ok: false, field: 'goodReason' });
  });
});

describe('deadlineState: on time / due within 2 working days / overdue', () => {
  it.each([
    ['due today', '2026-12-14', '2026-12-14', 'due_soon'],
    ['due in 2 working days', '2026-12-10', '2026-12-14', 'due_soon'],
    ['Friday, due Tuesday (over the weekend: 2 working days)', '2026-12-11', '2026-12-15', 'due_soon'],
    ['due in 3 working days', '2026-12-09', '2026-12-14', 'on_time'],
    ['Thursday 24 Dec, due Tuesday 29 Dec (the holidays do not count)', '2026-12-24', '2026-12-29', 'due_soon'],
    ['the day after', '2026-12-15', '2026-12-14', 'overdue'],
  ] as const)('%s', (_w, today, due, state) => expect(deadlineState(ENG, due, today)).toBe(state));
});
