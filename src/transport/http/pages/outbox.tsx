import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getOutboxEmail, listOutbox, outboxCounts, replayEmail, type OutboxEmail, type OutboxEmailDetail } from '../../../app/email/outbox.ts';
import { getIntegrationStatus } from '../../../app/integration.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import { OUTBOX_STATUSES, STATUS_LABELS, type OutboxStatus } from '../../../domain/email/outbox.ts';
import { displaySafeName } from '../../../domain/text/bidi.ts';
import { requirePageUser } from '../auth.ts';
import { SuccessBanner, Tag } from './components.tsx';
import { whenIn } from './task-page-kit.tsx';
import { organisationZone } from '../../../app/complaints/clock.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';

const COLOURS: Record<OutboxStatus, 'green' | 'red' | 'grey' | 'yellow' | 'blue'> = { queued: 'blue', held: 'yellow', sending: 'blue', sent: 'green', failed: 'yellow', dead: 'red' };
// Times in the organisation's zone (OUTLOOK365_TIMEZONE), the zone named; the API gives UTC.
const fmt = (zone: string, d: Date | null | undefined) => (d ? whenIn(d, zone) : '');
const addresses = (list: { address: string; name?: string }[]) => displaySafeName(list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', '));

function StatusTag({ e }: { e: OutboxEmail }): JSX.Element {
  return <Tag text={STATUS_LABELS[e.status]} colour={COLOURS[e.status]} />;
}

function OutboxList({ page, emails, counts, status, flowReasons, timeZone }: { page: PageInfo; emails: OutboxEmail[]; counts: Record<OutboxStatus, number>; status?: OutboxStatus; flowReasons: string[]; timeZone: string }): JSX.Element {
  return (
    <Layout page={page}>
      <h1 class="govuk-heading-l">Outbox</h1>
      <p class="govuk-body">Email housing365 sends through Outlook 365 from the EMO_EMAILADDR mailbox. Each email is sent exactly once; failed ones are retried on their own.</p>
      {flowReasons.length ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span>
            <span safe>{`Outbound email is not running, so new email is held: ${flowReasons.join('; ')}.`}</span>
          </strong>
        </div>
      ) : (
        ''
      )}
      <nav class="moj-sub-navigation" aria-label="Outbox status">
        <ul class="moj-sub-navigation__list">
          <li class="moj-sub-navigation__item">
            <a class="moj-sub-navigation__link" href="/outbox" aria-current={status ? undefined : 'page'}>
              All
            </a>
          </li>
          {OUTBOX_STATUSES.map((s) => (
            <li class="moj-sub-navigation__item">
              <a class="moj-sub-navigation__link" href={`/outbox?status=${s}`} aria-current={status === s ? 'page' : undefined} safe>
                {`${STATUS_LABELS[s]} (${counts[s]})`}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {emails.length === 0 ? (
        <p class="govuk-body">No email here.</p>
      ) : (
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-visually-hidden">Outbox</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Queued</th>
              <th scope="col" class="govuk-table__header">To</th>
              <th scope="col" class="govuk-table__header">Subject</th>
              <th scope="col" class="govuk-table__header">Status</th>
              <th scope="col" class="govuk-table__header">Detail</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {emails.map((e) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell" safe>{fmt(timeZone, e.createdAt)}</td>
                <td class="govuk-table__cell" safe>{addresses(e.to)}</td>
                <td class="govuk-table__cell">
                  <a class="govuk-link" href={`/outbox/${e.id}`} safe>
                    {e.subject || '(no subject)'}
                  </a>
                </td>
                <td class="govuk-table__cell">
                  <StatusTag e={e} />
                </td>
                <td class="govuk-table__cell" safe>
                  {e.status === 'held' ? (e.heldReason ?? '') : e.status === 'failed' ? `${e.lastError ?? ''} – next attempt ${fmt(timeZone, e.nextAttemptAt)}` : e.status === 'dead' ? (e.deadReason ?? '') : e.status === 'sent' ? `sent ${fmt(timeZone, e.sentAt)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function OutboxDetail({ page, e, done, timeZone }: { page: PageInfo; e: OutboxEmailDetail; done?: string; timeZone: string }): JSX.Element {
  const rows: [string, string][] = [
    ['To', addresses(e.to)],
    ['Cc', addresses(e.cc)],
    ['Bcc', addresses(e.bcc)],
    ['From', e.fromMailbox ?? 'EMO_EMAILADDR when sent'],
    ['Template', e.templateCode ?? 'none'],
    ['Queued by', `${e.createdBy} (${e.source}${e.sourceRef ? `, ${e.sourceRef}` : ''}) at ${fmt(timeZone, e.createdAt)}`],
    ['Attempts', String(e.attempts)],
    ['Attachments', displaySafeName(e.attachments.map((a) => `${a.name} (${a.contentType}, ${a.size} bytes)`).join('; ')) || 'none'],
  ];
  if (e.status === 'failed') rows.push(['Next attempt', fmt(timeZone, e.nextAttemptAt)]);
  if (e.lastError) rows.push(['Last error', e.lastError]);
  if (e.heldReason) rows.push(['Held because', e.heldReason]);
  if (e.deadReason) rows.push(['Dead because', e.deadReason]);
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href="/outbox">
        Back to the outbox
      </a>
      <SuccessBanner heading={done} />
      <span class="govuk-caption-l">Outbox</span>
      <h1 class="govuk-heading-l" safe>{e.subject || '(no subject)'}</h1>
      <p class="govuk-body">
        <StatusTag e={e} />
      </p>
      <dl class="govuk-summary-list">
        {rows.map(([k, v]) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key" safe>{k}</dt>
            <dd class="govuk-summary-list__value" safe>{v}</dd>
          </div>
        ))}
      </dl>
      {e.status === 'dead' && page.principal?.role === 'admin' ? (
        <form method="post" action={`/outbox/${e.id}/replay`}>
          <CsrfField token={page.csrfToken} />
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Send again
          </button>
        </form>
      ) : (
        ''
      )}
      <h2 class="govuk-heading-m">Message</h2>
      <pre class="app-email-text govuk-body" safe>{e.text ?? (e.html ?? '').replace(/<[^>]+>/g, '')}</pre>
      <h2 class="govuk-heading-m">History</h2>
      <ol class="govuk-list">
        {e.events.map((h) => (
          <li safe>{`${fmt(timeZone, h.at)} – ${h.status}${h.detail ? `: ${h.detail}` : ''}`}</li>
        ))}
      </ol>
    </Layout>
  );
}

export function registerOutboxPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };
  app.get('/outbox', guard, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const status = OUTBOX_STATUSES.find((s) => s === q.status);
    const viewer = await viewerOf(ctx, request.principal!);
    const [emails, counts, integration] = await Promise.all([listOutbox(ctx, viewer, { status, limit: 200 }), outboxCounts(ctx, viewer), getIntegrationStatus(ctx)]);
    const flow = integration.flows.find((f) => f.flow === 'emailOut');
    return sendPage(reply, <OutboxList page={pageInfo(ctx, request, 'Outbox', 'outbox')} emails={emails} counts={counts} status={status} flowReasons={flow?.reasons ?? []} timeZone={await organisationZone(ctx.db)} />);
  });
  app.get<{ Params: { id: string } }>('/outbox/:id', guard, async (request, reply) => {
    const e = await getOutboxEmail(ctx, request.params.id, await viewerOf(ctx, request.principal!));
    const done = (request.query as Record<string, unknown>).done === 'replayed' ? 'The email is queued to send again' : undefined;
    return sendPage(reply, <OutboxDetail page={pageInfo(ctx, request, e.subject || 'Email', 'outbox')} e={e} done={done} timeZone={await organisationZone(ctx.db)} />);
  });
  app.post<{ Params: { id: string } }>('/outbox/:id/replay', guard, async (request, reply) => {
    if (request.principal?.role !== 'admin') return reply.code(403).send('Only an administrator can replay email');
    await replayEmail(ctx, request.principal, request.params.id, await viewerOf(ctx, request.principal));
    return reply.redirect(`/outbox/${request.params.id}?done=replayed`, 303);
  });
}
