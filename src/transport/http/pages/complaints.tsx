import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { complaintsPerformance, complaintsPerformanceCsv } from '../../../app/complaints/performance.ts';
import { listComplaints, type ComplaintCounts, type ComplaintListItem } from '../../../app/complaints/view.ts';
import { STATE_LABELS, type DeadlineState } from '../../../domain/complaints/case.ts';
import type { Performance, StageFigures } from '../../../domain/complaints/performance.ts';
import { formatDay } from '../../../domain/complaints/working-days.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { DueTag } from './complaint-panel.tsx';
import { ErrorSummary, Select, TextInput } from './components.tsx';
import { Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { TasksNav } from './tasks-nav.tsx';

// Task Manager › Complaints (every open complaint, soonest deadline first, filtered by stage and
// deadline state) and › Complaints performance (the Code's self-assessment figures for a year, CSV).

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const DUE_LABEL: Record<DeadlineState | 'waiting', string> = { overdue: 'Overdue', due_soon: 'Due within 2 working days', on_time: 'On time', waiting: 'Waiting for the resident' };

/** Task Manager Summary: open complaints by stage and deadline state, each a link to the list. */
export function ComplaintSummary({ counts }: { counts: ComplaintCounts }): JSX.Element {
  const total = [1, 2].reduce((n, s) => n + Object.values(counts[s as 1 | 2]).reduce((a, b) => a + b, 0), 0);
  if (!total) return '';
  const cols = ['overdue', 'due_soon', 'on_time', 'waiting'] as const;
  return (
    <table class="govuk-table" id="complaint-summary">
      <caption class="govuk-table__caption govuk-table__caption--m">Open complaints</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Stage</th>{cols.map((c) => <th scope="col" class="govuk-table__header govuk-table__header--numeric">{DUE_LABEL[c]}</th>)}</tr></thead>
      <tbody class="govuk-table__body">
        {([1, 2] as const).map((s) => (
          <tr class="govuk-table__row">
            <th scope="row" class="govuk-table__header">{`Stage ${s}`}</th>
            {cols.map((c) => (
              <td class="govuk-table__cell govuk-table__cell--numeric">
                <a class="govuk-link" href={`/tasks/complaints?stage=${s}${c === 'waiting' ? '' : `&due=${c}`}`}>{String(counts[s][c])}<span class="govuk-visually-hidden">{` stage ${s} complaints ${DUE_LABEL[c].toLowerCase()}`}</span></a>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ComplaintTable({ items, caption, id }: { items: ComplaintListItem[]; caption: string; id: string }): JSX.Element {
  return (
    <table class="govuk-table" id={id}>
      <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">{['Complaint', 'Stage', 'Next deadline', 'State', 'Team', 'Assigned to', 'Received'].map((h) => <th scope="col" class="govuk-table__header">{h}</th>)}</tr></thead>
      <tbody class="govuk-table__body">
        {items.map((c) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell"><a class="govuk-link" href={`/tasks/${c.taskId}`} safe>{c.title}</a></td>
            <td class="govuk-table__cell" safe>{STATE_LABELS[c.state]}</td>
            <td class="govuk-table__cell" safe>{c.currentDue ? `${c.currentKind === 'acknowledge' ? 'Acknowledge' : 'Respond'} by ${formatDay(c.currentDue)}` : '—'}</td>
            <td class="govuk-table__cell">{c.dueState ? <DueTag state={c.dueState} /> : <span>—</span>}</td>
            <td class="govuk-table__cell" safe>{c.teamCode ?? ''}</td>
            <td class="govuk-table__cell" safe>{c.assigneeName ?? ''}</td>
            <td class="govuk-table__cell" safe>{formatDay(c.receivedOn)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ListPage({ page, q, items, more }: { page: PageInfo; q: Record<string, string>; items: ComplaintListItem[]; more: boolean }): JSX.Element {
  return (
    <Layout page={page}>
      <TasksNav current="complaints" />
      <h1 class="govuk-heading-l">Complaints</h1>
      <form method="get" action="/tasks/complaints" class="app-filter">
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-quarter"><Select id="stage" name="stage" label="Stage" value={q.stage ?? ''} items={[{ value: '', text: 'Both' }, { value: '1', text: 'Stage 1' }, { value: '2', text: 'Stage 2' }]} /></div>
          <div class="govuk-grid-column-one-quarter"><Select id="due" name="due" label="Deadline" value={q.due ?? ''} items={[{ value: '', text: 'Any' }, { value: 'overdue', text: 'Overdue' }, { value: 'due_soon', text: 'Due within 2 working days' }, { value: 'on_time', text: 'On time' }]} /></div>
          <div class="govuk-grid-column-one-quarter"><Select id="include" name="include" label="Show" value={q.include ?? 'open'} items={[{ value: 'open', text: 'Open complaints' }, { value: 'all', text: 'Closed ones too' }]} /></div>
          <div class="govuk-grid-column-one-quarter"><Select id="sort" name="sort" label="Sort" value={q.sort ?? 'deadline'} items={[{ value: 'deadline', text: 'Deadline, soonest first' }, { value: 'received', text: 'Newest first' }]} /></div>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Apply filters</button>
      </form>
      {items.length ? <ComplaintTable items={items} caption={`${items.length}${more ? '+' : ''} complaint${items.length === 1 ? '' : 's'}`} id="complaint-table" /> : <p class="govuk-body" id="no-complaints">No complaints match.</p>}
    </Layout>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)}%`);

function FiguresTable({ p }: { p: Performance }): JSX.Element {
  const rows: Array<[string, (s: StageFigures) => string]> = [
    ['Received', (s) => String(s.received)],
    ['Acknowledged within the Code time (6.2 / 6.11)', (s) => `${pct(s.acknowledgedInTimePct)} (${s.acknowledgedInTime} of ${s.acknowledgementsDecided})`],
    ['Responded within the Code time, no extension (6.3 / 6.15)', (s) => `${pct(s.respondedInCodeTimePct)} (${s.respondedInCodeTime} of ${s.responsesDecided})`],
    ['Responded within the time including extensions (6.4 / 6.16)', (s) => `${pct(s.respondedInExtendedTimePct)} (${s.respondedInExtendedTime} of ${s.responsesDecided})`],
    ['Extensions granted', (s) => `${s.extensionsGranted} (on ${s.casesExtended} complaint${s.casesExtended === 1 ? '' : 's'})`],
  ];
  return (
    <table class="govuk-table" id="performance-table">
      <caption class="govuk-table__caption govuk-table__caption--m" safe>{p.period.label}</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Measure</th><th scope="col" class="govuk-table__header">Stage 1</th><th scope="col" class="govuk-table__header">Stage 2</th></tr></thead>
      <tbody class="govuk-table__body">
        {rows.map(([label, f]) => (
          <tr class="govuk-table__row"><th scope="row" class="govuk-table__header" safe>{label}</th><td class="govuk-table__cell" safe>{f(p.stage1)}</td><td class="govuk-table__cell" safe>{f(p.stage2)}</td></tr>
        ))}
        <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Escalations to stage 2</th><td class="govuk-table__cell" colspan="2">{String(p.escalations)}</td></tr>
        <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Open and overdue now</th><td class="govuk-table__cell" colspan="2" safe>{`${p.openOverdueNow} (on ${formatDay(p.today)})`}</td></tr>
      </tbody>
    </table>
  );
}

function PerformancePage({ page, q, p, error }: { page: PageInfo; q: { year: string; period: string }; p: Performance | null; error?: string }): JSX.Element {
  return (
    <Layout page={page}>
      <TasksNav current="performance" />
      {error ? <ErrorSummary errors={{ year: error }} /> : ''}
      <h1 class="govuk-heading-l">Complaints performance</h1>
      <p class="govuk-body">The figures for the annual self-assessment and complaints performance report (Complaint Handling Code section 8), over the complaints you may see. A stage counts in the year it started (stage 1: received; stage 2: the escalation request); a timescale counts once it is met or its day has passed. How each figure is counted is in docs/complaints.md.</p>
      <form method="get" action="/tasks/complaints/performance" class="app-filter" novalidate>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-quarter"><TextInput id="year" name="year" label="Year (e.g. 2026)" width="5" value={q.year} error={error} /></div>
          <div class="govuk-grid-column-one-half"><Select id="period" name="period" label="Year runs" value={q.period} items={[{ value: 'financial', text: '1 April to 31 March (financial year)' }, { value: 'calendar', text: '1 January to 31 December' }]} /></div>
        </div>
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Show</button>
      </form>
      {p ? (
        <>
          <FiguresTable p={p} />
          <p class="govuk-body"><a class="govuk-link" href={`/tasks/complaints/performance.csv?year=${encodeURIComponent(q.year)}&period=${encodeURIComponent(q.period)}`}>Download as CSV</a></p>
        </>
      ) : ''}
    </Layout>
  );
}

export function registerComplaintPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };

  app.get('/tasks/complaints', guard, async (request, reply) => {
    const raw = request.query as Record<string, unknown>;
    const q = Object.fromEntries(['stage', 'due', 'include', 'sort'].map((k) => [k, str(raw[k])]).filter(([, v]) => v)) as Record<string, string>;
    let r;
    try {
      r = await listComplaints(ctx, request.principal!, q);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      r = await listComplaints(ctx, request.principal!, {});
    }
    return sendPage(reply, <ListPage page={pageInfo(ctx, request, 'Complaints', 'tasks')} q={q} items={r.items} more={r.more} />);
  });

  const yearOf = (raw: Record<string, unknown>) => ({ year: str(raw.year) || String(new Date(ctx.now()).getUTCFullYear() - (new Date(ctx.now()).getUTCMonth() < 3 ? 1 : 0)), period: str(raw.period) === 'calendar' ? 'calendar' : 'financial' });

  app.get('/tasks/complaints/performance', guard, async (request, reply) => {
    const q = yearOf(request.query as Record<string, unknown>);
    try {
      const p = await complaintsPerformance(ctx, request.principal!, { year: q.year, period: q.period as 'financial' | 'calendar' });
      return sendPage(reply, <PerformancePage page={pageInfo(ctx, request, 'Complaints performance', 'tasks')} q={q} p={p} />);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'validation') throw err;
      return sendPage(reply, <PerformancePage page={pageInfo(ctx, request, 'Complaints performance', 'tasks', true)} q={q} p={null} error={err.fields[0]?.message ?? err.message} />, 422);
    }
  });

  app.get('/tasks/complaints/performance.csv', guard, async (request, reply) => {
    const q = yearOf(request.query as Record<string, unknown>);
    const { csv } = await complaintsPerformanceCsv(ctx, request.principal!, { year: q.year, period: q.period as 'financial' | 'calendar' });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="complaints-performance-${q.period}-${q.year.replace(/\D/g, '')}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
