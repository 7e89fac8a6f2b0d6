// System Setup › Microsoft 365 › Sync health (issue 8): per inbox and calendar the sync state with its
// figures, the change-notification subscription, dead letters and parked emails (with replay), and a
// server-rendered SVG chart of tasks raised and bookings synced per day. No script: the chart is plain
// SVG with a text table beside it for screen readers.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { syncHealth, type SyncHealth, type SyncHealthRow, type SyncState } from '../../../app/notifications/sync-health.ts';
import { listParkedEmails, replayParkedEmail } from '../../../app/inbound/poll-inboxes.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import { displaySafeName } from '../../../domain/text/bidi.ts';
import type { ParkedEmail } from '../../../app/inbound/poll-inboxes.ts';
import { Tag } from './components.tsx';
import { requirePageAdmin } from './errors.tsx';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { SetupNav } from './setup.tsx';

export const SYNC_HEALTH_PATH = '/system-setup/integration/sync';

const STATE_COLOUR: Record<SyncState, 'green' | 'yellow' | 'red' | 'grey'> = { healthy: 'green', throttled: 'yellow', failing: 'red', disabled: 'grey' };

const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');
function lag(seconds: number | null): string {
  if (seconds === null) return 'never synced';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** A grouped bar chart: tasks raised and bookings synced per day. */
export function ActivityChart({ daily }: { daily: SyncHealth['daily'] }): JSX.Element {
  const w = 640;
  const h = 180;
  const pad = { l: 36, r: 8, t: 10, b: 28 };
  const max = Math.max(1, ...daily.flatMap((d) => [d.tasks, d.bookings]));
  const band = (w - pad.l - pad.r) / Math.max(1, daily.length);
  const bar = Math.max(2, band / 2 - 3);
  const y = (v: number) => pad.t + (h - pad.t - pad.b) * (1 - v / max);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-labelledby="activity-title" style="max-width:640px">
      <title id="activity-title">Tasks raised and bookings synced per day</title>
      <line x1={String(pad.l)} y1={String(y(0))} x2={String(w - pad.r)} y2={String(y(0))} stroke="#505a5f" />
      <text x="2" y={String(y(max) + 4)} font-size="10" fill="#505a5f">{String(max)}</text>
      <text x="2" y={String(y(0))} font-size="10" fill="#505a5f">0</text>
      {daily.map((d, i) => {
        const x = pad.l + i * band + 2;
        return (
          <g>
            <rect x={String(x)} y={String(y(d.tasks))} width={String(bar)} height={String(y(0) - y(d.tasks))} fill="#1d70b8"><title>{`${d.day}: ${d.tasks} task(s)`}</title></rect>
            <rect x={String(x + bar + 1)} y={String(y(d.bookings))} width={String(bar)} height={String(y(0) - y(d.bookings))} fill="#00703c"><title>{`${d.day}: ${d.bookings} booking change(s)`}</title></rect>
            {i % 2 === 0 ? <text x={String(x)} y={String(h - 10)} font-size="9" fill="#505a5f">{d.day.slice(5)}</text> : ''}
          </g>
        );
      })}
      <rect x={String(w - 190)} y="4" width="10" height="10" fill="#1d70b8" />
      <text x={String(w - 176)} y="13" font-size="10">tasks raised</text>
      <rect x={String(w - 100)} y="4" width="10" height="10" fill="#00703c" />
      <text x={String(w - 86)} y="13" font-size="10">bookings synced</text>
    </svg>
  );
}

function HealthTable({ rows }: { rows: SyncHealthRow[] }): JSX.Element {
  return (
    <table class="govuk-table" data-testid="sync-health">
      <caption class="govuk-table__caption govuk-table__caption--m">Inboxes and calendars</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['Inbox / calendar', 'State', 'Last sync', 'Lag', 'Items today', 'Errors today', '429s today', 'Notifications'].map((t) => (
            <th scope="col" class="govuk-table__header" safe>{t}</th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((r) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell">
              <span safe>{r.name}</span>
              <br />
              <span class="govuk-body-s govuk-!-margin-0" safe>{r.kind === 'inbox' ? `inbox ${r.mailbox}` : 'calendar'}</span>
            </td>
            <td class="govuk-table__cell">
              <Tag text={r.state} colour={STATE_COLOUR[r.state]} />
              {r.why ? <p class="govuk-body-s govuk-!-margin-0" safe>{r.why}</p> : ''}
            </td>
            <td class="govuk-table__cell" safe>{when(r.lastSyncAt)}</td>
            <td class="govuk-table__cell" safe>{lag(r.lagSeconds)}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{String(r.itemsToday)}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{String(r.errorsToday)}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{String(r.throttledToday)}</td>
            <td class="govuk-table__cell" safe>
              {r.subscription
                ? `${r.subscription.status}, expires ${when(r.subscription.expiresAt)}; ${r.subscription.notifications} received${r.subscription.rejected ? `, ${r.subscription.rejected} refused` : ''}${r.subscription.lastLifecycleEvent ? `; last lifecycle event ${r.subscription.lastLifecycleEvent}` : ''}`
                : 'polling only'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ParkedTable({ parked, csrf }: { parked: ParkedEmail[]; csrf: string | null }): JSX.Element {
  if (parked.length === 0) return <p class="govuk-body">No parked emails.</p>;
  return (
    <table class="govuk-table" data-testid="parked">
      <caption class="govuk-table__caption govuk-table__caption--s">Parked emails (could not be imported)</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {['Inbox', 'Subject', 'Reason', 'Attempts', 'Last tried', ''].map((t) => (
            <th scope="col" class="govuk-table__header" safe>{t}</th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {parked.map((p) => (
          <tr class="govuk-table__row">
            <td class="govuk-table__cell" safe>{p.inbox}</td>
            <td class="govuk-table__cell" safe>{displaySafeName(p.subject) ?? '(no subject)'}</td>
            <td class="govuk-table__cell" safe>{displaySafeName(p.reason)}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{String(p.attempts)}</td>
            <td class="govuk-table__cell" safe>{when(p.lastAt)}</td>
            <td class="govuk-table__cell">
              <form method="post" action={`${SYNC_HEALTH_PATH}/parked/${p.id}/replay`}>
                <CsrfField token={csrf} />
                <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-0" data-module="govuk-button">
                  Replay <span class="govuk-visually-hidden" safe>{displaySafeName(p.subject) ?? ''}</span>
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SyncHealthPage({ page, health, parked, csrf, flash }: { page: PageInfo; health: SyncHealth; parked: ParkedEmail[]; csrf: string | null; flash?: string }): JSX.Element {
  const d = health.deadLetters;
  return (
    <Layout page={page}>
      <SetupNav current="integration" />
      <span class="govuk-caption-l">Microsoft 365</span>
      <h1 class="govuk-heading-l">Sync health</h1>
      {flash ? <div class="govuk-inset-text" safe>{flash}</div> : ''}
      <p class="govuk-body">
        Change notifications: <span safe>{health.notifications}</span>. Polling always runs as well (EMI_POLL, CALI_POLL).
        <a class="govuk-link govuk-!-margin-left-2" href="/system-setup/integration">Connection and checks</a>
      </p>
      <HealthTable rows={health.rows} />
      <h2 class="govuk-heading-m">Activity, last {String(health.daily.length)} days</h2>
      <ActivityChart daily={health.daily} />
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">The figures as a table</span></summary>
        <div class="govuk-details__text">
          <table class="govuk-table">
            <thead class="govuk-table__head"><tr class="govuk-table__row"><th class="govuk-table__header">Day</th><th class="govuk-table__header">Tasks raised</th><th class="govuk-table__header">Bookings synced</th></tr></thead>
            <tbody class="govuk-table__body">
              {health.daily.map((x) => (
                <tr class="govuk-table__row"><td class="govuk-table__cell" safe>{x.day}</td><td class="govuk-table__cell">{String(x.tasks)}</td><td class="govuk-table__cell">{String(x.bookings)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <h2 class="govuk-heading-m">Dead letters</h2>
      <ul class="govuk-list govuk-list--bullet">
        <li>Emails that could not be sent: {String(d.emails)} — <a class="govuk-link" href="/outbox">see and resend them in the email outbox</a></li>
        <li>Booking changes that could not be pushed to Outlook: {String(d.calendar)} — replay with <code>housing365 bookings replay</code></li>
        <li>Parked inbound emails: {String(d.parked)}</li>
      </ul>
      <ParkedTable parked={parked} csrf={csrf} />
    </Layout>
  );
}

export function registerIntegrationSyncPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageAdmin(ctx) };
  app.get<{ Querystring: { done?: string } }>(SYNC_HEALTH_PATH, guard, async (request, reply) => {
    const viewer = await viewerOf(ctx, request.principal!);
    const [health, parked] = await Promise.all([syncHealth(ctx, viewer), listParkedEmails(ctx, viewer)]);
    const flash = request.query.done === 'replayed' ? 'The email was imported.' : request.query.done === 'failed' ? 'The email could not be imported again; the reason is in the table.' : undefined;
    return sendPage(reply, <SyncHealthPage page={pageInfo(ctx, request, 'Sync health', 'setup')} health={health} parked={parked} csrf={request.csrfToken} flash={flash} />);
  });
  app.post<{ Params: { id: string } }>(`${SYNC_HEALTH_PATH}/parked/:id/replay`, guard, async (request, reply) => {
    const r = await replayParkedEmail(ctx, request.principal!, /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : -1, await viewerOf(ctx, request.principal!));
    return reply.redirect(`${SYNC_HEALTH_PATH}?done=${r.ok ? 'replayed' : 'failed'}`, 303);
  });
}
