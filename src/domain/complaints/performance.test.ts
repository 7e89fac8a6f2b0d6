import { describe, expect, it } from 'vitest';
import { computePerformance, reportPeriod, type CaseFacts, type StageFacts } from './performance.ts';

const stage = (s: Partial<StageFacts> & { started: string; acknowledgeDue: string }): StageFacts => ({
  acknowledgedOn: null, respondDueOriginal: null, respondDueCurrent: null, respondedOn: null, extensions: 0, ...s,
});

describe('computePerformance', () => {
  const period = reportPeriod(2026, 'financial');
  const today = '2027-05-01';
  const cases: CaseFacts[] = [
    // on time all the way, closed
    { state: 'closed', currentDue: null, stage1: stage({ started: '2026-05-01', acknowledgeDue: '2026-05-08', acknowledgedOn: '2026-05-05', respondDueOriginal: '2026-05-19', respondDueCurrent: '2026-05-19', respondedOn: '2026-05-19' }), stage2: null },
    // late acknowledgement; responded within an extension
    { state: 'stage1_responded', currentDue: null, stage1: stage({ started: '2026-06-01', acknowledgeDue: '2026-06-08', acknowledgedOn: '2026-06-09', respondDueOriginal: '2026-06-23', respondDueCurrent: '2026-07-07', respondedOn: '2026-07-01', extensions: 1 }), stage2: null },
    // escalated in the period; stage 2 acknowledged on time, responded late
    { state: 'closed', currentDue: null, stage1: stage({ started: '2026-07-01', acknowledgeDue: '2026-07-08', acknowledgedOn: '2026-07-01', respondDueOriginal: '2026-07-15', respondDueCurrent: '2026-07-15', respondedOn: '2026-07-10' }), stage2: stage({ started: '2026-07-20', acknowledgeDue: '2026-07-27', acknowledgedOn: '2026-07-21', respondDueOriginal: '2026-08-18', respondDueCurrent: '2026-08-18', respondedOn: '2026-08-20' }) },
    // never acknowledged, deadline passed: counts as missed, open overdue now
    { state: 'stage1_new', currentDue: '2027-03-08', stage1: stage({ started: '2027-03-01', acknowledgeDue: '2027-03-08' }), stage2: null },
    // received outside the period: not counted in the period (but not overdue now either)
    { state: 'stage1_acknowledged', currentDue: '2027-05-10', stage1: stage({ started: '2027-04-20', acknowledgeDue: '2027-04-27', acknowledgedOn: '2027-04-22', respondDueOriginal: '2027-05-10', respondDueCurrent: '2027-05-10' }), stage2: null },
  ];

  it('counts each stage in the period it started, and each timescale once decided', () => {
    const p = computePerformance(cases, period, today);
    expect(p.stage1).toEqual({
      received: 4,
      acknowledgementsDecided: 4,
      acknowledgedInTime: 2,
      acknowledgedInTimePct: 50,
      responsesDecided: 3,
      respondedInCodeTime: 2,
      respondedInCodeTimePct: 66.7,
      respondedInExtendedTime: 3,
      respondedInExtendedTimePct: 100,
      extensionsGranted: 1,
      casesExtended: 1,
    });
    expect(p.stage2).toMatchObject({ received: 1, acknowledgedInTimePct: 100, respondedInCodeTimePct: 0, respondedInExtendedTimePct: 0 });
    expect(p.escalations).toBe(1);
    expect(p.openOverdueNow).toBe(1);
  });

  it('a timescale not yet due and not yet met is left out (no percentage from nothing)', () => {
    const p = computePerformance([cases[4]], reportPeriod(2027, 'financial'), '2027-04-23');
    expect(p.stage1).toMatchObject({ received: 1, acknowledgementsDecided: 1, responsesDecided: 0, respondedInCodeTimePct: null });
  });

  it('periods: the financial year runs 1 April to 31 March', () => {
    expect(reportPeriod(2026, 'financial')).toMatchObject({ from: '2026-04-01', to: '2027-03-31' });
    expect(reportPeriod(2026, 'calendar')).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(() => reportPeriod(1999, 'calendar')).toThrow(RangeError);
  });
});
