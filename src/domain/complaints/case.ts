import { CLAUSES, type ComplaintPolicy, type StagePolicy } from './policy.ts';
import { addWorkingDays, formatDay, holidaysSkipped, NATION_LABELS, workingDaysBetween, type IsoDate, type Nation, type WorkingCalendar } from './working-days.ts';

// A complaint case on the Code's clock. The states and the steps that move between them are data
// (STYLE.md: one table, checked in one function). Deadlines are computed here and carry their basis —
// the rule, the clause, the date counted from, the calendar — so a stored deadline can be explained
// and recomputed later, and a later change of calendar or policy never moves it.

export const CASE_STATES = ['stage1_new', 'stage1_acknowledged', 'stage1_responded', 'stage2_new', 'stage2_acknowledged', 'stage2_responded', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STEPS = ['stage1_acknowledged', 'stage1_extended', 'stage1_response_sent', 'escalated', 'stage2_acknowledged', 'stage2_extended', 'stage2_response_sent', 'closed'] as const;
export type CaseStep = (typeof CASE_STEPS)[number];

export const STATE_LABELS: Record<CaseState, string> = {
  stage1_new: 'Stage 1: to acknowledge',
  stage1_acknowledged: 'Stage 1: acknowledged, response due',
  stage1_responded: 'Stage 1: response sent',
  stage2_new: 'Stage 2: escalated, to acknowledge',
  stage2_acknowledged: 'Stage 2: acknowledged, response due',
  stage2_responded: 'Stage 2: final response sent',
  closed: 'Closed',
};

export const STEP_LABELS: Record<CaseStep, string> = {
  stage1_acknowledged: 'Stage 1 acknowledged',
  stage1_extended: 'Stage 1 response extended',
  stage1_response_sent: 'Stage 1 response sent',
  escalated: 'Escalated to stage 2',
  stage2_acknowledged: 'Stage 2 acknowledged',
  stage2_extended: 'Stage 2 response extended',
  stage2_response_sent: 'Stage 2 response sent',
  closed: 'Complaint closed',
};

/** state → step → the state it leads to. Extensions keep the state (they move the deadline). */
export const CASE_TRANSITIONS: Readonly<Record<CaseState, Readonly<Partial<Record<CaseStep, CaseState>>>>> = Object.freeze({
  stage1_new: { stage1_acknowledged: 'stage1_acknowledged', closed: 'closed' },
  stage1_acknowledged: { stage1_extended: 'stage1_acknowledged', stage1_response_sent: 'stage1_responded', closed: 'closed' },
  stage1_responded: { escalated: 'stage2_new', closed: 'closed' },
  stage2_new: { stage2_acknowledged: 'stage2_acknowledged', closed: 'closed' },
  stage2_acknowledged: { stage2_extended: 'stage2_acknowledged', stage2_response_sent: 'stage2_responded', closed: 'closed' },
  stage2_responded: { closed: 'closed' },
  closed: {},
});

export function stepsFrom(state: CaseState): CaseStep[] {
  return Object.keys(CASE_TRANSITIONS[state]) as CaseStep[];
}

/** null when the step may be recorded now, else why not in words. */
export function stepProblem(state: CaseState, step: CaseStep): string | null {
  if (CASE_TRANSITIONS[state][step]) return null;
  const allowed = stepsFrom(state).map((s) => STEP_LABELS[s].toLowerCase());
  return `"${STEP_LABELS[step]}" cannot be recorded now: the complaint is at "${STATE_LABELS[state]}"${allowed.length ? `; next can be: ${allowed.join(', ')}` : ''}`;
}

export const stageOf = (state: CaseState): 1 | 2 | null => (state.startsWith('stage1') ? 1 : state.startsWith('stage2') ? 2 : null);

export type DeadlineKind = 'acknowledge' | 'respond';

export interface DeadlineBasis {
  rule: `stage${1 | 2}.${'acknowledge' | 'respond' | 'extension'}`;
  /** The Code clause the rule comes from. */
  clause: string;
  /** Working days counted. */
  days: number;
  /** The date counted from. */
  from: IsoDate;
  fromEvent: 'received' | 'acknowledged' | 'escalation requested' | 'original response date';
  nation: Nation;
  holidaySource: string;
  /** Weekday bank holidays the count stepped over. */
  holidaysSkipped: Array<{ date: IsoDate; title: string }>;
  /** Extensions only: the policy's maximum and the good reason given to go past it. */
  maxDays?: number;
  goodReason?: string | null;
  reason?: string;
}

export interface Deadline {
  stage: 1 | 2;
  kind: DeadlineKind;
  due: IsoDate;
  basis: DeadlineBasis;
}

const stagePolicy = (p: ComplaintPolicy, stage: 1 | 2): StagePolicy => (stage === 1 ? p.stage1 : p.stage2);
const clauses = (stage: 1 | 2) => (stage === 1 ? CLAUSES.stage1 : CLAUSES.stage2);

/** Acknowledge-by (from receipt / the escalation request) or respond-by (from the acknowledgement). */
export function codeDeadline(cal: WorkingCalendar, policy: ComplaintPolicy, stage: 1 | 2, kind: DeadlineKind, from: IsoDate): Deadline {
  const sp = stagePolicy(policy, stage);
  const days = kind === 'acknowledge' ? sp.acknowledgeDays : sp.respondDays;
  const due = addWorkingDays(cal, from, days);
  return {
    stage,
    kind,
    due,
    basis: {
      rule: `stage${stage}.${kind}`,
      clause: clauses(stage)[kind],
      days,
      from,
      fromEvent: kind === 'respond' ? 'acknowledged' : stage === 1 ? 'received' : 'escalation requested',
      nation: cal.nation,
      holidaySource: cal.source,
      holidaysSkipped: holidaysSkipped(cal, from, due),
    },
  };
}

export type ExtensionCheck = { ok: true; deadline: Deadline; days: number } | { ok: false; field: 'newDate' | 'goodReason'; problem: string };

/**
 * An extension of the response deadline to `newDate`, measured in working days past the Code's
 * (unextended) response date. Past the policy's maximum only with a good reason, which is recorded.
 */
export function checkExtension(
  cal: WorkingCalendar,
  policy: ComplaintPolicy,
  stage: 1 | 2,
  original: IsoDate,
  current: IsoDate,
  newDate: IsoDate,
  reason: string,
  goodReason: string | null,
): ExtensionCheck {
  if (newDate <= current) return { ok: false, field: 'newDate', problem: `The new date must be after the current response date, ${formatDay(current)}` };
  const days = workingDaysBetween(cal, original, newDate);
  const max = stagePolicy(policy, stage).maxExtensionDays;
  if (days > max && !goodReason) {
    return { ok: false, field: 'goodReason', problem: `${formatDay(newDate)} is ${days} working days past the stage ${stage} response date (${formatDay(original)}); the maximum without good reason is ${max} (Code ${clauses(stage).extension}). Give the good reason to go further, or choose an earlier date` };
  }
  return {
    ok: true,
    days,
    deadline: {
      stage,
      kind: 'respond',
      due: newDate,
      basis: {
        rule: `stage${stage}.extension`,
        clause: clauses(stage).extension,
        days,
        from: original,
        fromEvent: 'original response date',
        nation: cal.nation,
        holidaySource: cal.source,
        holidaysSkipped: holidaysSkipped(cal, original, newDate),
        maxDays: max,
        goodReason: days > max ? goodReason : null,
        reason,
      },
    },
  };
}

/** The date a basis gives with a calendar: equal to the stored date when the calendar is the same one. */
export function recomputeDue(cal: WorkingCalendar, b: DeadlineBasis): IsoDate {
  return addWorkingDays(cal, b.from, b.days);
}

const FROM_WORDS: Record<DeadlineBasis['fromEvent'], string> = { received: 'receipt', acknowledged: 'the acknowledgement', 'escalation requested': 'the escalation request', 'original response date': 'the response date' };

/** One sentence: what the deadline is and why. */
export function explainDeadline(d: Deadline): string {
  const b = d.basis;
  const what = d.kind === 'acknowledge' ? `Acknowledge stage ${d.stage} by` : `Stage ${d.stage} response by`;
  const count = b.rule.endsWith('extension')
    ? `extended ${b.days} working day${b.days === 1 ? '' : 's'} past the response date ${formatDay(b.from)} (Code ${b.clause}, at most ${b.maxDays ?? '?'} without good reason${b.goodReason ? `; good reason: ${b.goodReason}` : ''})`
    : `${b.days} working days from ${FROM_WORDS[b.fromEvent]} on ${formatDay(b.from)} (Code ${b.clause})`;
  const skipped = b.holidaysSkipped.length ? `; skips ${b.holidaysSkipped.map((h) => `${h.title} (${formatDay(h.date)})`).join(', ')}` : '';
  return `${what} ${formatDay(d.due)}: ${count}, ${NATION_LABELS[b.nation]} bank holidays from ${b.holidaySource}${skipped}`;
}

export type DeadlineState = 'on_time' | 'due_soon' | 'overdue';
export const DEADLINE_STATE_LABELS: Record<DeadlineState, string> = { on_time: 'On time', due_soon: 'Due soon', overdue: 'Overdue' };

/** Overdue after its day; due soon when at most `soonDays` working days remain (2 by default). */
export function deadlineState(cal: WorkingCalendar, due: IsoDate, today: IsoDate, soonDays = 2): DeadlineState {
  if (today > due) return 'overdue';
  return workingDaysBetween(cal, today, due) <= soonDays ? 'due_soon' : 'on_time';
}
