import { DateTime } from 'luxon';
import type { getBookingDetail } from '../../../app/appointments/bookings.ts';
import type { Diary } from '../../../app/appointments/diaries.ts';
import { isLive } from '../../../domain/appointments/status.ts';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { SuccessBanner } from './components.tsx';
import { StatusTag, SyncTag, bookingUrl, fmtDateTime, fmtTime } from './appointment-kit.tsx';

// A booking's page: its details, its actions, the state of its Outlook event (with replay of a
// failed push) and its history.

export function BookingPage({ page, detail, diary, saved }: { page: PageInfo; detail: Awaited<ReturnType<typeof getBookingDetail>>; diary: Diary; saved?: string }): JSX.Element {
  const b = detail.booking;
  const o = b.outlook;
  const row = (key: string, value: JSX.Element | string) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>{key}</dt>
      <dd class="govuk-summary-list__value">{value}</dd>
    </div>
  );
  return (
    <Layout page={page}>
      <a class="govuk-back-link" href={`/appointments/diaries/${encodeURIComponent(diary.code)}?week=${DateTime.fromJSDate(b.startsAt, { zone: diary.timeZone }).toISODate()}`}>Back to the diary</a>
      <SuccessBanner heading={saved} />
      <span class="govuk-caption-l" safe>{diary.name}</span>
      <h1 class="govuk-heading-l" safe>{`Appointment ${b.ref}`}</h1>
      <dl class="govuk-summary-list">
        {row('Status', <StatusTag status={b.status} />)}
        {row('When', <span safe>{`${fmtDateTime(b.startsAt, diary.timeZone)} – ${fmtTime(b.endsAt, diary.timeZone)}`}</span>)}
        {row('Who', <span safe>{b.who}</span>)}
        {row('Where', <span safe>{b.location ?? ''}</span>)}
        {row('Notes', <span safe>{b.notes ?? ''}</span>)}
        {row('Reason', <span safe>{b.reasonCode ?? ''}</span>)}
      </dl>
      {isLive(b.status) ? (
        <div class="govuk-button-group">
          <a class="govuk-button" href={`${bookingUrl(b.ref)}/move`} data-module="govuk-button">Move appointment</a>
          <a class="govuk-button govuk-button--warning" href={`${bookingUrl(b.ref)}/cancel`} data-module="govuk-button">Cancel appointment</a>
          <form method="post" action={`${bookingUrl(b.ref)}/complete`} class="app-inline-form">
            <CsrfField token={page.csrfToken} />
            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Mark completed</button>
          </form>
        </div>
      ) : (
        ''
      )}

      <h2 class="govuk-heading-m" id="outlook">Outlook</h2>
      <dl class="govuk-summary-list" aria-labelledby="outlook">
        {row('Sync state', <SyncTag state={o.state} />)}
        {row('Calendar', <span safe>{o.calendar ?? (diary.externalCalendar === 'OUTLOOK365' ? (diary.calendarAddress ?? '') : 'Diary not mapped to Outlook')}</span>)}
        {row('Event we wrote', <span safe>{o.start ? `${fmtDateTime(o.start, diary.timeZone)} – ${o.end ? fmtTime(o.end, diary.timeZone) : ''}` : ''}</span>)}
        {row('Last sent', <span safe>{fmtDateTime(o.syncedAt, diary.timeZone)}</span>)}
        {o.error ? row('Problem', <span safe>{o.error}</span>) : ''}
        {(() => {
          const retrying = detail.outbox.filter((x) => x.status === 'pending' && x.attempts > 0).at(-1);
          return retrying ? row('Retries', <span safe>{`${retrying.attempts} failed attempt(s); next try ${fmtDateTime(retrying.nextAttemptAt, diary.timeZone)}`}</span>) : '';
        })()}
        {row('Changes queued', <span safe>{`${detail.outbox.length} (${detail.outbox.filter((x) => x.status === 'done').length} sent, ${detail.outbox.filter((x) => x.status === 'pending').length} waiting, ${detail.outbox.filter((x) => x.status === 'dead').length} dead)`}</span>)}
      </dl>
      {o.state === 'dead' && page.principal?.role === 'admin' ? (
        <form method="post" action={`${bookingUrl(b.ref)}/replay`}>
          <CsrfField token={page.csrfToken} />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Send to Outlook again</button>
        </form>
      ) : (
        ''
      )}

      <h2 class="govuk-heading-m">History</h2>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-visually-hidden">History of the appointment</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">When</th>
            <th scope="col" class="govuk-table__header">What</th>
            <th scope="col" class="govuk-table__header">Who</th>
            <th scope="col" class="govuk-table__header">Reason</th>
            <th scope="col" class="govuk-table__header">Details</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {detail.history.map((h) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell" safe>{fmtDateTime(h.at, diary.timeZone)}</td>
              <td class="govuk-table__cell" safe>{h.action.replace(/_/g, ' ').toLowerCase()}</td>
              <td class="govuk-table__cell" safe>{`${h.actor}${h.source === 'housing' ? '' : ` (${h.source === 'outlook' ? 'from Outlook' : 'system'})`}`}</td>
              <td class="govuk-table__cell" safe>{h.reasonCode ?? ''}</td>
              <td class="govuk-table__cell" safe>
                {[h.fromStart && h.toStart && h.fromStart.getTime() !== h.toStart.getTime() ? `${fmtDateTime(h.fromStart, diary.timeZone)} → ${fmtDateTime(h.toStart, diary.timeZone)}` : '', h.note ?? '']
                  .filter(Boolean)
                  .join('; ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
