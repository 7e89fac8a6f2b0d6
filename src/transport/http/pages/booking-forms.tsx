import { DateTime } from 'luxon';
import type { BookingView, Slot } from '../../../app/appointments/bookings.ts';
import type { Diary } from '../../../app/appointments/diaries.ts';
import type { AppointmentReason } from '../../../app/appointments/reasons.ts';
import { CsrfField, Layout, type PageInfo } from './layout.tsx';
import { ErrorSummary, Select, TextInput, type FieldErrors } from './components.tsx';
import { Textarea, bookingUrl, fmtDateTime, fmtTime } from './appointment-kit.tsx';

// The forms that change a booking: book a slot, Move Appointment with a slot picker, Cancel
// Appointment with a reason.

export function BookPage(p: { page: PageInfo; diary: Diary; slot: Slot; errors: FieldErrors; values: { who: string; location: string; notes: string } }): JSX.Element {
  return (
    <Layout page={p.page}>
      <a class="govuk-back-link" href={`/appointments/diaries/${encodeURIComponent(p.diary.code)}`}>Back to the diary</a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={p.errors} />
          <span class="govuk-caption-l" safe>{p.diary.name}</span>
          <h1 class="govuk-heading-l" safe>{`Book ${fmtDateTime(p.slot.startsAt, p.diary.timeZone)}`}</h1>
          <form method="post" action="/appointments/book" novalidate>
            <CsrfField token={p.page.csrfToken} />
            <input type="hidden" name="diary" value={p.diary.code} />
            <input type="hidden" name="slot" value={String(p.slot.id)} />
            {p.errors.slot ? <p class="govuk-error-message" id="slot" safe>{p.errors.slot}</p> : ''}
            <TextInput id="who" name="who" label="Who the appointment is with" hint="Tenant or applicant name, or their reference" value={p.values.who} error={p.errors.who} />
            <TextInput id="location" name="location" label="Where (optional)" hint="The property address; it is shown in the Outlook event" value={p.values.location} error={p.errors.location} />
            <Textarea id="notes" name="notes" label="Notes (optional)" hint="Kept in housing365; not sent to Outlook" value={p.values.notes} error={p.errors.notes} />
            <button type="submit" class="govuk-button" data-module="govuk-button">Book appointment</button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

export function MovePage(p: { page: PageInfo; booking: BookingView; diary: Diary; slots: Slot[]; reasons: AppointmentReason[]; errors: FieldErrors; chosen: { slot: string; reasonCode: string } }): JSX.Element {
  const byDay = new Map<string, Slot[]>();
  for (const s of p.slots) {
    const day = DateTime.fromJSDate(s.startsAt, { zone: p.diary.timeZone }).toFormat('cccc d LLLL');
    byDay.set(day, [...(byDay.get(day) ?? []), s]);
  }
  return (
    <Layout page={p.page}>
      <a class="govuk-back-link" href={bookingUrl(p.booking.ref)}>Back to the appointment</a>
      <ErrorSummary errors={p.errors} ids={{ slot: 'slot', reasonCode: 'reasonCode' }} />
      <span class="govuk-caption-l" safe>{`Appointment ${p.booking.ref} · now ${fmtDateTime(p.booking.startsAt, p.diary.timeZone)}`}</span>
      <h1 class="govuk-heading-l">Move appointment</h1>
      <form method="post" action={`${bookingUrl(p.booking.ref)}/move`} novalidate>
        <CsrfField token={p.page.csrfToken} />
        <input type="hidden" name="version" value={String(p.booking.version)} />
        <Select id="reasonCode" name="reasonCode" label="Reason for the move" error={p.errors.reasonCode} value={p.chosen.reasonCode} items={[{ value: '', text: 'Choose a reason' }, ...p.reasons.map((r) => ({ value: r.code, text: `${r.description} (${r.code})` }))]} />
        <div class={['govuk-form-group', p.errors.slot && 'govuk-form-group--error']}>
          <fieldset class="govuk-fieldset">
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Choose a free slot</legend>
            {p.errors.slot ? (
              <p id="slot-error" class="govuk-error-message">
                <span class="govuk-visually-hidden">Error:</span> <span safe>{p.errors.slot}</span>
              </p>
            ) : (
              ''
            )}
            {p.slots.length === 0 ? <p class="govuk-body">There are no free slots in the next four weeks.</p> : ''}
            {[...byDay.entries()].map(([day, slots], d) => (
              <div class="govuk-!-margin-bottom-4">
                <h2 class="govuk-heading-s" safe>{day}</h2>
                <div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios">
                  {slots.map((s, i) => {
                    const id = d === 0 && i === 0 ? 'slot' : `slot-${s.id}`;
                    return (
                      <div class="govuk-radios__item">
                        <input class="govuk-radios__input" id={id} name="slot" type="radio" value={String(s.id)} checked={p.chosen.slot === String(s.id)} />
                        <label class="govuk-label govuk-radios__label" for={id} safe>
                          {`${fmtTime(s.startsAt, p.diary.timeZone)} (${s.units - s.booked} free)`}
                        </label>
                      </div>
                    );
                  })}
                </div>
              </div>
            ))}
          </fieldset>
        </div>
        <button type="submit" class="govuk-button" data-module="govuk-button">Move appointment</button>
      </form>
    </Layout>
  );
}

export function CancelPage(p: { page: PageInfo; booking: BookingView; diary: Diary; reasons: AppointmentReason[]; errors: FieldErrors; reasonCode: string }): JSX.Element {
  return (
    <Layout page={p.page}>
      <a class="govuk-back-link" href={bookingUrl(p.booking.ref)}>Back to the appointment</a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={p.errors} />
          <span class="govuk-caption-l" safe>{`Appointment ${p.booking.ref} · ${fmtDateTime(p.booking.startsAt, p.diary.timeZone)}`}</span>
          <h1 class="govuk-heading-l">Cancel appointment</h1>
          <form method="post" action={`${bookingUrl(p.booking.ref)}/cancel`} novalidate>
            <CsrfField token={p.page.csrfToken} />
            <input type="hidden" name="version" value={String(p.booking.version)} />
            <Select id="reasonCode" name="reasonCode" label="Reason for cancelling" error={p.errors.reasonCode} value={p.reasonCode} items={[{ value: '', text: 'Choose a reason' }, ...p.reasons.map((r) => ({ value: r.code, text: `${r.description} (${r.code})` }))]} />
            <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">Cancel appointment</button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
