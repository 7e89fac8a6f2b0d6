import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../app/context.ts';
import {
  addPattern,
  closeDay,
  createDiary,
  diaryOutlookProgress,
  generateDiarySlots,
  getDiary,
  listDiaries,
  listExceptions,
  listPatterns,
  removePattern,
  reopenDay,
  updateDiary,
  type Diary,
} from '../../../app/appointments/diaries.ts';
import { diaryWeek, freeSlots } from '../../../app/appointments/bookings.ts';
import type { ApiCatalogue } from './define.ts';
import { iso } from './schemas.ts';
import { BookingDto, toBookingDto } from './bookings.ts';

const TAG = 'Appointment diaries';

export const DiaryDto = z
  .object({
    code: z.string(),
    name: z.string(),
    productAreaCode: z.string(),
    owner: z.string().nullable(),
    timeZone: z.string().describe('IANA zone the diary’s slots are laid out in'),
    externalCalendar: z.enum(['NONE', 'OUTLOOK365']).describe('External Calendar: None or Outlook 365'),
    calendarAddress: z.string().nullable().describe('Outlook calendar (mailbox) address; must be in the INBOX_SERVER domain'),
    outlookOldEvents: z.enum(['remove', 'leave']).describe('When turned off or re-addressed: remove events already pushed, or leave them'),
    active: z.boolean(),
  })
  .meta({ id: 'AppointmentDiary' });
const toDiaryDto = (d: Diary): z.infer<typeof DiaryDto> => ({
  code: d.code,
  name: d.name,
  productAreaCode: d.productAreaCode,
  owner: d.owner,
  timeZone: d.timeZone,
  externalCalendar: d.externalCalendar,
  calendarAddress: d.calendarAddress,
  outlookOldEvents: d.outlookOldEvents,
  active: d.active,
});
const diaryBody = {
  name: z.string().max(200),
  productAreaCode: z.string().max(20),
  owner: z.string().max(200).nullable().optional(),
  timeZone: z.string().max(64).optional(),
  externalCalendar: z.enum(['NONE', 'OUTLOOK365']).optional(),
  calendarAddress: z.string().max(254).nullable().optional(),
  outlookOldEvents: z.enum(['remove', 'leave']).optional(),
  active: z.boolean().optional(),
};
const CodeParam = z.object({ code: z.string().min(1).max(20) });
const PatternDto = z
  .object({ id: z.number().int(), weekdays: z.array(z.number().int()), startTime: z.string(), endTime: z.string(), slotMinutes: z.number().int(), units: z.number().int(), validFrom: z.string(), validTo: z.string().nullable() })
  .meta({ id: 'SlotPattern' });
export const SlotDto = z
  .object({ id: z.number().int(), startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), units: z.number().int(), booked: z.number().int(), free: z.number().int() })
  .meta({ id: 'AppointmentSlot' });
const toSlotDto = (s: { id: number; startsAt: Date; endsAt: Date; units: number; booked: number }) => ({
  id: s.id,
  startsAt: iso(s.startsAt)!,
  endsAt: iso(s.endsAt)!,
  units: s.units,
  booked: s.booked,
  free: s.units - s.booked,
});

export function registerDiaryApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'GET', path: '/diaries', operationId: 'listDiaries', summary: 'List appointment diaries', tag: TAG, role: 'officer',
    status: 200, response: z.array(DiaryDto),
    handler: async () => (await listDiaries(ctx)).map(toDiaryDto),
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}', operationId: 'getDiary', summary: 'One appointment diary', tag: TAG, role: 'officer',
    params: CodeParam, status: 200, response: DiaryDto,
    handler: async ({ params }) => toDiaryDto(await getDiary(ctx, params.code)),
  });
  api.add(app, {
    method: 'POST', path: '/diaries', operationId: 'createDiary', summary: 'Create an appointment diary', tag: TAG, role: 'admin',
    body: z.object({ code: z.string().max(20), ...diaryBody }).strict().meta({ id: 'NewAppointmentDiary' }),
    status: 201, response: DiaryDto,
    handler: async ({ body, principal }) => toDiaryDto(await createDiary(ctx, principal, body)),
  });
  api.add(app, {
    method: 'PATCH', path: '/diaries/{code}', operationId: 'updateDiary',
    summary: 'Change a diary',
    description: 'Turning Outlook 365 on, off, or changing the Calendar Address queues the diary’s bookings for the calendar push; `queued` says how many.',
    tag: TAG, role: 'admin', params: CodeParam,
    body: z.object(diaryBody).partial().strict().meta({ id: 'AppointmentDiaryPatch' }),
    status: 200, response: z.object({ diary: DiaryDto, queued: z.number().int() }),
    handler: async ({ params, body, principal }) => {
      const r = await updateDiary(ctx, principal, params.code, body);
      return { diary: toDiaryDto(r.diary), queued: r.queued };
    },
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}/outlook-progress', operationId: 'getDiaryOutlookProgress', summary: 'How far the diary’s bookings are in Outlook (after turning it on)', tag: TAG, role: 'officer',
    params: CodeParam, status: 200,
    response: z.object({ pending: z.number(), due: z.number(), failing: z.number(), dead: z.number(), done: z.number(), oldestPendingAt: z.iso.datetime().nullable() }),
    handler: async ({ params }) => {
      const p = await diaryOutlookProgress(ctx, params.code);
      return { ...p, oldestPendingAt: iso(p.oldestPendingAt) };
    },
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}/slot-patterns', operationId: 'listSlotPatterns', summary: 'The diary’s weekly slot patterns', tag: TAG, role: 'officer',
    params: CodeParam, status: 200, response: z.array(PatternDto),
    handler: async ({ params }) => (await listPatterns(ctx, params.code)).map(({ diaryId: _d, ...p }) => p),
  });
  api.add(app, {
    method: 'POST', path: '/diaries/{code}/slot-patterns', operationId: 'addSlotPattern', summary: 'Add a weekly pattern (e.g. Mon–Fri 09:00–17:00, 60-minute slots, 2 units)', tag: TAG, role: 'admin',
    params: CodeParam,
    body: z
      .object({
        weekdays: z.array(z.number().int().min(1).max(7)).describe('1 = Monday … 7 = Sunday'),
        startTime: z.string().describe('HH:MM'),
        endTime: z.string().describe('HH:MM'),
        slotMinutes: z.number().int(),
        units: z.number().int(),
        validFrom: z.string().describe('YYYY-MM-DD'),
        validTo: z.string().nullable().optional(),
      })
      .strict()
      .meta({ id: 'NewSlotPattern' }),
    status: 201, response: PatternDto,
    handler: async ({ params, body, principal }) => {
      const { diaryId: _d, ...p } = await addPattern(ctx, principal, params.code, body);
      return p;
    },
  });
  api.add(app, {
    method: 'DELETE', path: '/diaries/{code}/slot-patterns/{id}', operationId: 'removeSlotPattern', summary: 'Remove a pattern (slots already made stay)', tag: TAG, role: 'admin',
    params: CodeParam.extend({ id: z.coerce.number().int().positive() }), status: 204, response: null,
    handler: async ({ params, principal }) => removePattern(ctx, principal, params.code, params.id),
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}/closed-days', operationId: 'listClosedDays', summary: 'Days the diary is closed (slot exceptions)', tag: TAG, role: 'officer',
    params: CodeParam, status: 200, response: z.array(z.object({ day: z.string(), reason: z.string() })),
    handler: async ({ params }) => (await listExceptions(ctx, params.code)).map((e) => ({ day: e.day, reason: e.reason })),
  });
  api.add(app, {
    method: 'POST', path: '/diaries/{code}/closed-days', operationId: 'closeDiaryDay', summary: 'Close a day: its free slots are removed, booked ones stay', tag: TAG, role: 'admin',
    params: CodeParam, body: z.object({ day: z.string(), reason: z.string().max(200) }).strict(),
    status: 200, response: z.object({ removed: z.number(), keptWithBookings: z.number() }),
    handler: async ({ params, body, principal }) => closeDay(ctx, principal, params.code, body),
  });
  api.add(app, {
    method: 'DELETE', path: '/diaries/{code}/closed-days/{day}', operationId: 'reopenDiaryDay', summary: 'Reopen a closed day (generate slots to fill it)', tag: TAG, role: 'admin',
    params: CodeParam.extend({ day: z.string() }), status: 204, response: null,
    handler: async ({ params, principal }) => reopenDay(ctx, principal, params.code, params.day),
  });
  api.add(app, {
    method: 'POST', path: '/diaries/{code}/slots/generate', operationId: 'generateSlots', summary: 'Make slots from the patterns over a horizon (existing slots are kept)', tag: TAG, role: 'admin',
    params: CodeParam, body: z.object({ from: z.string().optional().describe('YYYY-MM-DD, default today'), days: z.number().int().optional().describe('default 56') }).strict(),
    status: 200, response: z.object({ added: z.number(), from: z.string(), to: z.string() }),
    handler: async ({ params, body, principal }) => generateDiarySlots(ctx, principal, params.code, body ?? {}),
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}/free-slots', operationId: 'listFreeSlots', summary: 'Free slots from now on (the slot picker)', tag: TAG, role: 'officer',
    params: CodeParam, query: z.object({ days: z.coerce.number().int().min(1).max(366).optional() }),
    status: 200, response: z.array(SlotDto),
    handler: async ({ params, query }) => (await freeSlots(ctx, params.code, { days: query.days })).map(toSlotDto),
  });
  api.add(app, {
    method: 'GET', path: '/diaries/{code}/week', operationId: 'getDiaryWeek', summary: 'A week of the diary: slots with free units and bookings', tag: TAG, role: 'officer',
    params: CodeParam, query: z.object({ date: z.string().optional().describe('Any day of the week, YYYY-MM-DD; default this week') }),
    status: 200,
    response: z.object({ weekStart: z.string(), days: z.array(z.object({ date: z.string(), slots: z.array(SlotDto.extend({ bookings: z.array(BookingDto) })) })) }),
    handler: async ({ params, query }) => {
      const w = await diaryWeek(ctx, params.code, query.date);
      return { weekStart: w.weekStart, days: w.days.map((d) => ({ date: d.date, slots: d.slots.map((s) => ({ ...toSlotDto(s), bookings: s.bookings.map(toBookingDto) })) })) };
    },
  });
}
