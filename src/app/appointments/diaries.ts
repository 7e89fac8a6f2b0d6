// Appointment Diaries (System Setup › Estates › Appointments › Appointment Diaries), their slot
// patterns and closed days, and slot generation over a horizon.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { recordAudit } from '../audit.ts';
import { AppError } from '../../errors.ts';
import {
  deleteException,
  deletePattern,
  insertDiary,
  insertException,
  insertPattern,
  selectDiaries,
  selectDiary,
  selectExceptions,
  selectPatterns,
  updateDiaryRow,
  type Diary,
  type SlotException,
  type StoredSlotPattern,
} from '../../adapters/db/diaries.ts';
import { selectProductArea } from '../../adapters/db/product-areas.ts';
import { deleteFreeSlotsBetween, insertSlots } from '../../adapters/db/slots.ts';
import { outboxSummary, type OutboxSummary } from '../../adapters/db/bookings-outbox.ts';

export type { OutboxSummary };
import { EXTERNAL_CALENDARS, validateCalendarAddress } from '../../domain/appointments/diary.ts';
import { generateSlots, isValidTimeZone } from '../../domain/appointments/slots.ts';
import { graphTimeZoneToIana } from '../../domain/time/zones.ts';
import { parameterValues } from '../parameters.ts';
import { parseOrThrow } from '../validation.ts';
import { enqueueDiaryResync, wakeCalendarPush } from './calendar-outbox.ts';
import type { Actor, AppContext } from '../context.ts';

export type { Diary, SlotException, StoredSlotPattern };

const code = z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,20}$/, 'use up to 20 letters, digits or underscores');
const optionalText = z
  .string()
  .trim()
  .max(200)
  .nullish()
  .transform((v) => (v ? v : null));

const diaryFields = {
  code,
  name: z.string().trim().min(1, 'enter a name').max(200),
  productAreaCode: code,
  owner: optionalText,
  timeZone: z.string().trim().min(1),
  externalCalendar: z.enum(EXTERNAL_CALENDARS, { message: 'choose None or Outlook 365' }),
  calendarAddress: optionalText,
  outlookOldEvents: z.enum(['remove', 'leave']),
  active: z.boolean(),
};
export const DiaryInput = z.object({
  ...diaryFields,
  timeZone: diaryFields.timeZone.default('Europe/London'),
  externalCalendar: diaryFields.externalCalendar.default('NONE'),
  outlookOldEvents: diaryFields.outlookOldEvents.default('remove'),
  active: diaryFields.active.default(true),
});
export type DiaryInput = z.input<typeof DiaryInput>;
// No defaults in a patch: a field left out keeps its value.
export const DiaryPatch = z.object(diaryFields).omit({ code: true }).partial();
export type DiaryPatch = z.input<typeof DiaryPatch>;

export const listDiaries = (ctx: AppContext) => selectDiaries(ctx.db);

export async function getDiary(ctx: AppContext, codeOrId: string | number): Promise<Diary> {
  const d = typeof codeOrId === 'number' ? await selectDiary(ctx.db, { id: codeOrId }) : await selectDiary(ctx.db, { code: codeOrId.trim().toUpperCase() });
  if (!d) throw new AppError('not_found', `There is no appointment diary ${codeOrId}`);
  return d;
}

/** Diary time zones are IANA names for computing; a Windows name (as in OUTLOOK365_TIMEZONE) is accepted and mapped. */
function normaliseZone(zone: string): string {
  const iana = graphTimeZoneToIana(zone) ?? zone;
  if (!isValidTimeZone(iana)) throw AppError.validation('timeZone', `Time zone must be a name such as Europe/London or GMT Standard Time; '${zone}' is neither`);
  return iana;
}

async function checked(ctx: AppContext, d: z.output<typeof DiaryInput>) {
  if (!(await selectProductArea(ctx.db, d.productAreaCode))) {
    throw AppError.validation('productAreaCode', `There is no product area ${d.productAreaCode}; add it under Product Areas first`);
  }
  const values = await parameterValues(ctx);
  const address = validateCalendarAddress(d.externalCalendar, d.calendarAddress, values.INBOX_SERVER);
  if (!address.ok) throw AppError.validation('calendarAddress', address.message);
  return { ...d, timeZone: normaliseZone(d.timeZone), calendarAddress: address.address };
}

export async function createDiary(ctx: AppContext, actor: Actor, input: DiaryInput): Promise<Diary> {
  const data = await checked(ctx, parseOrThrow(DiaryInput, input));
  if (await selectDiary(ctx.db, { code: data.code })) {
    throw new AppError('conflict', `Appointment diary ${data.code} already exists`, [{ field: 'code', message: `${data.code} is taken` }]);
  }
  const diary = await insertDiary(ctx.db, data);
  ctx.logger.info({ diary: diary.code, calendar: diary.calendarAddress, by: actor.username }, 'appointment diary created');
  await recordAudit(ctx.db, actor, { action: 'diary.create', entityType: 'diary', entityId: diary.code, summary: `Appointment diary ${diary.code} created (${diary.externalCalendar === 'OUTLOOK365' ? `Outlook 365: ${diary.calendarAddress}` : 'no external calendar'})`, after: diary });
  return diary;
}

const outlookTarget = (d: Pick<Diary, 'externalCalendar' | 'calendarAddress'>) => (d.externalCalendar === 'OUTLOOK365' ? d.calendarAddress : null);

/**
 * Changes a diary. When its Outlook mapping changes (turned on, turned off, or another calendar
 * address), every booking with something to do in Outlook is queued in the same transaction: future
 * bookings are pushed to the new calendar; events already pushed are removed or left, as the
 * diary's `outlookOldEvents` says. `queued` says how many bookings the push worker will process.
 */
export async function updateDiary(ctx: AppContext, actor: Actor, codeOrId: string | number, patch: DiaryPatch): Promise<{ diary: Diary; queued: number }> {
  const before = await getDiary(ctx, codeOrId);
  const parsed = parseOrThrow(DiaryPatch, patch);
  const merged = { ...before, ...Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) } as z.output<typeof DiaryInput>;
  const data = await checked(ctx, { ...merged, code: before.code });
  const result = await ctx.db.transaction().execute(async (trx) => {
    // Compare with the row as locked, not as read above: two admins re-pointing at once both queue.
    const locked = (await selectDiary(trx, { id: before.id }, { forUpdate: true }))!;
    const diary = await updateDiaryRow(trx, before.id, data);
    const changed = outlookTarget(locked)?.toLowerCase() !== outlookTarget(diary)?.toLowerCase();
    const queued = changed ? await enqueueDiaryResync(trx, diary.id, ctx.now()) : 0;
    await recordAudit(trx, actor, { action: 'diary.update', entityType: 'diary', entityId: diary.code, summary: `Appointment diary ${diary.code} changed${changed ? `; Outlook calendar now ${outlookTarget(diary) ?? 'none'} (${queued} bookings queued)` : ''}`, before: locked, after: diary });
    return { diary, queued };
  });
  ctx.logger.info({ diary: before.code, calendar: result.diary.calendarAddress, queued: result.queued, by: actor.username }, 'appointment diary changed');
  if (result.queued > 0) await wakeCalendarPush(ctx);
  return result;
}

/** How far the diary's bookings are in Outlook: the progress of turning a diary on. */
export async function diaryOutlookProgress(ctx: AppContext, codeOrId: string | number): Promise<OutboxSummary> {
  const diary = await getDiary(ctx, codeOrId);
  return outboxSummary(ctx.db, ctx.now(), diary.id);
}

// ── slot patterns ──

const time = z.string().trim().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'use 24-hour HH:MM, such as 09:00');
// z.iso.date knows month lengths and leap years: 2026-02-30 is refused here, not by PostgreSQL.
const date = z.string().trim().pipe(z.iso.date('use a real date, YYYY-MM-DD'));
export const PatternInput = z
  .object({
    weekdays: z.array(z.coerce.number().int().min(1).max(7)).min(1, 'choose at least one day'),
    startTime: time,
    endTime: time,
    slotMinutes: z.coerce.number().int().min(5, 'slots are at least 5 minutes').max(1440),
    units: z.coerce.number().int().min(1, 'a slot has at least 1 unit').max(1000),
    validFrom: date,
    validTo: date.nullish().transform((v) => v ?? null),
  })
  .refine((p) => p.endTime > p.startTime, { message: 'the end time must be after the start time', path: ['endTime'] })
  .refine((p) => !p.validTo || p.validTo >= p.validFrom, { message: 'the last day must not be before the first', path: ['validTo'] });
export type PatternInput = z.input<typeof PatternInput>;

export async function listPatterns(ctx: AppContext, diaryCode: string): Promise<StoredSlotPattern[]> {
  return selectPatterns(ctx.db, (await getDiary(ctx, diaryCode)).id);
}

export async function addPattern(ctx: AppContext, actor: Actor, diaryCode: string, input: PatternInput): Promise<StoredSlotPattern> {
  const diary = await getDiary(ctx, diaryCode);
  const p = parseOrThrow(PatternInput, input);
  const id = await insertPattern(ctx.db, diary.id, { ...p, weekdays: [...new Set(p.weekdays)].sort() });
  ctx.logger.info({ diary: diary.code, pattern: id, by: actor.username }, 'slot pattern added');
  return (await selectPatterns(ctx.db, diary.id)).find((x) => x.id === id)!;
}

export async function removePattern(ctx: AppContext, actor: Actor, diaryCode: string, id: number): Promise<void> {
  const diary = await getDiary(ctx, diaryCode);
  if (!(await deletePattern(ctx.db, diary.id, id))) throw new AppError('not_found', `Diary ${diary.code} has no slot pattern ${id}`);
  ctx.logger.info({ diary: diary.code, pattern: id, by: actor.username }, 'slot pattern removed (slots already made are kept)');
}

export const listExceptions = async (ctx: AppContext, diaryCode: string) => selectExceptions(ctx.db, (await getDiary(ctx, diaryCode)).id);

/**
 * Closes a day: no slots are generated on it, and its free slots are removed. Slots that already
 * have bookings stay (a closed day does not cancel anyone); they are returned so staff can move them.
 */
export async function closeDay(ctx: AppContext, actor: Actor, diaryCode: string, input: { day: string; reason: string }): Promise<{ removed: number; keptWithBookings: number }> {
  const diary = await getDiary(ctx, diaryCode);
  const { day } = parseOrThrow(z.object({ day: date }), { day: input.day });
  const reason = parseOrThrow(z.string().trim().min(1, 'enter why the day is closed').max(200), input.reason);
  const start = DateTime.fromISO(day, { zone: diary.timeZone }).startOf('day');
  return ctx.db.transaction().execute(async (trx) => {
    await insertException(trx, { diaryId: diary.id, day, reason });
    const { removed, kept } = await deleteFreeSlotsBetween(trx, diary.id, start.toJSDate(), start.plus({ days: 1 }).toJSDate());
    ctx.logger.info({ diary: diary.code, day, removed, kept: kept.length, by: actor.username }, 'diary day closed');
    return { removed, keptWithBookings: kept.length };
  });
}

export async function reopenDay(ctx: AppContext, actor: Actor, diaryCode: string, day: string): Promise<void> {
  const diary = await getDiary(ctx, diaryCode);
  await deleteException(ctx.db, diary.id, parseOrThrow(z.object({ day: date }), { day }).day);
  ctx.logger.info({ diary: diary.code, day, by: actor.username }, 'diary day reopened (generate slots to fill it)');
}

/**
 * Makes the diary's slots from its patterns, from `from` (default: today in the diary's zone) for
 * `days` days (default 56). Existing slots are kept as they are; returns how many were added.
 */
export async function generateDiarySlots(ctx: AppContext, actor: Actor, diaryCode: string, opts: { from?: string; days?: number } = {}): Promise<{ added: number; from: string; to: string }> {
  const diary = await getDiary(ctx, diaryCode);
  const days = parseOrThrow(z.number().int().min(1).max(730, 'generate at most two years at once'), opts.days ?? 56);
  const from = opts.from ? parseOrThrow(z.object({ from: date }), { from: opts.from }).from : DateTime.fromJSDate(ctx.now(), { zone: diary.timeZone }).toISODate()!;
  const to = DateTime.fromISO(from).plus({ days: days - 1 }).toISODate()!;
  const [patterns, exceptions] = await Promise.all([selectPatterns(ctx.db, diary.id), selectExceptions(ctx.db, diary.id)]);
  if (patterns.length === 0) throw AppError.validation('patterns', `Diary ${diary.code} has no slot patterns; add a weekly pattern first`);
  const slots = generateSlots(patterns, new Set(exceptions.map((e) => e.day)), diary.timeZone, from, to);
  const added = await insertSlots(ctx.db, diary.id, slots);
  ctx.logger.info({ diary: diary.code, from, to, added, by: actor.username }, 'slots generated');
  return { added, from, to };
}

/**
 * Keeps every active diary's slots `days` ahead (run daily by the job queue): generation only adds
 * slots that do not exist, so this never disturbs bookings or slots an admin closed.
 */
export async function extendAllDiarySlots(ctx: AppContext, days = 56): Promise<Array<{ diary: string; added: number }>> {
  const out: Array<{ diary: string; added: number }> = [];
  for (const d of await selectDiaries(ctx.db)) {
    if (!d.active || (await selectPatterns(ctx.db, d.id)).length === 0) continue;
    const r = await generateDiarySlots(ctx, { username: 'system' }, d.code, { days });
    out.push({ diary: d.code, added: r.added });
  }
  return out;
}
