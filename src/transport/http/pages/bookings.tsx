// Appointments › book, a booking's page (details, Outlook sync state, history), Move Appointment with
// a slot picker, Cancel Appointment with a reason, Complete, and replay of a failed Outlook push.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { AppContext } from '../../../app/context.ts';
import { bookAppointment } from '../../../app/appointments/book-appointment.ts';
import { freeSlots, getBookingDetail, getDiarySlot, type BookingView, type Slot } from '../../../app/appointments/bookings.ts';
import { cancelBooking, completeBooking } from '../../../app/appointments/cancel-booking.ts';
import { replayCalendarChanges } from '../../../app/appointments/calendar-push.ts';
import { getDiary, type Diary } from '../../../app/appointments/diaries.ts';
import { moveBooking } from '../../../app/appointments/move-booking.ts';
import { listReasons, type AppointmentReason } from '../../../app/appointments/reasons.ts';
import { isLive } from '../../../domain/appointments/status.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { CsrfField, Layout, pageInfo, sendPage, type PageInfo } from './layout.tsx';
import { ErrorSummary, Select, SuccessBanner, TextInput, fieldErrors, type FieldErrors } from './components.tsx';
import { StatusTag, SyncTag, Textarea, fmtDateTime, fmtTime, query, str } from './appointment-kit.tsx';

const bookingUrl = (ref: number) => `/appointments/bookings/${ref}`;

function BookPage(p: { page: PageInfo; diary: Diary; slot: Slot; errors: FieldErrors; values: { who: string; location: string; notes: string } }): JSX.Element {
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

function BookingPage({ page, detail, diary, saved }: { page: PageInfo; detail: Awaited<ReturnType<typeof getBookingDetail>>; diary: Diary; saved?: string }): JSX.Element {
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

function MovePage(p: { page: PageInfo; booking: BookingView; diary: Diary; slots: Slot[]; reasons: AppointmentReason[]; errors: FieldErrors; chosen: { slot: string; reasonCode: string } }): JSX.Element {
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

function CancelPage(p: { page: PageInfo; booking: BookingView; diary: Diary; reasons: AppointmentReason[]; errors: FieldErrors; reasonCode: string }): JSX.Element {
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

function refusal(err: unknown, fallback: string): FieldErrors {
  if (!(err instanceof AppError) || !['validation', 'conflict'].includes(err.code)) throw err;
  return fieldErrors(err.fields.length ? err.fields.map((f) => (f.field === 'ref' || f.field === 'version' ? { ...f, field: fallback } : f)) : [{ field: fallback, message: err.message }]);
}

const refOf = (raw: string): number => {
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', `There is no appointment with reference ${raw}`);
  return Number(raw);
};

export function registerBookingPages(app: FastifyInstance, ctx: AppContext): void {
  const guard = { preHandler: requirePageUser() };
  type R = { Params: { ref: string } };

  app.get('/appointments/find', guard, async (request, reply) => {
    const ref = (query(request, 'ref') ?? '').trim();
    try {
      await getBookingDetail(ctx, refOf(ref));
      return reply.redirect(bookingUrl(Number(ref)), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return reply.redirect(`/appointments?notfound=${encodeURIComponent(ref.slice(0, 20))}`, 303);
      throw err;
    }
  });

  const bookPage = async (request: FastifyRequest, reply: FastifyReply, diaryCode: string, slotId: number, errors: FieldErrors = {}, values = { who: '', location: '', notes: '' }, status = 200) => {
    const diary = await getDiary(ctx, diaryCode);
    const slot = await getDiarySlot(ctx, diary, slotId);
    return sendPage(reply, <BookPage page={pageInfo(ctx, request, 'Book appointment', 'appointments', status !== 200)} diary={diary} slot={slot} errors={errors} values={values} />, status);
  };
  app.get('/appointments/book', guard, (request, reply) => bookPage(request, reply, query(request, 'diary') ?? '', Number(query(request, 'slot'))));
  app.post('/appointments/book', guard, async (request, reply) => {
    const b = request.body;
    const values = { who: str(b, 'who'), location: str(b, 'location'), notes: str(b, 'notes') };
    try {
      const booking = await bookAppointment(ctx, request.principal!, { diaryCode: str(b, 'diary'), slotId: Number(str(b, 'slot')), ...values });
      return reply.redirect(`${bookingUrl(booking.ref)}?done=booked`, 303);
    } catch (err) {
      return bookPage(request, reply, str(b, 'diary'), Number(str(b, 'slot')), refusal(err, 'slot'), values, 422);
    }
  });

  app.get<R>('/appointments/bookings/:ref', guard, async (request, reply) => {
    const detail = await getBookingDetail(ctx, refOf(request.params.ref));
    const diary = await getDiary(ctx, detail.booking.diaryId);
    const done = query(request, 'done');
    const messages: Record<string, string> = { booked: 'Appointment booked', moved: 'Appointment moved', cancelled: 'Appointment cancelled', completed: 'Appointment completed', replayed: 'Sent to Outlook again' };
    return sendPage(reply, <BookingPage page={pageInfo(ctx, request, `Appointment ${detail.booking.ref}`, 'appointments')} detail={detail} diary={diary} saved={done ? messages[done] : undefined} />);
  });

  const movePage = async (request: FastifyRequest, reply: FastifyReply, ref: number, errors: FieldErrors = {}, chosen = { slot: '', reasonCode: '' }, status = 200) => {
    const { booking } = await getBookingDetail(ctx, ref);
    const diary = await getDiary(ctx, booking.diaryId);
    const [slots, reasons] = await Promise.all([freeSlots(ctx, diary.code, { days: 28 }), listReasons(ctx, { kind: 'move', productArea: diary.productAreaCode })]);
    const page = pageInfo(ctx, request, `Move appointment ${ref}`, 'appointments', status !== 200);
    return sendPage(reply, <MovePage page={page} booking={booking} diary={diary} slots={slots.filter((s) => s.id !== booking.slotId)} reasons={reasons.filter((r) => r.active)} errors={errors} chosen={chosen} />, status);
  };
  app.get<R>('/appointments/bookings/:ref/move', guard, (request, reply) => movePage(request, reply, refOf(request.params.ref)));
  app.post<R>('/appointments/bookings/:ref/move', guard, async (request, reply) => {
    const ref = refOf(request.params.ref);
    const chosen = { slot: str(request.body, 'slot'), reasonCode: str(request.body, 'reasonCode') };
    try {
      if (!chosen.slot) throw AppError.validation('slot', 'Choose a free slot to move the appointment to');
      const version = Number(str(request.body, 'version'));
      await moveBooking(ctx, request.principal!, ref, { slotId: Number(chosen.slot) }, chosen.reasonCode, 'housing', { expectedVersion: Number.isFinite(version) && version > 0 ? version : undefined });
      return reply.redirect(`${bookingUrl(ref)}?done=moved`, 303);
    } catch (err) {
      return movePage(request, reply, ref, refusal(err, 'slot'), chosen, 422);
    }
  });

  const cancelPage = async (request: FastifyRequest, reply: FastifyReply, ref: number, errors: FieldErrors = {}, reasonCode = '', status = 200) => {
    const { booking } = await getBookingDetail(ctx, ref);
    const diary = await getDiary(ctx, booking.diaryId);
    const reasons = (await listReasons(ctx, { kind: 'cancel', productArea: diary.productAreaCode })).filter((r) => r.active);
    return sendPage(reply, <CancelPage page={pageInfo(ctx, request, `Cancel appointment ${ref}`, 'appointments', status !== 200)} booking={booking} diary={diary} reasons={reasons} errors={errors} reasonCode={reasonCode} />, status);
  };
  app.get<R>('/appointments/bookings/:ref/cancel', guard, (request, reply) => cancelPage(request, reply, refOf(request.params.ref)));
  app.post<R>('/appointments/bookings/:ref/cancel', guard, async (request, reply) => {
    const ref = refOf(request.params.ref);
    const reasonCode = str(request.body, 'reasonCode');
    try {
      const version = Number(str(request.body, 'version'));
      await cancelBooking(ctx, request.principal!, ref, reasonCode, 'housing', { expectedVersion: Number.isFinite(version) && version > 0 ? version : undefined });
      return reply.redirect(`${bookingUrl(ref)}?done=cancelled`, 303);
    } catch (err) {
      return cancelPage(request, reply, ref, refusal(err, 'reasonCode'), reasonCode, 422);
    }
  });
  app.post<R>('/appointments/bookings/:ref/complete', guard, async (request, reply) => {
    const ref = refOf(request.params.ref);
    await completeBooking(ctx, request.principal!, ref);
    return reply.redirect(`${bookingUrl(ref)}?done=completed`, 303);
  });
  app.post<R>('/appointments/bookings/:ref/replay', guard, async (request, reply) => {
    if (request.principal?.role !== 'admin') throw new AppError('forbidden', 'Only an administrator can send a failed change to Outlook again');
    const ref = refOf(request.params.ref);
    await replayCalendarChanges(ctx, request.principal, ref);
    return reply.redirect(`${bookingUrl(ref)}?done=replayed`, 303);
  });
}
