// Appointments › book, a booking's page (details, Outlook sync state, history), Move Appointment with
// a slot picker, Cancel Appointment with a reason, Complete, and replay of a failed Outlook push.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { bookAppointment } from '../../../app/appointments/book-appointment.ts';
import { freeSlots, getBookingDetail, getDiarySlot } from '../../../app/appointments/bookings.ts';
import { cancelBooking, completeBooking } from '../../../app/appointments/cancel-booking.ts';
import { replayCalendarChanges } from '../../../app/appointments/calendar-push.ts';
import { getDiary } from '../../../app/appointments/diaries.ts';
import { moveBooking } from '../../../app/appointments/move-booking.ts';
import { listReasons } from '../../../app/appointments/reasons.ts';
import { AppError } from '../../../errors.ts';
import { requirePageUser } from '../auth.ts';
import { pageInfo, sendPage } from './layout.tsx';
import { fieldErrors, type FieldErrors } from './components.tsx';
import { bookingUrl, query, str } from './appointment-kit.tsx';
import { BookingPage } from './booking-page.tsx';
import { BookPage, CancelPage, MovePage } from './booking-forms.tsx';

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
