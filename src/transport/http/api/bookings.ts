import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import { bookAppointment } from '../../../app/appointments/book-appointment.ts';
import { getBookingDetail, listBookings, type BookingView } from '../../../app/appointments/bookings.ts';
import { cancelBooking, completeBooking } from '../../../app/appointments/cancel-booking.ts';
import { calendarPushStatus, replayCalendarChanges } from '../../../app/appointments/calendar-push.ts';
import { editBooking } from '../../../app/appointments/edit-booking.ts';
import { moveBooking } from '../../../app/appointments/move-booking.ts';
import { BOOKING_STATUSES } from '../../../domain/appointments/status.ts';
import type { ApiCatalogue } from './define.ts';
import { iso } from './schemas.ts';

const TAG = 'Appointment bookings';

export const BookingDto = z
  .object({
    ref: z.number().int().describe('The unique appointment reference number'),
    diaryCode: z.string(),
    slotId: z.number().int(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    status: z.enum(BOOKING_STATUSES).describe('BOOKED, MOVED, CAN (cancelled) or COMPLETED'),
    reasonCode: z.string().nullable().describe('Reason of the last move or the cancellation'),
    who: z.string(),
    location: z.string().nullable(),
    notes: z.string().nullable(),
    version: z.number().int().describe('Send back as expectedVersion to refuse a change someone else overtook'),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    outlook: z.object({
      state: z.enum(['none', 'pending', 'synced', 'failed', 'dead', 'held']),
      calendar: z.string().nullable(),
      eventId: z.string().nullable(),
      changeKey: z.string().nullable(),
      start: z.iso.datetime().nullable().describe('The start we last wrote to the event'),
      end: z.iso.datetime().nullable(),
      syncedAt: z.iso.datetime().nullable(),
      error: z.string().nullable(),
    }),
  })
  .meta({ id: 'Booking' });

export const toBookingDto = (b: BookingView): z.infer<typeof BookingDto> => ({
  ref: b.ref,
  diaryCode: b.diaryCode,
  slotId: b.slotId,
  startsAt: iso(b.startsAt)!,
  endsAt: iso(b.endsAt)!,
  status: b.status,
  reasonCode: b.reasonCode,
  who: b.who,
  location: b.location,
  notes: b.notes,
  version: b.version,
  createdAt: iso(b.createdAt)!,
  createdBy: b.createdBy,
  outlook: {
    state: b.outlook.state,
    calendar: b.outlook.calendar,
    eventId: b.outlook.eventId,
    changeKey: b.outlook.changeKey,
    start: iso(b.outlook.start),
    end: iso(b.outlook.end),
    syncedAt: iso(b.outlook.syncedAt),
    error: b.outlook.error,
  },
});

const RefParam = z.object({ ref: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const HistoryDto = z.object({
  at: z.iso.datetime(),
  actor: z.string(),
  source: z.enum(['housing', 'outlook', 'system']),
  action: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  fromStart: z.iso.datetime().nullable(),
  toStart: z.iso.datetime().nullable(),
  reasonCode: z.string().nullable(),
  note: z.string().nullable(),
});
const Target = {
  slotId: z.number().int().positive().optional().describe('The slot to move to'),
  start: z.iso.datetime({ offset: true }).optional().describe('Or a start time: the slot starting then'),
};

export function registerBookingApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  const detail = async (ref: number) => {
    const d = await getBookingDetail(ctx, ref);
    return {
      booking: toBookingDto(d.booking),
      history: d.history.map((h) => ({ ...h, at: iso(h.at)!, fromStart: iso(h.fromStart), toStart: iso(h.toStart) })),
      outbox: d.outbox.map((o) => ({ change: o.change, status: o.status, attempts: o.attempts, lastError: o.lastError, createdAt: iso(o.createdAt)!, doneAt: iso(o.doneAt) })),
    };
  };
  const Detail = z.object({
    booking: BookingDto,
    history: z.array(HistoryDto),
    outbox: z.array(z.object({ change: z.string(), status: z.string(), attempts: z.number(), lastError: z.string().nullable(), createdAt: z.iso.datetime(), doneAt: z.iso.datetime().nullable() })),
  });

  api.add(app, {
    method: 'GET', path: '/bookings', operationId: 'listBookings', summary: 'List bookings by diary, status and time', tag: TAG, role: 'officer',
    query: z.object({
      diary: z.string().max(20).optional(),
      status: z.enum(BOOKING_STATUSES).optional(),
      from: z.coerce.date().optional(),
      to: z.coerce.date().optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }),
    status: 200, response: z.array(BookingDto),
    handler: async ({ query }) => (await listBookings(ctx, { diaryCode: query.diary, status: query.status, from: query.from, to: query.to, limit: query.limit })).map(toBookingDto),
  });
  api.add(app, {
    method: 'POST', path: '/bookings', operationId: 'bookAppointment',
    summary: 'Book an appointment in a diary slot',
    description: 'Refusals name the rule: "No appointment slots exist for diary …", "The appointment slot … is in the past", "No units available in the appointment slot …".',
    tag: TAG, role: 'officer',
    body: z
      .object({ diaryCode: z.string().max(20), ...Target, who: z.string().max(200), location: z.string().max(300).nullable().optional(), notes: z.string().max(2000).nullable().optional(), reasonCode: z.string().max(20).nullable().optional() })
      .strict()
      .meta({ id: 'NewBooking' }),
    status: 201, response: BookingDto,
    handler: async ({ body, principal }) => toBookingDto(await bookAppointment(ctx, principal, { ...body, start: body.start ? new Date(body.start) : undefined })),
  });
  api.add(app, {
    method: 'GET', path: '/bookings/{ref}', operationId: 'getBooking', summary: 'A booking with its history and Outlook sync state', tag: TAG, role: 'officer',
    params: RefParam, status: 200, response: Detail,
    handler: async ({ params }) => detail(params.ref),
  });
  api.add(app, {
    method: 'PATCH', path: '/bookings/{ref}', operationId: 'editBooking', summary: 'Change who, where or notes', tag: TAG, role: 'officer',
    params: RefParam, body: z.object({ who: z.string().max(200).optional(), location: z.string().max(300).nullable().optional(), notes: z.string().max(2000).nullable().optional() }).strict(),
    status: 200, response: BookingDto,
    handler: async ({ params, body, principal }) => toBookingDto(await editBooking(ctx, principal, params.ref, body)),
  });
  api.add(app, {
    method: 'POST', path: '/bookings/{ref}/move', operationId: 'moveBooking', summary: 'Move Appointment: to another slot of the same diary, with a move reason', tag: TAG, role: 'officer',
    params: RefParam,
    body: z.object({ ...Target, reasonCode: z.string().max(20), expectedVersion: z.number().int().optional() }).strict().meta({ id: 'MoveBooking' }),
    status: 200, response: BookingDto,
    handler: async ({ params, body, principal }) => {
      const target = body.slotId !== undefined ? { slotId: body.slotId } : { start: new Date(body.start ?? NaN) };
      return toBookingDto(await moveBooking(ctx, principal, params.ref, target, body.reasonCode, 'housing', { expectedVersion: body.expectedVersion }));
    },
  });
  api.add(app, {
    method: 'POST', path: '/bookings/{ref}/cancel', operationId: 'cancelBooking', summary: 'Cancel Appointment: status CAN with a cancel reason', tag: TAG, role: 'officer',
    params: RefParam, body: z.object({ reasonCode: z.string().max(20), expectedVersion: z.number().int().optional() }).strict().meta({ id: 'CancelBooking' }),
    status: 200, response: BookingDto,
    handler: async ({ params, body, principal }) => toBookingDto(await cancelBooking(ctx, principal, params.ref, body.reasonCode, 'housing', { expectedVersion: body.expectedVersion })),
  });
  api.add(app, {
    method: 'POST', path: '/bookings/{ref}/complete', operationId: 'completeBooking', summary: 'Mark a booking COMPLETED', tag: TAG, role: 'officer',
    params: RefParam, status: 200, response: BookingDto,
    handler: async ({ params, principal }) => toBookingDto(await completeBooking(ctx, principal, params.ref)),
  });
  api.add(app, {
    method: 'POST', path: '/bookings/{ref}/outlook/replay', operationId: 'replayBookingCalendarPush', summary: 'Put the booking’s dead-lettered calendar changes back in the queue', tag: TAG, role: 'admin',
    params: RefParam, status: 200, response: z.object({ requeued: z.number() }),
    handler: async ({ params, principal }) => ({ requeued: await replayCalendarChanges(ctx, principal, params.ref) }),
  });
  api.add(app, {
    method: 'GET', path: '/calendar-push', operationId: 'getCalendarPushStatus', summary: 'The calendar push queue: pending, failing and dead-lettered changes', tag: TAG, role: 'admin',
    status: 200,
    response: z.object({
      pending: z.number(), due: z.number(), failing: z.number(), dead: z.number(), done: z.number(), oldestPendingAt: z.iso.datetime().nullable(),
      deadBookings: z.array(z.object({ ref: z.number(), lastError: z.string().nullable(), attempts: z.number() })),
    }),
    handler: async () => {
      const s = await calendarPushStatus(ctx);
      return { ...s.summary, oldestPendingAt: iso(s.summary.oldestPendingAt), deadBookings: s.dead.map((d) => ({ ref: d.ref, lastError: d.lastError, attempts: d.attempts })) };
    },
  });
  api.add(app, {
    method: 'POST', path: '/calendar-push/replay', operationId: 'replayCalendarPush', summary: 'Put every dead-lettered calendar change back in the queue', tag: TAG, role: 'admin',
    status: 200, response: z.object({ requeued: z.number() }),
    handler: async ({ principal }) => ({ requeued: await replayCalendarChanges(ctx, principal) }),
  });
}
