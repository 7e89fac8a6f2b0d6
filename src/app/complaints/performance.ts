import { z } from 'zod';
import { selectCasesForReport, type CaseReportRow } from '../../adapters/db/complaint-cases.ts';
import { computePerformance, reportPeriod, type CaseFacts, type Performance, type StageFacts } from '../../domain/complaints/performance.ts';
import { viewerOf } from '../tasks/viewer.ts';
import { parseOrThrow } from '../validation.ts';
import { csvCell } from '../audit.ts';
import { complaintClock } from './clock.ts';
import type { AppContext, Principal } from '../context.ts';
import type { Viewer } from '../../domain/tasks/visibility.ts';

// The complaints performance report (Code section 8: the annual self-assessment and performance
// report) for a chosen year, from the stored deadlines — each with the rule and calendar it came
// from — over the complaints the principal may see.

export const PerformanceInput = z.object({
  year: z.coerce.number({ error: 'enter a year like 2026' }).int('enter a year like 2026').min(2000, 'a year from 2000').max(2100, 'a year up to 2100'),
  period: z.enum(['financial', 'calendar']).default('financial'),
});
export type PerformanceInput = z.input<typeof PerformanceInput>;

function stageFacts(r: CaseReportRow, stage: 1 | 2, started: string): StageFacts | null {
  const ds = r.deadlines.filter((d) => d.stage === stage);
  const ack = ds.find((d) => d.kind === 'acknowledge');
  if (!ack) return null;
  const responds = ds.filter((d) => d.kind === 'respond');
  const original = responds[0];
  const current = responds[responds.length - 1];
  return {
    started,
    acknowledgeDue: ack.due,
    acknowledgedOn: ack.metOn,
    respondDueOriginal: original?.due ?? null,
    respondDueCurrent: current?.due ?? null,
    respondedOn: current?.metOn ?? null,
    extensions: r.extensions[stage],
  };
}

export function caseFacts(r: CaseReportRow): CaseFacts {
  return {
    state: r.state,
    currentDue: r.currentDue,
    stage1: stageFacts(r, 1, r.receivedOn)!,
    stage2: r.escalatedOn ? stageFacts(r, 2, r.escalatedOn) : null,
  };
}

/** `who`: a principal (its visibility), or a viewer (the CLI's operator sees every complaint). */
export async function complaintsPerformance(ctx: AppContext, who: Principal | Viewer, input: PerformanceInput): Promise<Performance> {
  const v = parseOrThrow(PerformanceInput, input);
  const period = reportPeriod(v.year, v.period);
  const [viewer, clock] = await Promise.all(['kind' in who ? viewerOf(ctx, who) : who, complaintClock(ctx.db, ctx.now())]);
  const rows = await selectCasesForReport(ctx.db, viewer, period.from, period.to);
  return computePerformance(rows.map(caseFacts), period, clock.today);
}

const pct = (v: number | null) => (v === null ? '' : v.toFixed(1));

/** The report as CSV (RFC 4180), cells a spreadsheet would run as formulas neutralised. */
export async function complaintsPerformanceCsv(ctx: AppContext, who: Principal | Viewer, input: PerformanceInput): Promise<{ csv: string; performance: Performance }> {
  const p = await complaintsPerformance(ctx, who, input);
  const lines: unknown[][] = [['measure', 'stage 1', 'stage 2', 'notes']];
  const both = (label: string, f: (s: Performance['stage1']) => unknown, note = '') => lines.push([label, f(p.stage1), f(p.stage2), note]);
  both('received', (s) => s.received, 'stage 2: escalation requests');
  both('acknowledgements due or made', (s) => s.acknowledgementsDecided);
  both('acknowledged within the Code time', (s) => s.acknowledgedInTime, 'Code 6.2 / 6.11: 5 working days');
  both('% acknowledged within the Code time', (s) => pct(s.acknowledgedInTimePct));
  both('responses due or made', (s) => s.responsesDecided);
  both('responded within the Code time (no extension)', (s) => s.respondedInCodeTime, 'Code 6.3 / 6.15: 10 / 20 working days from acknowledgement');
  both('% responded within the Code time (no extension)', (s) => pct(s.respondedInCodeTimePct));
  both('responded within the time incl. extensions', (s) => s.respondedInExtendedTime, 'Code 6.4 / 6.16');
  both('% responded within the time incl. extensions', (s) => pct(s.respondedInExtendedTimePct));
  both('extensions granted', (s) => s.extensionsGranted);
  both('complaints extended', (s) => s.casesExtended);
  lines.push(['escalations to stage 2', p.escalations, '', '']);
  lines.push(['open and overdue now', p.openOverdueNow, '', `on ${p.today}`]);
  lines.push(['period', `${p.period.from} to ${p.period.to}`, '', p.period.label]);
  return { performance: p, csv: `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n` };
}
