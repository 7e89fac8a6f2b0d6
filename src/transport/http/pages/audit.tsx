import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { auditCsv, searchAudit, type AuditEvent, type AuditFilter } from '../../../app/audit.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import { Layout, pageInfo, sendPage } from './layout.tsx';
import { TextInput } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { SetupNav } from './setup.tsx';

const PAGE_SIZE = 50;

type Query = Record<string, string | undefined>;

/** Reads the audit filter from a query string; bad dates are ignored rather than failing the page. */
export function auditFilterFrom(q: Query): AuditFilter & { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const date = (name: 'from' | 'to') => {
    const v = q[name]?.trim();
    if (!v) return undefined;
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(d.getTime())) {
      errors[name] = `Enter the ${name === 'from' ? 'start' : 'end'} date like 2026-11-25`;
      return undefined;
    }
    return name === 'to' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(d.getTime() + 86_400_000) : d;
  };
  const text = (v?: string) => (v?.trim() ? v.trim().slice(0, 200) : undefined);
  const before = q.before && /^\d+$/.test(q.before) ? Number(q.before) : undefined;
  return { actor: text(q.actor), entityType: text(q.entityType), entityId: text(q.entityId), action: text(q.action), text: text(q.q), from: date('from'), to: date('to'), beforeId: before, errors };
}

const pretty = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

function AuditTable({ events }: { events: AuditEvent[] }): JSX.Element {
  return (
    <table class="govuk-table govuk-table--small-text-until-tablet">
      <caption class="govuk-table__caption govuk-table__caption--m">Changes and sign-ins, newest first</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['When (UTC)', 'Who', 'What', 'Summary', 'Before', 'After'].map((h) => (
            <th scope="col" class="govuk-table__header">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {events.map((e) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell" safe>{e.at.toISOString().replace('T', ' ').slice(0, 19)}</td>
            <td class="govuk-table__cell" safe>{e.actor}</td>
            <td class="govuk-table__cell" safe>{e.action}</td>
            <td class="govuk-table__cell" safe>{e.summary}</td>
            <td class="govuk-table__cell app-break-words" safe>{pretty(e.before)}</td>
            <td class="govuk-table__cell app-break-words" safe>{pretty(e.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function registerAuditPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/system-setup/audit', { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const q = request.query as Query;
    const filter = auditFilterFrom(q);
    const events = await searchAudit(ctx, await viewerOf(ctx, request.principal!), { ...filter, limit: PAGE_SIZE + 1 });
    const more = events.length > PAGE_SIZE;
    const shown = events.slice(0, PAGE_SIZE);
    const params = new URLSearchParams(Object.entries(q).filter(([k, v]) => k !== 'before' && v) as Array<[string, string]>);
    const next = more ? `?${new URLSearchParams([...params, ['before', String(shown[shown.length - 1].id)]])}` : undefined;
    const hasErrors = Object.keys(filter.errors).length > 0;
    return sendPage(
      reply,
      <Layout page={pageInfo(ctx, request as FastifyRequest, 'Audit trail', 'setup', hasErrors)}>
        <SetupNav current="audit" />
        <h1 class="govuk-heading-l">Audit trail</h1>
        <p class="govuk-body">Every change to parameters, FRVs, the licence, users, teams and API tokens, and every sign-in: who, when, and what it was before and after.</p>
        <form method="get" action="/system-setup/audit" novalidate>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third"><TextInput id="q" name="q" label="Contains" value={q.q} /></div>
            <div class="govuk-grid-column-one-third"><TextInput id="actor" name="actor" label="Who (username)" value={q.actor} spellcheck={false} /></div>
            <div class="govuk-grid-column-one-third"><TextInput id="entityType" name="entityType" label="Kind of record" hint="parameter, frv, licence, user, team, session, api_token" value={q.entityType} spellcheck={false} /></div>
          </div>
          <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third"><TextInput id="from" name="from" label="From (date)" hint="For example, 2026-11-01" value={q.from} error={filter.errors.from} width="10" /></div>
            <div class="govuk-grid-column-one-third"><TextInput id="to" name="to" label="To (date, inclusive)" hint="For example, 2026-11-30" value={q.to} error={filter.errors.to} width="10" /></div>
          </div>
          <div class="govuk-button-group">
            <button type="submit" class="govuk-button" data-module="govuk-button">Search</button>
            <a class="govuk-link" href={`/system-setup/audit.csv?${params}`}>Download these results as CSV</a>
          </div>
        </form>
        {shown.length === 0 ? <p class="govuk-body">No audit events match.</p> : <AuditTable events={shown} />}
        {next ? (
          <nav class="govuk-pagination govuk-pagination--block" aria-label="Audit results">
            <div class="govuk-pagination__next">
              <a class="govuk-link govuk-pagination__link" href={next} rel="next">
                <span class="govuk-pagination__link-title">Older events</span>
              </a>
            </div>
          </nav>
        ) : (
          ''
        )}
      </Layout>,
    );
  });

  app.get('/system-setup/audit.csv', { preHandler: requirePageAdmin(ctx) }, async (request, reply) => {
    const csv = await auditCsv(ctx, await viewerOf(ctx, request.principal!), auditFilterFrom(request.query as Query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="housing365-audit-${new Date().toISOString().slice(0, 10)}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
