import type { CaseState } from './case.ts';
import { isIsoDate, type IsoDate } from './working-days.ts';

// The figures a landlord's annual self-assessment and complaints performance report need (Code
// section 8), from the cases' stored deadlines and steps. A stage counts in the period in which it
// started (stage 1: received; stage 2: the escalation request). A timescale is counted once it is
// decided: met (the step is recorded) or missed (its day has passed without the step).

export interface StageFacts {
  /** Received (stage 1) or escalation requested (stage 2). */
  started: IsoDate;
  acknowledgeDue: IsoDate;
  acknowledgedOn: IsoDate | null;
  /** The Code's response date, before any extension (null until acknowledged). */
  respondDueOriginal: IsoDate | null;
  /** The response date in force, after extensions. */
  respondDueCurrent: IsoDate | null;
  respondedOn: IsoDate | null;
  extensions: number;
}

export interface CaseFacts {
  state: CaseState;
  stage1: StageFacts;
  stage2: StageFacts | null;
  /** The open step's deadline, when there is one. */
  currentDue: IsoDate | null;
}

export interface Period {
  from: IsoDate;
  /** Inclusive. */
  to: IsoDate;
  label: string;
}

/** The landlord's year, 1 April to 31 March (the Ombudsman's annual submission), or a calendar year. */
export function reportPeriod(year: number, kind: 'financial' | 'calendar'): Period {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new RangeError(`year ${year} is out of range`);
  return kind === 'financial'
    ? { from: `${year}-04-01`, to: `${year + 1}-03-31`, label: `1 April ${year} to 31 March ${year + 1}` }
    : { from: `${year}-01-01`, to: `${year}-12-31`, label: `1 January to 31 December ${year}` };
}

export interface StageFigures {
  received: number;
  acknowledgementsDecided: number;
  acknowledgedInTime: number;
  acknowledgedInTimePct: number | null;
  responsesDecided: number;
  respondedInCodeTime: number;
  respondedInCodeTimePct: number | null;
  respondedInExtendedTime: number;
  respondedInExtendedTimePct: number | null;
  extensionsGranted: number;
  casesExtended: number;
}

export interface Performance {
  period: Period;
  today: IsoDate;
  stage1: StageFigures;
  stage2: StageFigures;
  escalations: number;
  openOverdueNow: number;
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 10);
const inPeriod = (d: IsoDate, p: Period) => d >= p.from && d <= p.to;

function stageFigures(list: StageFacts[], today: IsoDate): StageFigures {
  let ackDecided = 0, ackIn = 0, respDecided = 0, respCode = 0, respExt = 0, ext = 0, extCases = 0;
  for (const s of list) {
    if (s.acknowledgedOn !== null || s.acknowledgeDue < today) {
      ackDecided++;
      if (s.acknowledgedOn !== null && s.acknowledgedOn <= s.acknowledgeDue) ackIn++;
    }
    if (s.respondDueCurrent !== null && (s.respondedOn !== null || s.respondDueCurrent < today)) {
      respDecided++;
      if (s.respondedOn !== null && s.respondDueOriginal !== null && s.respondedOn <= s.respondDueOriginal) respCode++;
      if (s.respondedOn !== null && s.respondedOn <= s.respondDueCurrent) respExt++;
    }
    ext += s.extensions;
    if (s.extensions > 0) extCases++;
  }
  return {
    received: list.length,
    acknowledgementsDecided: ackDecided,
    acknowledgedInTime: ackIn,
    acknowledgedInTimePct: pct(ackIn, ackDecided),
    responsesDecided: respDecided,
    respondedInCodeTime: respCode,
    respondedInCodeTimePct: pct(respCode, respDecided),
    respondedInExtendedTime: respExt,
    respondedInExtendedTimePct: pct(respExt, respDecided),
    extensionsGranted: ext,
    casesExtended: extCases,
  };
}

const OPEN_STEP_STATES: readonly CaseState[] = ['stage1_new', 'stage1_acknowledged', 'stage2_new', 'stage2_acknowledged'];

export function computePerformance(cases: readonly CaseFacts[], period: Period, today: IsoDate): Performance {
  if (!isIsoDate(today)) throw new RangeError(`today must be a date, not ${today}`);
  const s1 = cases.filter((c) => inPeriod(c.stage1.started, period)).map((c) => c.stage1);
  const s2 = cases.flatMap((c) => (c.stage2 && inPeriod(c.stage2.started, period) ? [c.stage2] : []));
  return {
    period,
    today,
    stage1: stageFigures(s1, today),
    stage2: stageFigures(s2, today),
    escalations: s2.length,
    openOverdueNow: cases.filter((c) => OPEN_STEP_STATES.includes(c.state) && c.currentDue !== null && c.currentDue < today).length,
  };
}
